"""Pure tests for brandkit.env: typed environment reads and DATABASE_URL parsing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from brandkit.env import database_from_url, env_bool, env_int, env_list, env_str, require_env


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", " yes ", "on"])
def test_env_bool_reads_true_words(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", default=False) is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off", ""])
def test_env_bool_reads_false_words(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", default=True) is False


def test_env_bool_uses_the_default_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLAG", raising=False)
    assert env_bool("FLAG", default=True) is True
    assert env_bool("FLAG", default=False) is False


def test_env_bool_refuses_other_words_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured) as caught:
        env_bool("DEBUG", default=True)
    assert str(caught.value) == ("DEBUG must be a boolean (1/0, true/false, yes/no), got 'maybe'")


def test_env_int_parses_and_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIMIT", "42")
    assert env_int("LIMIT", default=7) == 42
    monkeypatch.setenv("LIMIT", "  ")
    assert env_int("LIMIT", default=7) == 7
    monkeypatch.delenv("LIMIT")
    assert env_int("LIMIT", default=7) == 7


def test_env_int_refuses_a_non_integer_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMAIL_PORT", "25a")
    with pytest.raises(ImproperlyConfigured) as caught:
        env_int("EMAIL_PORT", default=25)
    assert str(caught.value) == "EMAIL_PORT must be an integer, got '25a'"


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", " a.example.com, ,b.example.com ,")
    assert env_list("ALLOWED_HOSTS", default=["x"]) == ["a.example.com", "b.example.com"]
    monkeypatch.setenv("ALLOWED_HOSTS", "")
    assert env_list("ALLOWED_HOSTS", default=["x"]) == []


def test_env_list_returns_a_copy_of_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)
    default = ["localhost"]
    hosts = env_list("ALLOWED_HOSTS", default=default)
    hosts.append("evil.example.com")
    assert default == ["localhost"]


def test_env_str_defaults_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TIME_ZONE", raising=False)
    assert env_str("TIME_ZONE", default="UTC") == "UTC"


def test_database_from_url_reads_a_relative_sqlite_path() -> None:
    database = database_from_url("sqlite:///var/db.sqlite3")
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == "var/db.sqlite3"


def test_database_from_url_reads_an_absolute_sqlite_path() -> None:
    assert database_from_url("sqlite:////srv/brandkit/db.sqlite3")["NAME"] == (
        "/srv/brandkit/db.sqlite3"
    )


def test_sqlite_waits_for_the_other_writer_instead_of_failing() -> None:
    options = database_from_url("sqlite:///var/db.sqlite3")["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 10
    assert "journal_mode=WAL" in options["init_command"]


def test_database_from_url_reads_in_memory_sqlite() -> None:
    assert database_from_url("sqlite:///:memory:")["NAME"] == ":memory:"


def test_database_from_url_reads_postgres_with_options(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_CONN_MAX_AGE", raising=False)
    monkeypatch.delenv("DATABASE_POOL_SIZE", raising=False)
    database = database_from_url(
        "postgres://brand%40kit:p%2Fss%3Aword@db.example.com:5432/brandkit?sslmode=require"
    )
    assert database == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "brandkit",
        "USER": "brand@kit",
        "PASSWORD": "p/ss:word",
        "HOST": "db.example.com",
        "PORT": "5432",
        # A process-wide pool by default; Django's own persistence is off with it. No JIT.
        "OPTIONS": {
            "sslmode": "require",
            "options": "-c jit=off",
            "pool": {"min_size": 0, "max_size": 10, "timeout": 30},
        },
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": True,
    }


def test_postgres_options_in_the_url_replace_the_jit_default() -> None:
    url = "postgres://postgres@127.0.0.1/brandkit?options=-c%20statement_timeout%3D5000"
    assert database_from_url(url)["OPTIONS"]["options"] == "-c statement_timeout=5000"


@pytest.mark.django_db
def test_web_connections_run_without_postgresql_jit() -> None:
    """A JIT compile costs a page 10-100 ms; the connection the app really uses has it off."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (JIT is a PostgreSQL feature)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_database_pool_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_POOL_SIZE", "0")
    monkeypatch.delenv("DATABASE_CONN_MAX_AGE", raising=False)
    database = database_from_url("postgres://postgres@127.0.0.1/brandkit")
    assert "pool" not in database["OPTIONS"]
    assert database["CONN_MAX_AGE"] == 60


def test_database_from_url_accepts_postgresql_scheme_without_port() -> None:
    database = database_from_url("postgresql://postgres@127.0.0.1/brandkit")
    assert (database["USER"], database["PASSWORD"], database["PORT"]) == ("postgres", "", "")
    assert "sslmode" not in database["OPTIONS"]


def test_database_from_url_refuses_an_unknown_scheme() -> None:
    with pytest.raises(ImproperlyConfigured) as caught:
        database_from_url("mysql://root@localhost/brandkit")
    assert str(caught.value) == (
        "DATABASE_URL must start with postgres:// or sqlite:///, got scheme 'mysql'"
    )


def test_require_env_names_every_missing_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "set")
    monkeypatch.setenv("REDIS_URL", "  ")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ImproperlyConfigured) as caught:
        require_env("SECRET_KEY", "DATABASE_URL", "REDIS_URL")
    assert str(caught.value) == (
        "Production mode (DEBUG off) needs these environment variables: DATABASE_URL, REDIS_URL"
    )
