"""Environment-variable helpers for settings.

About thirty lines that replace a dependency (django-environ): read typed values with defaults,
turn a database URL into Django's DATABASES entry, and fail fast with the variable's name.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, *, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no), got {raw!r}")


def env_int(name: str, *, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_map(name: str) -> dict[str, str]:
    """`KEY=VALUE,KEY=VALUE` as a dict (a comma-separated list of pairs)."""
    pairs: dict[str, str] = {}
    for item in env_list(name, default=[]):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ImproperlyConfigured(
                f"{name} must be KEY=VALUE pairs separated by commas, got {item!r}"
            )
        pairs[key.strip()] = value.strip()
    return pairs


def env_json_object(name: str) -> dict[str, Any]:
    """A JSON object from the environment ({} when unset)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a JSON object: {exc}") from exc
    if not isinstance(value, dict):
        raise ImproperlyConfigured(f"{name} must be a JSON object, got {type(value).__name__}")
    return value


def database_from_url(url: str) -> dict[str, Any]:
    """Turn `postgres://user:pass@host:port/name` or `sqlite:///path` into a DATABASES entry."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # sqlite:///relative.db and sqlite:////absolute/path.db, as in dj-database-url.
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path or ":memory:",
            # The embedded mode writes from the web process and a worker at once: WAL lets reads
            # go on during a write, IMMEDIATE takes the write lock up front (no mid-transaction
            # "database is locked"), and the timeout waits for the other writer instead of failing.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    if scheme in {"postgres", "postgresql", "pgsql"}:
        options: dict[str, Any] = dict(parse_qsl(parts.query))
        # PostgreSQL's JIT compiles a query the planner thinks is costly (a campaign search, a
        # year of analytics) for 10-100 ms before running it for 20: a web page never gains
        # from that. ?options=... in DATABASE_URL replaces this.
        options.setdefault("options", "-c jit=off")
        pool_size = env_int("DATABASE_POOL_SIZE", default=10)
        if pool_size > 0:
            # A process-wide psycopg pool: a worker's job threads give their connection back
            # during every wait (projects/db_slots.py) and take a warm one after it, instead of
            # paying a PostgreSQL backend start each time. CONN_HEALTH_CHECKS makes Django pass
            # the pool a `check` that drops connections the server ended (a restart,
            # pg_terminate_backend) before they are handed out.
            options["pool"] = {"min_size": 0, "max_size": pool_size, "timeout": 30}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
            # A pooled connection is reused through the pool; Django's own persistence must be off.
            "CONN_MAX_AGE": 0 if pool_size > 0 else env_int("DATABASE_CONN_MAX_AGE", default=60),
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with postgres:// or sqlite:///, got scheme {scheme!r}"
    )


def require_env(*names: str) -> None:
    """Refuse to start when a production variable is missing, naming every missing one."""
    missing = [name for name in names if not os.environ.get(name, "").strip()]
    if missing:
        raise ImproperlyConfigured(
            "Production mode (DEBUG off) needs these environment variables: " + ", ".join(missing)
        )


def embedded_secret_key(var_dir: Path) -> str:
    """The embedded mode's secret key: made on first run, kept in `var_dir/secret_key` (0600).

    A fixed key in the source would let anyone who read it forge sessions on a copy that is
    reachable on a network; a key per installation does not. Two processes starting at once
    (serve and its workers) agree: the key is written to a private temporary file first and
    linked into place, which fails for the second, who then reads the winner's complete file.
    """
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=var_dir, prefix=".secret_key-")
        try:
            with os.fdopen(descriptor, "w") as file:  # mkstemp makes it 0600
                file.write(secrets.token_urlsafe(50) + "\n")
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    return path.read_text().strip()
