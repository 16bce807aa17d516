"""brandkit/settings.py in both modes, each case in a fresh interpreter with a controlled env."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
# Every variable settings.py reads that changes the mode or a backend; cleared for every case.
CONTROLLED = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "MEDIA_ROOT",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "STATIC_ROOT",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "BEHIND_TLS_PROXY",
    "EMAIL_BACKEND",
    "ARK_API_KEY",
    "FAL_KEY",
    "OPENAI_COMPAT_API_KEY",
    "BRANDKIT_DEFAULT_PROVIDER",
    "BRANDKIT_VAR_DIR",
    "DJANGO_SETTINGS_MODULE",
)
PROBE = """
import json
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "database": settings.DATABASES["default"],
    "rq_url": settings.RQ_QUEUES["default"]["URL"],
    "is_embedded_redis": settings.IS_EMBEDDED_REDIS,
    "storage": settings.STORAGES["default"]["BACKEND"],
    "storage_options": settings.STORAGES["default"].get("OPTIONS", {}),
    "media_root": str(settings.MEDIA_ROOT),
    "provider": settings.DEFAULT_IMAGE_PROVIDER,
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "secret_key": settings.SECRET_KEY,
}, default=str))
"""


def real_secret() -> str:
    return secrets.token_urlsafe(50)


def production_env() -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": real_secret(),
        "ALLOWED_HOSTS": "brandkit.example.com",
        "DATABASE_URL": "postgres://brandkit:secret@db.example.com:5432/brandkit",
        "REDIS_URL": "redis://redis.example.com:6379/0",
    }


def run(args: list[str], var_dir: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if name not in CONTROLLED}
    env.update(
        {"DJANGO_SETTINGS_MODULE": "brandkit.settings", "BRANDKIT_VAR_DIR": str(var_dir)},
        **variables,
    )
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def probe(var_dir: Path, **variables: str) -> dict[str, object]:
    result = run(["-c", PROBE], var_dir, **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def startup_error(var_dir: Path, **variables: str) -> str:
    result = run(["-c", PROBE], var_dir, **variables)
    assert result.returncode != 0, result.stdout
    return result.stderr.strip().splitlines()[-1]


def test_embedded_mode_needs_no_variables_and_keeps_everything_under_var_dir(
    tmp_path: Path,
) -> None:
    var_dir = tmp_path / "var"
    values = probe(var_dir)
    assert values["DEBUG"] is True
    assert values["database"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["database"]["NAME"] == str(var_dir / "db.sqlite3")
    assert var_dir.is_dir(), "the SQLite database needs its folder"
    assert values["rq_url"] == f"unix://{var_dir / 'redis.sock'}"
    assert values["is_embedded_redis"] is True
    assert values["storage"] == "django.core.files.storage.FileSystemStorage"
    assert values["media_root"] == str(var_dir / "media")
    assert values["provider"] == "local"
    assert values["session_cookie_secure"] is False


def test_embedded_mode_uses_database_and_redis_urls_when_given(tmp_path: Path) -> None:
    values = probe(
        tmp_path,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/brandkit",
        REDIS_URL="redis://127.0.0.1:6379/3",
    )
    assert values["database"]["ENGINE"] == "django.db.backends.postgresql"
    assert values["rq_url"] == "redis://127.0.0.1:6379/3"
    assert values["is_embedded_redis"] is False


def test_production_mode_without_variables_names_every_missing_one(tmp_path: Path) -> None:
    message = startup_error(tmp_path, DEBUG="0")
    assert "ImproperlyConfigured" in message
    assert message.endswith(
        "Production mode (DEBUG off) needs these environment variables: "
        "SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL"
    )


def test_production_mode_without_secret_key_names_secret_key(tmp_path: Path) -> None:
    env = production_env()
    del env["SECRET_KEY"]
    message = startup_error(tmp_path, **env)
    assert message.endswith("needs these environment variables: SECRET_KEY")


@pytest.mark.parametrize(
    "secret_key",
    [
        "short-but-not-empty",
        "django-insecure-" + "x" * 60,
        "django-insecure-embedded-mode-only-key",
        "a" * 60,
    ],
    ids=["short", "django-insecure-long", "embedded-default", "one-character"],
)
def test_production_mode_refuses_a_key_that_is_not_a_real_secret(
    tmp_path: Path, secret_key: str
) -> None:
    message = startup_error(tmp_path, **{**production_env(), "SECRET_KEY": secret_key})
    assert "SECRET_KEY must be a real secret in production" in message


def test_production_mode_with_everything_set_passes_check_deploy(tmp_path: Path) -> None:
    env = {**production_env(), "DATABASE_URL": "sqlite:///:memory:"}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_mode_turns_on_secure_cookies_and_keeps_local_storage(tmp_path: Path) -> None:
    values = probe(tmp_path, **production_env())
    assert values["DEBUG"] is False
    assert values["session_cookie_secure"] is True
    assert values["storage"] == "django.core.files.storage.FileSystemStorage"
    # Nothing but the per-process connection pool (DATABASE_POOL_SIZE, default 10) and no JIT.
    assert values["database"]["OPTIONS"] == {
        "options": "-c jit=off",
        "pool": {"min_size": 0, "max_size": 10, "timeout": 30},
    }
    assert values["database"]["HOST"] == "db.example.com"


def test_a_bucket_name_switches_media_to_private_s3_storage(tmp_path: Path) -> None:
    values = probe(
        tmp_path,
        **production_env(),
        AWS_STORAGE_BUCKET_NAME="brandkit-media",
        AWS_S3_ENDPOINT_URL="https://minio.example.com",
    )
    assert values["storage"] == "storages.backends.s3.S3Storage"
    options = values["storage_options"]
    assert options["bucket_name"] == "brandkit-media"
    assert options["endpoint_url"] == "https://minio.example.com"
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True


def test_an_ark_key_makes_ark_the_default_provider(tmp_path: Path) -> None:
    assert probe(tmp_path, ARK_API_KEY="ark-test-key", FAL_KEY="fal-key")["provider"] == "ark"
    assert probe(tmp_path, FAL_KEY="fal-key")["provider"] == "fal"
    assert probe(tmp_path, ARK_API_KEY="ark", BRANDKIT_DEFAULT_PROVIDER="local")["provider"] == (
        "local"
    )


def test_a_malformed_boolean_stops_start_up_naming_the_variable(tmp_path: Path) -> None:
    message = startup_error(tmp_path, DEBUG="sometimes")
    assert message.endswith("DEBUG must be a boolean (1/0, true/false, yes/no), got 'sometimes'")


def test_embedded_mode_makes_a_secret_key_once_and_keeps_it_private(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    first = probe(var_dir)["secret_key"]
    second = probe(var_dir)["secret_key"]
    other_install = probe(tmp_path / "elsewhere")["secret_key"]

    assert first == second == (var_dir / "secret_key").read_text().strip()
    assert len(first) >= 50 and other_install != first
    assert (var_dir / "secret_key").stat().st_mode & 0o777 == 0o600
    assert [path.name for path in var_dir.iterdir() if path.name.startswith(".secret")] == []
