"""Weft settings: every value comes from the environment.

With nothing set, Weft runs in development mode: DEBUG on, a SQLite file next to manage.py,
Celery tasks executed in-process. Production (``WEFT_ENV=production``) refuses to start
without ``SECRET_KEY`` or with ``DEBUG`` on, and is ``check --deploy`` clean.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


WEFT_ENV = envstr("WEFT_ENV", "development")
if WEFT_ENV not in ("development", "production"):
    raise ImproperlyConfigured(f"WEFT_ENV must be development or production, not {WEFT_ENV!r}")
PRODUCTION = WEFT_ENV == "production"

DEBUG = envbool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production (WEFT_ENV=production).")

SECRET_KEY = envstr("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production (WEFT_ENV=production).")
    # Development only: a fixed key so sessions survive restarts on a newcomer's laptop.
    SECRET_KEY = "weft-development-only-key-not-secret-" + "x" * 24  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production (WEFT_ENV=production).")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "simple_history",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "weft",
    "allies",
    "coalitions",
    "networks",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before sessions and auth: a database away is a 503 whichever layer met it.
    "weft.outages.DatabaseUnavailableMiddleware",
    "weft.middleware.BoundedInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "weft.links.RequestOriginMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "coalitions.stewardship.middleware.IdleSessionMiddleware",
    "coalitions.stewardship.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "weft.urls"

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
                "weft.context_processors.vocabulary",
                "coalitions.home.navigation.coalition_navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "weft.wsgi.application"
ASGI_APPLICATION = "weft.asgi.application"

# Database: PostgreSQL from DATABASE_URL, a SQLite file otherwise (the embedded default).
SQLITE_PATH = envstr("WEFT_SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
DATABASE_URL = envstr("DATABASE_URL")
if DATABASE_URL:
    # Connections are kept a minute and checked before reuse (CONN_HEALTH_CHECKS): the first
    # request after a database restart reconnects instead of failing on a dead connection.
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
    # A connection attempt to a database that is away gives up after a few seconds (a 503)
    # instead of holding a web worker for the TCP timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", envint("DATABASE_CONNECT_TIMEOUT", 3)
    )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            # Writers wait for each other instead of failing at once ("database is locked").
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: Celery broker, result backend and cache. Without it, tasks run in-process.
REDIS_URL = envstr("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": envstr("CACHE_KEY_PREFIX", "weft"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# ---------------------------------------------------------------------------------------------
# Background work: Celery on Redis, and what keeps it going when something breaks. All of it is
# here, in one place.
#
# Embedded mode (no REDIS_URL): tasks run in-process; Celery still opens its in-memory "broker"
# to learn the serializer, and a URL without a host makes kombu warn on every start.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
# Kombu's Redis transport with the fix that keeps a worker alive when Redis goes away
# (weft/broker.py).
if REDIS_URL:
    CELERY_BROKER_TRANSPORT = "weft.broker:Transport"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A message is acknowledged when its task has finished, not when a worker takes it: a worker
# killed mid-task leaves the message to be delivered again. Every task is safe to run twice.
CELERY_TASK_ACKS_LATE = True
# A pool child killed (SIGKILL, out of memory) rejects its message back to the queue at once.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A worker holds one message beyond the one it works on: few are stranded if it dies.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A pool child that grew past this (KiB) after a task (a huge import read) is replaced.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = envint("WORKER_MAX_MEMORY_KIB", 1_500_000)
# Time limits: past the soft one a task gets an exception it may clean up after; past the hard
# one its process is killed (and the message rejected back, as above).
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", 30 * 60)
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 35 * 60)
# Tasks write what they did to the database (a run, a job, positions); nobody reads a result
# from Redis. Not storing results keeps Redis out of every request's way: with results on,
# sending a task subscribes to its result, and with Redis away that retries for 20 s.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TIMEZONE = "UTC"
# Redis gives an unacknowledged message (its worker died with it) to another worker after the
# visibility timeout. Longer than the hard time limit, or a task still running would be given
# to a second worker; and longer than any countdown (the debounces), or a delayed message would
# be delivered twice. Runs and imports do not wait for it: their leases (below) take them back
# within WEFT_LEASE_SECONDS.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 10 * 60,
    # Redis away: give up connecting within seconds (a web request must not hang on it; the
    # outbox keeps the message), and notice a dead connection within seconds in a worker.
    "socket_connect_timeout": 3,
    "socket_timeout": 10,
    "socket_keepalive": True,
    "health_check_interval": 10,
    "retry_on_timeout": True,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"socket_connect_timeout": 3, "socket_timeout": 10}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 3
CELERY_REDIS_SOCKET_TIMEOUT = 10
# Sending a message: a couple of quick tries, then the outbox (weft/queue.py) keeps it for the
# drain task; a web request never waits long on Redis.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# A worker survives Redis going away and coming back: it retries connecting for ever, at
# start as later. Tasks running when the connection drops are cancelled (their messages can no
# longer be acknowledged on the new connection) and come back through leases or redelivery.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Leases (weft/leases.py): a running metric run, layout run or import is renewed by its worker every
# quarter of this; a run whose lease ran out (its worker died) is queued again, at most
# WEFT_RUN_MAX_ATTEMPTS times, then failed with an error that says so. A pending run no worker
# took is queued again each lease, and failed after WEFT_RUN_PENDING_MAX_SECONDS.
WEFT_LEASE_SECONDS = envint("LEASE_SECONDS", 120)
WEFT_RUN_MAX_ATTEMPTS = envint("RUN_MAX_ATTEMPTS", 3)
WEFT_RUN_PENDING_MAX_SECONDS = envint("RUN_PENDING_MAX_SECONDS", 3600)
# How often beat sends the outbox's messages (weft/tasks.py) and takes back dead runs.
WEFT_OUTBOX_DRAIN_SECONDS = envint("OUTBOX_DRAIN_SECONDS", 5)
# How often a worker applying an import writes its progress (and renews its lease), seconds
# (at least 0.5).
WEFT_IMPORT_PROGRESS_SECONDS = float(envstr("IMPORT_PROGRESS_SECONDS", "2"))
# An import previewed but never confirmed is failed and its upload deleted after this long
# (by the imports' reaper); 0: kept until confirmed.
WEFT_IMPORT_PREVIEW_KEEP_HOURS = envint("IMPORT_PREVIEW_KEEP_HOURS", 72)
# "Accept all" of a survey round with more pending answers than this runs on a worker (a
# page's request would outlast the web server's timeout); fewer are accepted in the request.
WEFT_SURVEY_ACCEPT_ASYNC_ANSWERS = envint("SURVEY_ACCEPT_ASYNC_ANSWERS", 5000)
WEFT_REAP_SECONDS = envint("REAP_SECONDS", 30)
CELERY_BEAT_SCHEDULE = {
    # Nightly metric runs keep relationship decay current (a run is skipped when nothing
    # changed).
    "metrics-nightly": {
        "task": "networks.compute_metrics_nightly",
        "schedule": crontab(hour=envint("METRICS_NIGHTLY_HOUR", 3), minute=17),
    },
    "outbox-drain": {
        "task": "weft.outbox_drain",
        "schedule": float(WEFT_OUTBOX_DRAIN_SECONDS),
        "options": {"expires": WEFT_OUTBOX_DRAIN_SECONDS * 4},
    },
    "reap-metric-runs": {
        "task": "networks.reap_metric_runs",
        "schedule": float(WEFT_REAP_SECONDS),
        "options": {"expires": WEFT_REAP_SECONDS * 2},
    },
    "reap-imports": {
        "task": "networks.reap_imports",
        "schedule": float(WEFT_REAP_SECONDS),
        "options": {"expires": WEFT_REAP_SECONDS * 2},
    },
    "reap-survey-acceptances": {
        "task": "coalitions.reap_survey_acceptances",
        "schedule": float(WEFT_REAP_SECONDS),
        "options": {"expires": WEFT_REAP_SECONDS * 2},
    },
    "reap-layout-runs": {
        "task": "networks.reap_layout_runs",
        "schedule": float(WEFT_REAP_SECONDS),
        "options": {"expires": WEFT_REAP_SECONDS * 2},
    },
}
# -- Relationship surveys (issue 21): reminders to respondents who have not answered yet, at
# each round's chosen interval; the beat looks for those due every hour.
CELERY_BEAT_SCHEDULE["survey-reminders"] = {
    "task": "coalitions.survey_reminders",
    "schedule": crontab(minute=41),
}
# -- Notifications (issue 22): reminders (closing within 48 hours, next steps overdue) every
# hour; the daily digest every morning, the weekly one on Mondays.
CELERY_BEAT_SCHEDULE["notification-reminders"] = {
    "task": "coalitions.notification_reminders",
    "schedule": crontab(minute=23),
}
CELERY_BEAT_SCHEDULE["notifications-daily-digest"] = {
    "task": "coalitions.notifications_digest",
    "schedule": crontab(hour=envint("DIGEST_HOUR", 7), minute=5),
    "args": ("daily",),
}
CELERY_BEAT_SCHEDULE["notifications-weekly-digest"] = {
    "task": "coalitions.notifications_digest",
    "schedule": crontab(hour=envint("DIGEST_HOUR", 7), minute=10, day_of_week="mon"),
    "args": ("weekly",),
}
# -- Retention (issue 20): once a day, each coalition's data past its retention period goes.
CELERY_BEAT_SCHEDULE["retention-daily"] = {
    "task": "coalitions.retention_daily",
    "schedule": crontab(hour=envint("RETENTION_HOUR", 2), minute=43),
}
# Edits within this many seconds of the first are computed together, in one metric run.
WEFT_METRICS_DEBOUNCE_SECONDS = envint("METRICS_DEBOUNCE_SECONDS", 60)
# Actors and ties added or deleted within this many seconds of the first get one layout run.
WEFT_LAYOUT_DEBOUNCE_SECONDS = envint("LAYOUT_DEBOUNCE_SECONDS", 30)
# The map's payload is kept in the cache under its version (networks/map/payload.py) for this
# many seconds (0: never kept), unless it is larger than WEFT_MAP_CACHE_MAX_BYTES.
WEFT_MAP_CACHE_SECONDS = envint("MAP_CACHE_SECONDS", 600)
WEFT_MAP_CACHE_MAX_BYTES = envint("MAP_CACHE_MAX_BYTES", 16 * 1024 * 1024)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "coalition-list"
LOGOUT_REDIRECT_URL = "login"

# Accounts (django-allauth): sign in by username or email; no open sign-up, accounts are made
# by invitation (coalitions/stewardship); password reset never says whether an address exists.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "coalitions.stewardship.accounts.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"  # an invitation link proves the address
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "login"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Weft] "
ACCOUNT_SESSION_REMEMBER = None  # "remember me" offered on the sign-in form
ACCOUNT_RATE_LIMITS = {
    # Our own per-address cap on sign-in attempts (weft/views.py) answers 429 first; allauth's
    # per-account cap stays, so one username cannot be guessed at from many addresses.
    "login_failed": envstr("ACCOUNT_LOGIN_FAILED_RATE", "20/5m/key"),
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Weft"
# Stewards and organizers of a coalition that requires it must set up two-factor sign-in
# before anything else (coalitions/stewardship/middleware.py).
WEFT_INVITATION_DAYS_DEFAULT = envint("INVITATION_DAYS", 14)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = envstr("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
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

# Email: the console in development; SMTP (EMAIL_HOST…) or an ESP through django-anymail in
# production, e.g. EMAIL_BACKEND=anymail.backends.mailgun.EmailBackend with ANYMAIL_* set.
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
ANYMAIL = {
    key.removeprefix("ANYMAIL_"): value
    for key, value in os.environ.items()
    if key.startswith("ANYMAIL_")
}
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "weft@localhost")
# Where links in emails (invitations, password reset, signature confirmation) point: the public
# address of this server. Unset, the address a request came in on (weft/links.py); `make run`
# sets it to the address runserver is started on.
WEFT_PUBLIC_URL = envstr("WEFT_PUBLIC_URL").rstrip("/")

REST_FRAMEWORK = {
    # Browsers use the session (with CSRF); scripts use a token (Authorization: Token …).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PARSER_CLASSES": [
        "weft.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "weft.drf.PageNumberPagination",
    "EXCEPTION_HANDLER": "weft.drf.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["weft.throttles.WriteThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "writes": envstr("THROTTLE_WRITES", "600/min"),
        "login": envstr("THROTTLE_LOGIN", "10/min"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Every JSON body the API reads is bounded (weft/parsers.py): its size in bytes and how deep
# it nests (a custom field's value is a few levels at most). Over either: a 400 (413 for the
# size) naming the limit.
WEFT_JSON_MAX_BYTES = envint("JSON_MAX_BYTES", 2 * 1024 * 1024)
WEFT_JSON_MAX_DEPTH = envint("JSON_MAX_DEPTH", 32)
# What an import may hold (networks/transfer/limits.py): actors (rows, nodes), ties (edges),
# columns of a sheet and characters in a cell. Over any: the import fails naming the limit.
WEFT_IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 300_000)
WEFT_IMPORT_MAX_EDGES = envint("IMPORT_MAX_EDGES", 1_000_000)
WEFT_IMPORT_MAX_COLUMNS = envint("IMPORT_MAX_COLUMNS", 200)
WEFT_IMPORT_MAX_CELL_CHARS = envint("IMPORT_MAX_CELL_CHARS", 32_768)
# A hard ceiling on the memory reading one uploaded file may take (networks/transfer/
# limits.py, weft/ceiling.py): the file is parsed in a child process whose address space may
# grow by at most this many MB (RLIMIT_AS; Linux). Over it: the import fails naming the limit,
# its upload deleted. 0 turns the ceiling off (the file is read in-process).
WEFT_IMPORT_READ_MEMORY_MB = envint("IMPORT_READ_MEMORY_MB", 1024)
# A preview stores at most this many errors, warnings and suggested duplicates (and how many
# there are in all): reading a job's status costs the same for any size of file.
WEFT_IMPORT_MAX_LISTED = envint("IMPORT_MAX_LISTED", 500)
# A confirmed import of more rows than this (actors, ties and interactions) is applied by a
# worker, the job "applying" meanwhile, instead of inside the web request.
WEFT_IMPORT_CONFIRM_ASYNC_ROWS = envint("IMPORT_CONFIRM_ASYNC_ROWS", 5_000)
# The API's schema and its docs page: public in development, signed-in users only in
# production unless opened explicitly.
WEFT_API_DOCS_PUBLIC = envbool("API_DOCS_PUBLIC", default=not PRODUCTION)

SPECTACULAR_SETTINGS = {
    "TITLE": "Weft API",
    "DESCRIPTION": "Coalition mapping and ally management.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files come from the project (drf-spectacular-sidecar), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.AllowAny"
        if WEFT_API_DOCS_PUBLIC
        else "rest_framework.permissions.IsAuthenticated"
    ],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "weft.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ActorKindEnum": "weft.vocabulary.ActorKind.choices",
        "ContactKindEnum": "weft.vocabulary.ContactKind.choices",
        "TieKindEnum": "weft.vocabulary.TieKind.choices",
        "InteractionKindEnum": "weft.vocabulary.InteractionKind.choices",
        "GroupKindEnum": "coalitions.produce.models.GroupKind",
        "NotificationKindEnum": "coalitions.notifications.models.NotificationKind",
        "NotificationDeliveryEnum": "coalitions.notifications.models.Delivery",
        "StatementStatusEnum": "coalitions.align.models.StatementStatus",
        "ReportStatusEnum": "coalitions.reports.models.ReportStatus",
        "CommitmentKindEnum": "coalitions.connect.models.CommitmentKind",
        "MetricRunStatusEnum": "networks.metrics.models.MetricRunStatus",
        "SuggestionKindEnum": "networks.models.SuggestionKind",
        "SuggestionStatusEnum": "networks.models.SuggestionStatus",
        "ImportStatusEnum": "networks.transfer.models.ImportStatus",
    },
}

# Logs never carry personal data: they name rows by id, never by name, email or phone.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Tokens in link paths never reach a log (weft/logfilters.py).
    "filters": {"tokens": {"()": "weft.logfilters.RedactTokens"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["tokens"]}
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # WeasyPrint (report PDFs) and its font library narrate every step at INFO.
    "loggers": {
        **{name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
        # The development server's request lines, through the same filter.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Production hardening, the settings `check --deploy` asks for.
if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", default=False)
    # Preloading a domain into browsers is a per-deployment commitment, not a code default.
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# A browser session unused for this long is signed out (IdleSessionMiddleware); 0: never.
# Sessions end two weeks after sign-in in any case (SESSION_COOKIE_AGE, Django's default).
WEFT_SESSION_IDLE_MINUTES = envint("WEFT_SESSION_IDLE_MINUTES", 120)
SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy (django-csp): scripts from Weft's own static files only, no inline
# script and no eval; nothing framed; forms post to Weft only. Inline style attributes stay
# allowed (the map legend's colour swatches), never inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
