"""VOROC settings: one module, every value read from the environment.

Two modes:
- development / demo (the default): SQLite in ``var/``, no Redis (Celery runs tasks eagerly in-process),
  mail to the console, secrets read from ``var/dev-secrets.json`` (made once by manage.py, scripts/demo
  and scripts/test before Django starts: this module writes no file).
- production (``VOROC_PRODUCTION=1``): every secret must come from the environment; a missing or weak
  value stops the app at start-up instead of running with a default.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from .environment import dev_secrets_path, flag, read_dev_secrets, var_dir

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = var_dir()

env = environ.Env()

# Yes/no values are read strictly (voroc/environment.py): a typo stops the start instead of meaning "no".
PRODUCTION = flag("VOROC_PRODUCTION")
DEBUG = False if PRODUCTION else flag("DEBUG", default=True)


def _dev_secrets() -> dict[str, str]:
    """Secrets for development and the demo: made once per checkout (voroc/environment.py), never in production."""
    values = read_dev_secrets(VAR_DIR)
    if values is None:
        raise ImproperlyConfigured(
            f"No development secrets in {dev_secrets_path(VAR_DIR)}: start VOROC through manage.py, scripts/demo or "
            "scripts/test (or run `python -m voroc.environment` once), which make them; or set SECRET_KEY, "
            "BSN_ENCRYPTION_KEYS and BSN_INDEX_KEY."
        )
    return values


def _secret(name: str) -> str:
    value = env.str(name, default="")
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set in production (VOROC_PRODUCTION=1).")
    return _dev_secrets()[name]


SECRET_KEY = _secret("SECRET_KEY")
if PRODUCTION and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured("SECRET_KEY is too short or too simple for production.")

# BSN keys (used by students/ for AES-GCM encryption and the keyed blind index).
# BSN_ENCRYPTION_KEYS: "id:base64key,id:base64key"; the first one encrypts, all of them decrypt.
BSN_ENCRYPTION_KEYS = _secret("BSN_ENCRYPTION_KEYS")
BSN_INDEX_KEY = _secret("BSN_INDEX_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "voroc.apps.VorocAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "accounts",
    "audit",
    "students",
    "groups",
    "doorstroom",
    "notifications",
    "gemeente",
    "verzuim",
    "monitor",
    "feedback",
    "dossier",
    "voroc.apps.VorocConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "accounts.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # gzip (with Django's BREACH padding, see voroc/compression.py): after whitenoise, which serves static
    # files compressed ahead, and before every middleware that reads or changes the response's content.
    "voroc.compression.CompressionMiddleware",
    # The current school year is read from the cache once per request, not once per row of a list.
    "students.schoolyear.SchoolYearPerRequestMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.NulCharacterMiddleware",
    "accounts.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.LoginStepsMiddleware",
    # A leerling reaches their own pages only: everything else is 404 for them.
    "accounts.middleware.PupilPagesOnlyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # axes must come last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "voroc.urls"
WSGI_APPLICATION = "voroc.wsgi.application"

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
                "accounts.context_processors.navigation",
                "accounts.context_processors.servicedesk",
            ],
        },
    },
]

# --- Database: DATABASE_URL, or a SQLite file (the embedded default) -------------------------------
if "DATABASE_URL" in os.environ:
    DATABASES = {"default": env.db("DATABASE_URL")}
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
elif PRODUCTION:
    raise ImproperlyConfigured("DATABASE_URL must be set in production.")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "voroc.sqlite3",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery ------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL must be set in production.")

# The cache gets a Redis database of its own (CACHE_URL): clearing it must never empty Celery's queues.
CACHE_URL = env.str("CACHE_URL", default="")
if REDIS_URL and not CACHE_URL:
    raise ImproperlyConfigured("Set CACHE_URL too (another Redis database than REDIS_URL, e.g. redis://host:6379/1).")
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Above the longest task (bulk PDF, feed ingest), so Redis does not hand a running task to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 3600}
CELERY_TIMEZONE = "Europe/Amsterdam"
CELERY_BEAT_SCHEDULE: dict = {
    # Background exports hold pupil data: their files go after a day.
    "purge-expired-exports": {"task": "students.tasks.purge_expired_exports", "schedule": 3600.0},
    # Deadline warnings and the daily digest of new meldingen, early in the morning.
    "check-deadlines": {"task": "notifications.tasks.check_deadlines", "schedule": crontab(hour=6, minute=0)},
    "send-digests": {"task": "notifications.tasks.send_digests", "schedule": crontab(hour=7, minute=0)},
    "requeue-stalled-mail": {"task": "notifications.tasks.requeue_stalled_mail", "schedule": crontab(minute=50)},
    # Retention periods (accounts/retention.py), at night.
    "purge-expired": {"task": "voroc.tasks.purge_expired", "schedule": crontab(hour=3, minute=30)},
    # 1 February: which schools still have pupils without a complete doorstroomformulier.
    "check-forms-deadline": {"task": "doorstroom.tasks.check_forms_deadline", "schedule": crontab(hour=6, minute=5)},
    "deliver-missing-forms": {"task": "doorstroom.tasks.deliver_missing_forms", "schedule": crontab(minute=40)},
    # The mbo feed: the inbox folders every morning (before the digest), the safety net for waiting rows,
    # and (hourly) batches whose processing never finished. Batches past their period: purge-expired.
    "pickup-feedback-inbox": {"task": "feedback.tasks.pickup_inbox", "schedule": crontab(hour=5, minute=30)},
    "match-waiting-feedback": {"task": "feedback.tasks.match_all_waiting", "schedule": crontab(hour=6, minute=30)},
    "resume-stalled-feedback": {"task": "feedback.tasks.resume_stalled_batches", "schedule": crontab(minute=15)},
    # The gemeenten's monthly reports (peildatum the first of the month): every morning what is missing, so a
    # missed first is caught up; after the night's purge, which removes reports three months past their peildatum.
    "make-monthly-reports": {"task": "monitor.tasks.make_monthly_reports", "schedule": crontab(hour=4, minute=15)},
    # The pupils' dossiers: a reminder to whoever holds one longer than VOROC_DOSSIER_REMINDER_DAYS.
    "remind-dossier-holders": {"task": "dossier.tasks.remind_holders", "schedule": crontab(hour=6, minute=20)},
}

# --- Authentication ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "notifications:meldingen"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 2 * 3600  # a reset link works once, for two hours

# Argon2id, chosen by measurement (accounts/hashers.py); PBKDF2 for hashes stored before it, until the next login.
PASSWORD_HASHERS = [
    "accounts.hashers.VorocArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "voornaam", "achternaam", "email")},
    },
    {"NAME": "accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.validators.CommonDutchPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.LettersAndDigitsValidator"},
]

# Lockout: 5 failures for one login name from one address lock that pair for 15 minutes.
AXES_ENABLED = flag("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_USERNAME_FORM_FIELD = "username"
# Proxy-safe client address: only trust X-Forwarded-For when a known number of proxies sits in front
# (the production compose file runs one). Without proxies the socket address is used and a client
# cannot choose its own address by sending the header.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
AXES_USERNAME_CALLABLE = "accounts.security.normalise_username"
# Its log lines name a client without a login name that could be a BSN or a password typed in the wrong field.
AXES_CLIENT_STR_CALLABLE = "accounts.security.client_str"

OTP_TOTP_ISSUER = "VOROC"
# Waiting after wrong codes is accounts.otp's (the first three cost nothing), not django-otp's own.
OTP_TOTP_THROTTLE_FACTOR = 0
# django-guardian holds per-object grants for real users only; no anonymous user is created.
ANONYMOUS_USER_NAME = None

# --- Sessions: 12 hours at most, 30 minutes idle ------------------------------------------------------
SESSION_COOKIE_AGE = 12 * 3600
SESSION_IDLE_TIMEOUT = 30 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"

# --- Security headers (strict in production) ----------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = flag("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Language and time ------------------------------------------------------------------------------
LANGUAGE_CODE = "nl"
# Each language is named in its own language, so a user can always find theirs.
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static and media files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles" if PRODUCTION else VAR_DIR / "static")
if not PRODUCTION:
    # Development and tests serve static files straight from the app folders (var/static: prepare_development).
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = DEBUG
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
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

# A view marked with accounts.uploads.upload_limit drops a larger file while it arrives; others are not touched.
FILE_UPLOAD_HANDLERS = [
    "accounts.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# The check of an uploaded PDF (doorstroom.pdfcheck) runs in a child process with a budget: CPU seconds for any file
# plus an allowance per page (reading text costs ~45 ms per dense page: a 186-page report needs ~8.5 s and passes,
# a 10-page file whose pages share one huge packed stream is stopped after ~1.6 s), never more than the maximum, and
# megabytes of address space; the request waits for it at most VOROC_PDF_CHECK_WAIT_SECONDS (wall clock, more than
# the maximum: on a busy machine the child shares a core). A file that needs more is refused ("te ingewikkeld").
VOROC_PDF_CHECK_SECONDS = env.float("VOROC_PDF_CHECK_SECONDS", default=1.0)
VOROC_PDF_CHECK_SECONDS_PER_PAGE = env.float("VOROC_PDF_CHECK_SECONDS_PER_PAGE", default=0.06)
VOROC_PDF_CHECK_MAX_SECONDS = env.int("VOROC_PDF_CHECK_MAX_SECONDS", default=15)
VOROC_PDF_CHECK_MEGABYTES = env.int("VOROC_PDF_CHECK_MEGABYTES", default=256)
VOROC_PDF_CHECK_WAIT_SECONDS = env.float("VOROC_PDF_CHECK_WAIT_SECONDS", default=2 * VOROC_PDF_CHECK_MAX_SECONDS)
if not (0.5 <= VOROC_PDF_CHECK_SECONDS <= VOROC_PDF_CHECK_MAX_SECONDS <= VOROC_PDF_CHECK_WAIT_SECONDS) or (
    VOROC_PDF_CHECK_SECONDS_PER_PAGE < 0
):
    raise ImproperlyConfigured(
        "The PDF check's budget: VOROC_PDF_CHECK_SECONDS at least 0.5, VOROC_PDF_CHECK_MAX_SECONDS at least that, "
        "VOROC_PDF_CHECK_WAIT_SECONDS at least that, VOROC_PDF_CHECK_SECONDS_PER_PAGE not negative."
    )

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Mail: every message is queued as a Celery task after commit (notifications/mail.py) -------------
EMAIL_BACKEND = "notifications.mail.QueuedEmailBackend"
if "EMAIL_URL" in os.environ:
    _email = env.email_url("EMAIL_URL")
    _email.pop("EMAIL_BACKEND", None)  # delivery backend below; EMAIL_BACKEND stays the queue
    globals().update(_email)
    VOROC_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif PRODUCTION:
    raise ImproperlyConfigured("EMAIL_URL must be set in production (smtp://user:password@host:587).")
else:
    VOROC_EMAIL_DELIVERY_BACKEND = env.str(
        "VOROC_EMAIL_DELIVERY_BACKEND", default="django.core.mail.backends.console.EmailBackend"
    )
EMAIL_FILE_PATH = VAR_DIR / "mail"
VOROC_MAIL_MAX_RETRIES = env.int("VOROC_MAIL_MAX_RETRIES", default=6)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="VOROC <noreply@voroc.nl>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
VOROC_SERVICEDESK_EMAIL = env.str("VOROC_SERVICEDESK_EMAIL", default="servicedesk@voroc.nl")
VOROC_SERVICEDESK_PHONE = env.str("VOROC_SERVICEDESK_PHONE", default="070-3156351")
# The address used in links inside mails (password reset); the request's own host is not trusted.
VOROC_BASE_URL = env.str("VOROC_BASE_URL", default="" if PRODUCTION else "http://127.0.0.1:8000")
if PRODUCTION and not VOROC_BASE_URL.startswith("https://"):
    raise ImproperlyConfigured("VOROC_BASE_URL must be set in production, to the https address of the site.")

# --- The pupil's own dossier (dossier/): whoever holds a dossier (the pupil for part A or the akkoord, the mentor
# for part B) longer than this many days gets a reminder (a Melding for the school's mentor, and a mail).
VOROC_DOSSIER_REMINDER_DAYS = env.int("VOROC_DOSSIER_REMINDER_DAYS", default=7)

# --- Retention: days per category (accounts/retention.py); unset categories keep their defaults ---------
VOROC_RETENTION_DAYS = {k: int(v) for k, v in env.dict("VOROC_RETENTION_DAYS", default={}).items()}
# --- The mbo feedback feed (feedback/, README "The mbo feedback feed") --------------------------------
# Inbox: files dropped in FEEDBACK_INBOX/<BRIN>/ (an SFTP drop) are picked up daily and on demand.
FEEDBACK_INBOX = env.path("FEEDBACK_INBOX", default=VAR_DIR / "feedback-inbox")
# A file younger than this may still be uploading: it waits for the next pickup.
FEEDBACK_INBOX_SETTLE_SECONDS = env.int("FEEDBACK_INBOX_SETTLE_SECONDS", default=60)
# The largest batch accepted through any transport (the API answers 413 above it without reading it).
FEEDBACK_MAX_BYTES = env.int("FEEDBACK_MAX_BYTES", default=25_000_000)
# Rows per chunk: each chunk is applied in one transaction and recorded as done (fewer, larger chunks: fewer
# round trips; a chunk of 10,000 rows holds its locks for about a second).
FEEDBACK_CHUNK_ROWS = env.int("FEEDBACK_CHUNK_ROWS", default=10_000)
# How long a batch is kept: the retention category feed_batches (VOROC_RETENTION_DAYS), one year by default.
if FEEDBACK_MAX_BYTES < 1 or FEEDBACK_CHUNK_ROWS < 1:
    raise ImproperlyConfigured("FEEDBACK_MAX_BYTES and FEEDBACK_CHUNK_ROWS must be positive.")
# A batch the mbo-school sends (API or inbox) that would add aanmeldingen for more pupils new to that school than
# max(FEEDBACK_HOLD_NEW_PUPILS, FEEDBACK_HOLD_NEW_SHARE x the pupils it already has aanmeldingen for) is held for
# the servicedesk (admin: vrijgeven / afwijzen) instead of applied: a leaked token or a wrong file cannot quietly
# reach many pupils' forms. A newly connected school's first full list is held once; a large school's daily growth
# in the season stays under its share.
FEEDBACK_HOLD_NEW_PUPILS = env.int("FEEDBACK_HOLD_NEW_PUPILS", default=50)
FEEDBACK_HOLD_NEW_SHARE = env.float("FEEDBACK_HOLD_NEW_SHARE", default=0.25)
if FEEDBACK_HOLD_NEW_PUPILS < 0 or not 0 <= FEEDBACK_HOLD_NEW_SHARE <= 1:
    raise ImproperlyConfigured(
        "FEEDBACK_HOLD_NEW_PUPILS must be 0 or more and FEEDBACK_HOLD_NEW_SHARE between 0 and 1."
    )

# --- Logging: no personal data in log lines (the BSN never reaches a logger) -------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"()": "voroc.logformat.NoBsnFormatter", "format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
