"""Kartoteka settings: everything comes from environment variables (see .env.example)."""

import os
import secrets
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# var/ holds the SQLite database, the secret key, mail and job files: readable by this account
# only. The umask makes every file the process creates later (SQLite's -wal/-shm, .eml files,
# job files, uploads) 0600 and every directory 0700; the chmods close a var/ made earlier.
os.umask(0o077)
VAR_DIR = Path(env.str("KARTOTEKA_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
VAR_DIR.chmod(0o700)
for _file in VAR_DIR.iterdir():
    if _file.is_file():
        _file.chmod(0o600)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    # Zero set-up for local runs: a random key kept in var/ (never in the repository).
    _key_file = VAR_DIR / "secret_key"
    if not _key_file.exists():
        _key_file.write_text(secrets.token_urlsafe(50))
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text().strip()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "ninja",  # serves Swagger UI from our static files (the CDN fallback breaks CSP and offline use)
    "axes",
    # Before django_tasks_db: its `db_worker` command is extended by ours (resumes stale jobs, expires files).
    "kartoteka.jobs",
    "django_tasks",
    "django_tasks_db",
    "kartoteka.core",
    "kartoteka.accounts",
    "kartoteka.audit",
    "kartoteka.clients",
    "kartoteka.contacts",
    "kartoteka.cases",
    "kartoteka.planner",
    "kartoteka.notifications",
    "kartoteka.mailroom",
    "kartoteka.portal",
    "kartoteka.attributes",
    "kartoteka.bulk",
    "kartoteka.exports",
    "kartoteka.messaging",
    "kartoteka.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kartoteka.core.middleware.PreferredLanguageMiddleware",
    "kartoteka.api.body.ApiRequestBodyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "kartoteka.portal.sessions.PortalSessionMiddleware",  # the portal's own session, /portal/ only
    "django.contrib.messages.middleware.MessageMiddleware",
    "kartoteka.core.middleware.PrivateResponseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "kartoteka.core.context_processors.settings_menu",
            ],
        },
    },
    {
        # Only the hot partials (the rows of lists: kartoteka/core/jinja.py, docs/decisions.md).
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "kartoteka.core.jinja.environment"},
    },
]

# --- Database ---------------------------------------------------------------
# SQLite (embedded, WAL, IMMEDIATE transactions) unless DATABASE_URL points elsewhere.
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'kartoteka.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # mmap'd pages count in a worker's memory: 64 MB keeps it near 200 MB (docs/performance.md).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000; "
            "PRAGMA cache_size=-65536; PRAGMA mmap_size=67108864; PRAGMA temp_store=MEMORY;"
        ),
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if env.str("TEST_DB_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DB_NAME")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ---------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "clients:list"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# The client's address, also behind a proxy (X-Forwarded-For, trusted only from our proxies) ...
AXES_CLIENT_IP_CALLABLE = "kartoteka.accounts.throttle.client_ip"
# ... and a limit for one address across all user names (an office may share one address).
AXES_HANDLER = "kartoteka.accounts.throttle.AddressAwareHandler"
KARTOTEKA_LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=30)

# Forgotten passwords: a link by e-mail, valid for an hour, requests limited per address and e-mail.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)
KARTOTEKA_PASSWORD_RESET_PER_IP = env.int("PASSWORD_RESET_PER_IP", default=10)
KARTOTEKA_PASSWORD_RESET_PER_EMAIL = env.int("PASSWORD_RESET_PER_EMAIL", default=3)
KARTOTEKA_PASSWORD_RESET_WINDOW = 60 * 60  # seconds
# How long a portal invitation's set-password link works (hours; it works once either way).
KARTOTEKA_PORTAL_INVITE_HOURS = env.int("PORTAL_INVITE_HOURS", default=7 * 24)

# The throttles count in the cache; files under var/ are shared by every worker process.
CACHES = {"default": env.cache_url("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}

# --- i18n ---------------------------------------------------------------------
LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Warsaw")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")

# --- Background tasks ---------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- E-mail ---------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(environ.Env.email_url_config(EMAIL_URL))
else:  # local runs: every message lands as an .eml file under var/mail/
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="kartoteka@localhost")
# Where the application is served: links in e-mails sent by the worker (no request to ask).
KARTOTEKA_SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Security -----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# How long a login lasts (seconds); a working day by default instead of Django's two weeks.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=False)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
HTTPS = env.bool("HTTPS", default=False)  # set true behind TLS in production
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Behind a reverse proxy: trust its X-Forwarded-Proto.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=HTTPS)
# X-Forwarded-For is trusted only when set explicitly: the client's address is the entry the
# nearest of PROXY_COUNT proxies added (kartoteka.accounts.throttle). 0 (the default) ignores the
# header, since without a proxy that appends to it every entry is the client's to forge.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],  # no <base> tag may redirect relative links and form targets
        "object-src": ["'none'"],
    }
}
# Features no page of Kartoteka uses, switched off for every page (and for injected content).
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=(), serial=(), xr-spatial-tracking=()"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# --- Kartoteka ------------------------------------------------------------------
KARTOTEKA_PAGE_SIZE = env.int("KARTOTEKA_PAGE_SIZE", default=50)
KARTOTEKA_BULK_SYNC_LIMIT = env.int("KARTOTEKA_BULK_SYNC_LIMIT", default=2000)
KARTOTEKA_BULK_CHUNK = env.int("KARTOTEKA_BULK_CHUNK", default=10_000)  # clients per transaction in a job
KARTOTEKA_JOB_STALE_AFTER = env.int("KARTOTEKA_JOB_STALE_AFTER", default=120)  # seconds without a heartbeat
KARTOTEKA_JOB_MAX_ATTEMPTS = env.int("KARTOTEKA_JOB_MAX_ATTEMPTS", default=3)  # then a stale job fails
KARTOTEKA_JOB_SWEEP_INTERVAL = env.int("KARTOTEKA_JOB_SWEEP_INTERVAL", default=30)  # the worker's look-after, s
KARTOTEKA_JOB_FILES_DIR = env.path("KARTOTEKA_JOB_FILES_DIR", default=VAR_DIR / "job-files")
KARTOTEKA_JOB_FILES_KEEP_HOURS = env.int("KARTOTEKA_JOB_FILES_KEEP_HOURS", default=72)
# Export files are personal data in bulk: kept a day (the worker deletes them), not the jobs' default.
KARTOTEKA_EXPORT_FILES_KEEP_HOURS = env.int("KARTOTEKA_EXPORT_FILES_KEEP_HOURS", default=24)
# Messages to clients (messaging): attempts per message, back-off (base * 2^(n-1) s, capped), and when a
# message left "sending" by a dead worker is sent again.
KARTOTEKA_MESSAGE_MAX_ATTEMPTS = env.int("KARTOTEKA_MESSAGE_MAX_ATTEMPTS", default=5)
KARTOTEKA_MESSAGE_RETRY_BASE = env.int("KARTOTEKA_MESSAGE_RETRY_BASE", default=60)
KARTOTEKA_MESSAGE_RETRY_MAX = env.int("KARTOTEKA_MESSAGE_RETRY_MAX", default=6 * 60 * 60)
KARTOTEKA_MESSAGE_STALE_AFTER = env.int("KARTOTEKA_MESSAGE_STALE_AFTER", default=600)
KARTOTEKA_JOB_ITEMS_KEEP_DAYS = env.int("KARTOTEKA_JOB_ITEMS_KEEP_DAYS", default=30)  # per-client outcomes
# Correspondence: scans of mail items (PDF, JPEG, PNG; checked by content) are kept here, readable
# by this account only, and served to staff through a view that checks the permission.
KARTOTEKA_MAIL_SCAN_DIR = env.path("KARTOTEKA_MAIL_SCAN_DIR", default=VAR_DIR / "mail-scans")
KARTOTEKA_MAIL_SCAN_MAX_BYTES = env.int("KARTOTEKA_MAIL_SCAN_MAX_BYTES", default=20 * 1024 * 1024)
# The largest multipart body the API reads: the largest file an endpoint accepts, plus the form around it.
KARTOTEKA_API_UPLOAD_MAX_BYTES = KARTOTEKA_MAIL_SCAN_MAX_BYTES + 1024 * 1024
