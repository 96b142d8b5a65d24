"""Settings for Netralitas, read from environment variables.

A fresh checkout runs with development defaults (SQLite, DEBUG on). With
DJANGO_ENV=production every secret must come from the environment and the
security settings pass `manage.py check --deploy`.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Environment variable {name} must be set")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in ("development", "production"):
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", not PRODUCTION)
SECRET_KEY = env_str("SECRET_KEY", None if PRODUCTION else "dev-only-insecure-key-" + "x" * 40)
if not SECRET_KEY.strip():
    raise ImproperlyConfigured("Environment variable SECRET_KEY must not be empty")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# The address `make run HOST=…` serves on (runserver's argument); a bare port is on 127.0.0.1.
DEV_HOST = env_str("HOST", "127.0.0.1:8000")
DEV_HOST = f"127.0.0.1:{DEV_HOST}" if DEV_HOST.isdigit() else DEV_HOST
# Printed in every QR code and PDF: in development where runserver listens; in
# production it must be set (`manage.py check --deploy` refuses a missing or
# wrong one: pledges/web/checks.py).
SITE_URL = env_str("SITE_URL", "" if PRODUCTION else f"http://{DEV_HOST}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks",
    "pledges.apps.TasksDatabaseConfig",  # django_tasks_db, named in Indonesian
    "pledges.apps.AxesConfig",  # axes, named in Indonesian
    "pledges",
]

MIDDLEWARE = [
    "pledges.web.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pledges.web.middleware.AuditActorMiddleware",
    "pledges.web.middleware.KioskDatabaseErrorMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "netralitas.urls"
WSGI_APPLICATION = "netralitas.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60 if PRODUCTION else 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the single writer proceed together; the busy
    # timeout makes a second writer wait instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Lets pledges.db.rows.prepared_cursor prepare the venue's hot statements;
    # Django's own cursors bind parameters client-side and never prepare, so
    # nothing else changes. Without it psycopg ignores prepare=True.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "pledges.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses logins from a username+IP pair that failed too often (staff and admin).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Every page is in Bahasa Indonesia whatever the browser asks for: our own
# strings have no English catalogue yet, and a page mixing Django's English
# ("Monday") with our Indonesian would be worse than either. English stays
# listed so adding LocaleMiddleware and a catalogue is all it takes.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date-times Django shows itself (admin change pages) carry their zone's label.
FORMAT_MODULE_PATH = ["netralitas.formats"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end libraries come from npm (package.json) and are served by the app
# itself: a venue's tablets must work without reaching any CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/signature_pad", NODE_MODULES / "signature_pad" / "dist"),
]
# Files browsers ask for at the site's root (/favicon.ico), served by WhiteNoise.
WHITENOISE_ROOT = BASE_DIR / "public"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "local")
if MEDIA_STORAGE not in ("local", "s3"):
    raise ImproperlyConfigured("MEDIA_STORAGE must be 'local' or 's3'")
STORAGES = {
    # Several web machines share PDFs through object storage (django-storages,
    # configured by its own AWS_* variables: bucket, endpoint, keys).
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage"
        if MEDIA_STORAGE == "s3"
        else "django.core.files.storage.FileSystemStorage"
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if MEDIA_STORAGE == "s3":
    AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
    AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL", "") or None
    AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME", "") or None
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True  # PDFs hold personal data: never public URLs
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

# PAdES seal of every generated PDF: the unit's certificate as a PKCS#12 file.
# Without one, development makes a self-signed certificate on first use (and
# the public verification page says so); production refuses to seal without it.
PADES_PKCS12_PATH = env_str("PADES_PKCS12_PATH", "")
PADES_PKCS12_PASSWORD = env_str("PADES_PKCS12_PASSWORD", "")
PADES_DEV_CERT_DIR = Path(env_str("PADES_DEV_CERT_DIR", str(BASE_DIR / "dev-certs")))
# An RFC 3161 timestamp authority (TSA) makes every seal PAdES B-LTA: the time
# of sealing then rests on the TSA, and the embedded validation data keep the
# seal verifiable after the certificate expires. Without one, seals are B-B
# and documents say their time is the server's clock. PADES_TRUST_ROOTS: PEM
# file(s), comma-separated, with the root certificates of the unit's CA and
# the TSA, against which the chains are validated before they are embedded.
PADES_TSA_URL = env_str("PADES_TSA_URL", "")
PADES_TSA_USERNAME = env_str("PADES_TSA_USERNAME", "")
PADES_TSA_PASSWORD = env_str("PADES_TSA_PASSWORD", "")
PADES_TRUST_ROOTS = env_str("PADES_TRUST_ROOTS", "")
# A document timestamp after the seal (B-LTA): a second TSA token per document.
PADES_DOCUMENT_TIMESTAMP = env_bool("PADES_DOCUMENT_TIMESTAMP", True)
# Seconds each request to the TSA, an OCSP responder or a CRL may take.
PADES_NETWORK_TIMEOUT = env_int("PADES_NETWORK_TIMEOUT", 10)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

TASKS = {
    "default": {
        "BACKEND": env_str(
            "TASKS_BACKEND",
            "django_tasks_db.DatabaseBackend"
            if PRODUCTION
            else "django_tasks.backends.immediate.ImmediateBackend",
        )
    }
}

SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step and fontTools every subset at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Every CRL and OCSP request of every seal, at INFO.
        "pyhanko_certvalidator": {"level": "WARNING"},
    },
}

# Personal data (UU 27/2022) of a closed event is purged after this many days
# (`manage.py purge_personal_data`); PDFs' hashes stay verifiable.
PERSONAL_DATA_RETENTION_DAYS = env_int("PERSONAL_DATA_RETENTION_DAYS", 5 * 365)

# --- Hardening against abuse ---------------------------------------------------

# The cache holds rate-limit counters. By default each process counts on its
# own (no query per request; with 2 gunicorn workers a limit is at most twice as
# loose, which is fine against runaway scripts). Several web machines should
# share one Redis: CACHE_URL=redis://127.0.0.1:6379/1.
CACHE_URL = env_str("CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
RATELIMIT_VIEW = "pledges.web.views.errors.rate_limited"
CSRF_FAILURE_VIEW = "pledges.web.views.errors.csrf_failure"
# Per tablet: search-as-you-type and a queue of offline signatures flushed at once
# stay far below these; a runaway script does not.
KIOSK_SEARCH_RATE = env_str("KIOSK_SEARCH_RATE", "240/m")
KIOSK_SIGN_RATE = env_str("KIOSK_SIGN_RATE", "120/m")
VERIFY_UPLOAD_RATE = env_str("VERIFY_UPLOAD_RATE", "20/m")  # per client address
# The signer's copy link, per client address: its waiting page reloads every 3 s.
COPY_RATE = env_str("COPY_RATE", "40/m")
# django-ratelimit warns that LocMemCache counts per process: that is the choice above.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# ... and an address where wrong passwords were given for AXES_FAILURE_LIMIT
# different usernames (password spraying); staff behind one NAT who mistype
# and then log in do not add up (pledges/web/login_throttle.py says why).
AXES_HANDLER = "pledges.web.login_throttle.UsernamesPerAddressHandler"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Reverse proxies in front of gunicorn; TrustedProxyMiddleware sets REMOTE_ADDR from them.
PROXY_COUNT = env_int("PROXY_COUNT", 1 if PRODUCTION else 0)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Content-Security-Policy: scripts and styles only from this site, no inline
# script anywhere (staff pages, kiosk and admin keep their JS in files).
# Inline *styles* stay allowed: Django admin and Bootstrap components set a few.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
