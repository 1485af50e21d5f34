"""Settings for the UMKM coaching portal.

Everything that differs between a laptop and a server comes from the environment (see README).
With no environment at all the portal runs in development mode on SQLite; `DJANGO_ENV=production`
switches to production mode, which refuses to start without a real SECRET_KEY and ALLOWED_HOSTS.
"""

import os
import tempfile
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env file is convenient on a developer's machine; the real environment always wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Mode -------------------------------------------------------------------------------------
DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DEBUG", default=not PRODUCTION)

# Public on purpose: a laptop needs no secret; production refuses this key (below).
DEVELOPMENT_SECRET_KEY = "development-only-key-never-used-in-production-000"  # noqa: S105

if PRODUCTION:
    # No fallback: a production server with a known key or an open host list is worse than none.
    if not env.str("SECRET_KEY", default=""):
        raise ImproperlyConfigured("Production mode needs SECRET_KEY in the environment.")
    if not env.list("ALLOWED_HOSTS", default=[]):
        raise ImproperlyConfigured("Production mode needs ALLOWED_HOSTS in the environment.")
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])

# --- Production refuses weak settings (issue 15) ------------------------------------------------
# A guessable key forges sessions and password-reset links; DEBUG pages show settings and personal
# data; a wildcard host list lets anyone's Host header into the links the portal emails.
if PRODUCTION:
    _key_advice = "Make one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY:
        raise ImproperlyConfigured(f"SECRET_KEY is the development key, which is public. {_key_advice}")
    if SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            f"SECRET_KEY starts with 'django-insecure': it is a development key. {_key_advice}"
        )
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            f"SECRET_KEY is too weak ({len(SECRET_KEY)} characters): production needs at least 50 "
            f"random characters. {_key_advice}"
        )
    if DEBUG:
        raise ImproperlyConfigured(
            "DEBUG is on in production mode: its error pages show settings and personal data. "
            "Remove DEBUG from the environment or set DEBUG=false."
        )
    # "*" takes any host. A leading dot takes a domain and all below it: right for the city's own
    # domain, a wildcard for everyone on a top-level or public domain (".id", ".go.id").
    _public_domains = {"go.id", "co.id", "ac.id", "or.id", "web.id", "my.id", "biz.id", "net.id"}
    _public_domains |= {"sch.id", "mil.id", "desa.id", "ponpes.id"}
    for _host in ALLOWED_HOSTS:
        _domain = _host.lstrip(".").lower()
        if _host == "*" or (_host.startswith(".") and ("." not in _domain or _domain in _public_domains)):
            raise ImproperlyConfigured(
                f"ALLOWED_HOSTS contains {_host!r}, which lets in host names that are not the portal's: "
                "name its own, e.g. ALLOWED_HOSTS=umkm.banjarmasinkota.go.id"
            )

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Applications -----------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "pembinaan.accounts",
    "pembinaan.reference",
    "pembinaan.registry",
    "pembinaan.funding",
    "pembinaan.coaching",
    "pembinaan.progress",
    "pembinaan.notifications",
    "pembinaan.enrolment",
    "pembinaan.ownerspace",
    "pembinaan.privacy",
    "pembinaan.imports",
    "pembinaan.jobs",
    "pembinaan.front",
    "pembinaan.demo",  # manage.py seed_demo (issue 16)
    "pembinaan.ops",  # health endpoints, request logs, error reports (issue 15)
    "pembinaan.backups",  # manage.py backup / restore (issue 15)
]

MIDDLEWARE = [
    # First: one log line per request with its id and time, whatever answers it (pembinaan/ops).
    "pembinaan.ops.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "pembinaan.front.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pembinaan.front.middleware.PortalLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Issue 15: refuses an oversized anonymous POST before anything reads its body (CSRF does).
    "pembinaan.front.request_limits.AnonymousBodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Issue 17, closed years: the reason for correcting a closed year's figures (pembinaan/progress).
    "pembinaan.progress.middleware.CorrectionReasonMiddleware",
    "pembinaan.accounts.middleware.StaffIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into our own page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "umkm_portal.urls"
WSGI_APPLICATION = "umkm_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pembinaan.accounts.context_processors.roles",
                "pembinaan.front.context_processors.worklist",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the development server read while a seed or import writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    # The test database is a file, not memory, so that a real worker process started by a test
    # (tests/jobs/test_workers.py) sees the rows the test wrote. Each test run names its own.
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME",
        env.str(
            "SQLITE_TEST_NAME",
            default=str(Path(tempfile.gettempdir()) / f"umkm-test-{os.getpid()}.sqlite3"),
        ),
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

# --- Database timeouts (issue 15; PostgreSQL only, SQLite has no server to wait on) --------------
# A database host that accepts and never answers must not hold a request until gunicorn kills the
# worker: libpq gives up connecting after DB_CONNECT_TIMEOUT seconds, and PostgreSQL cancels any
# statement running longer than DB_STATEMENT_TIMEOUT_MS (0: no limit). `manage.py worker` runs exports and imports
# with WORKER_STATEMENT_TIMEOUT_MS instead (pembinaan/jobs/management/commands/worker.py).
DB_CONNECT_TIMEOUT = env.int("DB_CONNECT_TIMEOUT", default=5)
# Management commands (manage.py sets PORTAL_PROCESS=command for all but runserver) default to no
# statement limit: a migration or a large import may rightly run for minutes.
PORTAL_PROCESS = env.str("PORTAL_PROCESS", default="web")
DB_STATEMENT_TIMEOUT_MS = env.int("DB_STATEMENT_TIMEOUT_MS", default=30_000 if PORTAL_PROCESS == "web" else 0)
WORKER_STATEMENT_TIMEOUT_MS = env.int("WORKER_STATEMENT_TIMEOUT_MS", default=30 * 60 * 1000)
if DB_CONNECT_TIMEOUT < 1:  # libpq reads 0 as "wait for ever"
    raise ImproperlyConfigured("DB_CONNECT_TIMEOUT must be 1 or more (seconds).")
if DB_STATEMENT_TIMEOUT_MS < 0 or WORKER_STATEMENT_TIMEOUT_MS < 0:
    raise ImproperlyConfigured("DB_STATEMENT_TIMEOUT_MS and WORKER_STATEMENT_TIMEOUT_MS must be 0 or more.")
if "postgresql" in DATABASES["default"]["ENGINE"] or "postgis" in DATABASES["default"]["ENGINE"]:
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _db_options.setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
    # Sent when the connection starts: no extra round trip per request. Options already in the
    # URL (?options=-c%20search_path%3D…) are kept.
    _db_options["options"] = " ".join(
        filter(None, [_db_options.get("options", ""), f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}"])
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (issue 15; pembinaan/lib/cache.py) ---------------------------------------------------
# Pages' figures and the per-IP limits (pembinaan/lib/ratelimit.py) are kept here, so with several
# processes or servers it must be one shared Redis (CACHE_URL=redis://127.0.0.1:6379/1): Django's
# own Redis backend (redis-py with hiredis), in a subclass that serves pages uncached and lets
# limits fail open, with a logged warning, while Redis is down or hangs. CACHE_TIMEOUT_SECONDS bounds
# each wait on Redis; after a failure a process leaves it alone for CACHE_RETRY_SECONDS.
# Lockouts (django-axes) are kept in the database, shared by every process without the cache.
CACHE_URL = env.str("CACHE_URL", default="locmemcache://")
CACHE_TIMEOUT_SECONDS = env.float("CACHE_TIMEOUT_SECONDS", default=0.5)
CACHE_RETRY_SECONDS = env.float("CACHE_RETRY_SECONDS", default=5)
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "pembinaan.lib.cache.FailOpenRedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {
                "socket_connect_timeout": CACHE_TIMEOUT_SECONDS,
                "socket_timeout": CACHE_TIMEOUT_SECONDS,
                "RETRY_SECONDS": CACHE_RETRY_SECONDS,
            },
        }
    }
else:
    CACHES = {"default": environ.Env.cache_url_config(CACHE_URL)}
# One process (one gunicorn worker, one server) may count in its own memory; more may not.
SINGLE_PROCESS = env.bool("SINGLE_PROCESS", default=False)
if PRODUCTION and CACHES["default"]["BACKEND"] == "django.core.cache.backends.dummy.DummyCache":
    raise ImproperlyConfigured(
        "CACHE_URL=dummycache:// keeps nothing: login and registration limits would never count."
    )
if (
    PRODUCTION
    and CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    and not SINGLE_PROCESS
):
    raise ImproperlyConfigured(
        "Production mode needs a cache shared by every process: set CACHE_URL=redis://127.0.0.1:6379/1 "
        "(Redis). With the local-memory cache each gunicorn worker counts login and registration "
        "limits on its own. If the portal truly runs as one process on one server, set SINGLE_PROCESS=true."
    )

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "pembinaan.accounts.backends.EmailOrPhoneBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        # Our user has no username/first_name: compare with the fields it does have.
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("full_name", "email", "phone")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "front:home"
LOGOUT_REDIRECT_URL = "front:landing"

# Lock out a login name from one address after repeated failures (docs/rules.md rule 17).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Our login form names its field "username" although it takes an e-mail or a phone number.
AXES_USERNAME_FORM_FIELD = "username"
# Count failures per person, not per spelling of their e-mail or phone number.
AXES_USERNAME_CALLABLE = "pembinaan.accounts.lockout.login_name"
# Failures are counted against the address pembinaan.lib.client_address finds (TRUSTED_PROXY_COUNT),
# the same one the per-IP limits use.
AXES_CLIENT_IP_CALLABLE = "pembinaan.lib.client_address.client_address"

# --- Client addresses (issue 15; pembinaan/lib/client_address.py) -------------------------------
# How many reverse proxies of our own stand in front of the portal (nginx on the same server: 1).
# 0 ignores X-Forwarded-For entirely, so a client cannot choose its address; N takes the address
# the outermost of them saw. AXES_PROXY_COUNT is the older name, still read.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=env.int("AXES_PROXY_COUNT", default=0))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Makassar"
USE_I18N = True
USE_TZ = True
# Dates as "28 November 2026" in both languages (docs/rules.md rule 12).
FORMAT_MODULE_PATH = ["umkm_portal.formats"]

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files are served through views that check access, never straight from MEDIA_URL.
MEDIA_URL = "/media-tidak-dilayani/"
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Issue 15: the largest POST someone not logged in may send (login, registration, password reset,
# claim: a few kilobytes of text, no files); larger ones get 413 unread.
ANON_MAX_BODY_BYTES = env.int("ANON_MAX_BODY_BYTES", default=1024 * 1024)
FILE_UPLOAD_PERMISSIONS = 0o640
# Spreadsheet imports (pembinaan/imports): the largest file, its rows, and what an .xlsx may unpack to.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=25 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=200_000)
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=400 * 1024 * 1024)
# Above this many rows an import's dry run and confirmation run as background jobs (pembinaan/jobs).
IMPORT_INLINE_MAX_ROWS = env.int("IMPORT_INLINE_MAX_ROWS", default=5_000)
# Above this many rows a list's export is written by a background job instead of in the request.
EXPORT_INLINE_MAX_ROWS = env.int("EXPORT_INLINE_MAX_ROWS", default=5_000)
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Uploaded files in object storage (issue 15; pembinaan/lib/storage.py) ---------------------
# FILE_STORAGE=s3 keeps uploads and export files in a private bucket of an S3-compatible store
# (MinIO on the city's own server) so that every app server sees them; "local" keeps them under
# MEDIA_ROOT. Either way files are served only through the views that check access.
FILE_STORAGE = env.str("FILE_STORAGE", default="local")
S3_CONNECT_TIMEOUT = env.float("S3_CONNECT_TIMEOUT", default=5)
S3_READ_TIMEOUT = env.float("S3_READ_TIMEOUT", default=30)
if FILE_STORAGE == "s3":
    if not env.str("AWS_STORAGE_BUCKET_NAME", default=""):
        raise ImproperlyConfigured("FILE_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    STORAGES["default"] = {
        "BACKEND": "pembinaan.lib.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="us-east-1"),
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="path"),
            "location": env.str("AWS_LOCATION", default=""),
            # The keys come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment.
        },
    }
elif FILE_STORAGE != "local":
    raise ImproperlyConfigured("FILE_STORAGE must be 'local' or 's3'.")
# `manage.py backup` writes under BACKUP_DIR and keeps the newest BACKUP_KEEP there (0: all). The
# passphrase (BACKUP_PASSPHRASE) is read from the environment by the command, never kept in settings.
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "backups")
BACKUP_KEEP = env.int("BACKUP_KEEP", default=0)

# --- Email ------------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Portal UMKM <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in emails need the portal's own address (emails are sent by cron, outside any request).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# The outbox retries a failed send after 5, 10, 20… minutes and gives up after this many attempts.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=6)
OUTBOX_RETRY_MINUTES = env.int("OUTBOX_RETRY_MINUTES", default=5)
# Seconds a worker waits on a mail server before giving up on one attempt (the outbox retries):
# a server that accepts and never answers must not hold a worker for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# --- Text messages: WhatsApp and SMS (pembinaan/notifications/gateways.py) --------------------
# A channel is used only when all its settings are present. Codes for a password reset by phone go
# by WhatsApp, else SMS, else (development only) to the worker's console.
# WhatsApp Business Cloud API: POST {WHATSAPP_API_URL}/{WHATSAPP_PHONE_NUMBER_ID}/messages.
WHATSAPP_TOKEN = env.str("WHATSAPP_TOKEN", default="")
WHATSAPP_PHONE_NUMBER_ID = env.str("WHATSAPP_PHONE_NUMBER_ID", default="")
WHATSAPP_API_URL = env.str("WHATSAPP_API_URL", default="https://graph.facebook.com/v21.0")
# WhatsApp lets a business start a conversation (outside the 24 hours after the person last wrote)
# only with a template Meta approved: name them here. The code template (category Authentication)
# takes the code as {{1}} and its copy-code button; the notice template (Utility) takes the whole
# text as {{1}}. Without them messages go as free text, which reaches only people who wrote lately.
WHATSAPP_CODE_TEMPLATE = env.str("WHATSAPP_CODE_TEMPLATE", default="")
WHATSAPP_NOTICE_TEMPLATE = env.str("WHATSAPP_NOTICE_TEMPLATE", default="")
WHATSAPP_TEMPLATE_LANGUAGE = env.str("WHATSAPP_TEMPLATE_LANGUAGE", default="id")
# Any HTTP SMS gateway: the number (62812…) and the text go in the parameters named here, in the
# query string (GET) or a form body (POST); SMS_AUTH_HEADER is one "Name: value" header, optional.
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_METHOD = env.str("SMS_GATEWAY_METHOD", default="POST").upper()
SMS_NUMBER_PARAM = env.str("SMS_NUMBER_PARAM", default="")
SMS_TEXT_PARAM = env.str("SMS_TEXT_PARAM", default="")
SMS_AUTH_HEADER = env.str("SMS_AUTH_HEADER", default="")
if SMS_GATEWAY_METHOD not in {"GET", "POST"}:
    raise ImproperlyConfigured("SMS_GATEWAY_METHOD must be GET or POST.")
if SMS_AUTH_HEADER and ":" not in SMS_AUTH_HEADER:
    raise ImproperlyConfigured("SMS_AUTH_HEADER must look like 'Authorization: Bearer …'.")
# Seconds a worker waits on a gateway for one attempt (the outbox retries later).
MESSAGE_TIMEOUT = env.int("MESSAGE_TIMEOUT", default=10)
# Password reset by a code sent to a phone (or issued by staff at the office): minutes it is valid,
# wrong tries allowed, codes per number and requests per IP address within the window.
RESET_CODE_MINUTES = env.int("RESET_CODE_MINUTES", default=10)
RESET_CODE_TRIES = env.int("RESET_CODE_TRIES", default=5)
RESET_CODES_PER_NUMBER = env.int("RESET_CODES_PER_NUMBER", default=3)
RESET_RATE_LIMIT = env.int("RESET_RATE_LIMIT", default=20)
RESET_RATE_WINDOW_SECONDS = env.int("RESET_RATE_WINDOW_SECONDS", default=3600)
for _name in ("MESSAGE_TIMEOUT", "RESET_CODE_MINUTES", "RESET_CODE_TRIES", "RESET_RATE_WINDOW_SECONDS"):
    if vars()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be 1 or more.")

# --- Background work: Django's Tasks API (pembinaan/lib/tasks.py) --------------------------------
# Every piece of background work (long exports and imports, every email, reminders, upkeep) is a
# task. Which engine queues and runs them:
# - "database" (the default, nothing else to install): tasks wait in this database and
#   `manage.py worker` (django-tasks-db's `db_worker` with the portal's upkeep) runs them;
# - "rq": tasks wait in Redis (REDIS_URL) and `manage.py worker` (django-rq's `rqworker`) runs them,
#   on as many servers as needed;
# - "immediate": a task runs as soon as it is queued, in the same process (the test suite).
TASKS_BACKEND = env.str("TASKS_BACKEND", default="database")
TASK_QUEUES = ["default", "jobs"]  # pembinaan.lib.tasks: MESSAGES_QUEUE, JOBS_QUEUE
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}
elif TASKS_BACKEND == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": TASK_QUEUES}}
    INSTALLED_APPS.append("django_rq")
elif TASKS_BACKEND == "immediate":
    TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": TASK_QUEUES}
    }
else:
    raise ImproperlyConfigured("TASKS_BACKEND must be 'database', 'rq' or 'immediate'.")
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
# The longest a single task may run under RQ before RQ stops it (a 100,000-row import: minutes).
TASK_TIMEOUT_SECONDS = env.int("TASK_TIMEOUT_SECONDS", default=3600)
RQ_QUEUES = {
    name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": TASK_TIMEOUT_SECONDS, "SOCKET_TIMEOUT": 10}
    for name in TASK_QUEUES
}
# A finished export's file is deleted (the job marked expired) after this many hours.
JOB_RESULT_HOURS = env.int("JOB_RESULT_HOURS", default=24)
# An uploaded import file (NIKs, phone numbers) is deleted this long after its run finished,
# failed or was abandoned; only its checksum and the refused rows stay.
IMPORT_FILE_HOURS = env.int("IMPORT_FILE_HOURS", default=24)
# A running job writes a heartbeat this often. One whose worker process is gone is queued again
# at the next upkeep round (same server) or once its heartbeat is JOB_STALE_SECONDS old (another
# server), at most JOB_MAX_ATTEMPTS times in all.
JOB_HEARTBEAT_SECONDS = env.int("JOB_HEARTBEAT_SECONDS", default=5)
JOB_STALE_SECONDS = env.int("JOB_STALE_SECONDS", default=120)
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=3)
# Queued or running jobs one person may have at once; the next request is refused with a message.
JOBS_PER_USER = env.int("JOBS_PER_USER", default=3)
# How often a worker records that it is alive and does its upkeep (re-queue, expiry, outbox).
WORKER_UPKEEP_SECONDS = env.int("WORKER_UPKEEP_SECONDS", default=15)
for _name in (
    "TASK_TIMEOUT_SECONDS",
    "JOB_RESULT_HOURS",
    "IMPORT_FILE_HOURS",
    "JOB_HEARTBEAT_SECONDS",
    "JOB_STALE_SECONDS",
    "JOB_MAX_ATTEMPTS",
    "JOBS_PER_USER",
    "WORKER_UPKEEP_SECONDS",
):
    if vars()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be 1 or more.")
# A heartbeat must come well inside the stale limit, or a live job would be run twice.
if JOB_HEARTBEAT_SECONDS * 3 > JOB_STALE_SECONDS:
    raise ImproperlyConfigured("JOB_STALE_SECONDS must be at least three JOB_HEARTBEAT_SECONDS.")

# --- Self-registration ------------------------------------------------------------------------
# Registration form posts allowed per IP address and window (a registration takes three or four).
ENROLMENT_RATE_LIMIT = env.int("ENROLMENT_RATE_LIMIT", default=30)
# Login posts per IP address and window, whatever the login name (lockout per name is django-axes).
LOGIN_RATE_LIMIT = env.int("LOGIN_RATE_LIMIT", default=50)
LOGIN_RATE_WINDOW_SECONDS = env.int("LOGIN_RATE_WINDOW_SECONDS", default=900)
ENROLMENT_RATE_WINDOW_SECONDS = env.int("ENROLMENT_RATE_WINDOW_SECONDS", default=3600)
# How long the link that proves a claim (sent to the email on record) stays valid.
ENROLMENT_CLAIM_LINK_HOURS = env.int("ENROLMENT_CLAIM_LINK_HOURS", default=48)
# Working days staff take to verify a registration, as promised on the registration's last page.
ENROLMENT_VERIFY_WORKING_DAYS = env.int("ENROLMENT_VERIFY_WORKING_DAYS", default=5)

# --- Forms ------------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security ---------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Dinas staff are signed out after this long without a request (pembinaan.accounts.middleware).
STAFF_IDLE_TIMEOUT = env.int("STAFF_IDLE_MINUTES", default=30) * 60
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Behind a TLS-terminating reverse proxy, trust its X-Forwarded-Proto header.
    if env.bool("BEHIND_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# --- Portal -----------------------------------------------------------------------------------
PORTAL_NAME = env.str("PORTAL_NAME", default="Portal Pembinaan UMKM Kota Banjarmasin")
PORTAL_AGENCY = env.str(
    "PORTAL_AGENCY", default="Dinas Koperasi, Usaha Mikro dan Tenaga Kerja Kota Banjarmasin"
)
# The printed report's letterhead and signature block (progress/pdf.py): the government above the
# agency, its address, the city where it is signed, and who signs. An unset name or NIP prints a
# dotted line to be filled in by hand.
PORTAL_GOVERNMENT = env.str("PORTAL_GOVERNMENT", default="Pemerintah Kota Banjarmasin")
PORTAL_AGENCY_ADDRESS = env.str("PORTAL_AGENCY_ADDRESS", default="")
PORTAL_CITY = env.str("PORTAL_CITY", default="Banjarmasin")
PORTAL_SIGNATORY_TITLE = env.str("PORTAL_SIGNATORY_TITLE", default="Kepala Dinas")
PORTAL_SIGNATORY_NAME = env.str("PORTAL_SIGNATORY_NAME", default="")
PORTAL_SIGNATORY_NIP = env.str("PORTAL_SIGNATORY_NIP", default="")

# --- Health, request logs and error reports (issue 15; pembinaan/ops, README "Operations") -----
# /healthz and /readyz answer over plain HTTP too: a load balancer probes the app servers directly.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Seconds /readyz waits for the database, each cache and Redis before calling it down.
HEALTH_CHECK_TIMEOUT = env.float("HEALTH_CHECK_TIMEOUT", default=2.0)
# Seconds a process keeps its "all migrations applied" answer (building the graph is not free).
HEALTH_MIGRATIONS_CACHE_SECONDS = env.int("HEALTH_MIGRATIONS_CACHE_SECONDS", default=30)
if HEALTH_CHECK_TIMEOUT <= 0:
    raise ImproperlyConfigured("HEALTH_CHECK_TIMEOUT must be more than 0.")
# Error reports to Sentry (or GlitchTip) only when SENTRY_DSN is set; never with personal data.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default=DJANGO_ENV)
SENTRY_RELEASE = env.str("SENTRY_RELEASE", default="")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
# "json": one JSON object per line on stderr, for journald (production); "text" for people.
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'json' or 'text'.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "pembinaan.ops.logs.RequestIdFilter"},
        # A 403 or 404 is one line, never a traceback; 500s keep theirs.
        "expected_errors": {"()": "pembinaan.ops.logs.ExpectedErrorsFilter"},
        # Django's "Not Found: /path" lines name the path as the request log does (no tokens).
        "request_path": {"()": "pembinaan.ops.logs.RequestPathFilter"},
        # The net under every line: whatever looks like a NIK, phone number or e-mail is masked.
        "personal_data": {"()": "pembinaan.ops.logs.PersonalDataFilter"},
    },
    "formatters": {
        "json": {"()": "pembinaan.ops.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "expected_errors", "personal_data"],
        }
    },
    "loggers": {
        "django.request": {"filters": ["expected_errors", "request_path"]},
        # One line per request (pembinaan.ops.middleware); REQUEST_LOG_LEVEL=WARNING turns them off.
        "portal.requests": {"level": env.str("REQUEST_LOG_LEVEL", default="INFO")},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
