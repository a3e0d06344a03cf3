"""Settings for the probiotic and feeding tracker.

Everything that differs between a laptop, CI and production comes from the
environment, read through the small typed helpers below. With nothing set, the
app runs on an embedded SQLite file under ``var/`` with DEBUG on.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool = False) -> bool:
    """Unset or empty: ``default``. Anything but a yes or a no word is an error, so a typo such
    as ``DEBUG=ture`` stops the app instead of quietly meaning "off"."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={os.environ[name]!r} is not a yes or no: use one of "
        f"{', '.join(sorted(TRUE_WORDS))} or {', '.join(sorted(FALSE_WORDS))}."
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={os.environ[name]!r} is not a whole number.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "accounts",
    "tracker",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",  # only for its system checks of CONTENT_SECURITY_POLICY
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc served as the app's static files
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: static files keep their long caching (tracker/headers.py says why
    # every other response is no-store); they need no page policies either.
    "tracker.headers.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Her language: her profile's (accounts.middleware), else the switcher's cookie, else the browser's.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tracker.headers.PageOwnerMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # AxesMiddleware must be last: it turns a lockout into the lockout page.
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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Several processes (web, worker, beat) share the file: wait for locks
    # rather than failing at once, and let readers run beside a writer.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# The dashboard caches the totals of past days (tracker.closed_days). Each process keeps its
# own by default; CACHE_URL (redis://...) shares one cache between the web workers.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("CACHE_URL")}
        if env_str("CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}}
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "today"
LOGOUT_REDIRECT_URL = "login"

# Login lockout (django-axes): accounts/lockout.py turns its single limit into these two and
# says what holds.
LOGIN_FAILURES_PER_ADDRESS = 5
LOGIN_FAILURES_PER_ACCOUNT = 20
AXES_FAILURE_LIMIT = "accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
# Django's login form posts the email under "username"; axes must read it there.
AXES_USERNAME_FORM_FIELD = "username"
# Lower-cased and cut to axes' 255-character column: the admin's login form sends the name
# unchecked, and PostgreSQL refuses a longer value (a 500).
AXES_USERNAME_CALLABLE = "accounts.lockout.attempted_username"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"

LANGUAGE_CODE = "en-gb"
# English is the source; each other one is complete in locale/ (README "Languages", tests/test_i18n.py).
LANGUAGES = [
    ("en-gb", "English"),
    ("it", "Italiano"),
    ("es", "Español"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("pt-br", "Português (Brasil)"),
    ("ar", "العربية"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: a file per message under var/mail by default, so nothing is lost and
# the demo's reminders can be read without a mail server.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
# The public address of the app, for links in emails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Probiotic tracker <reminders@localhost>")
# Web Push reminders (tracker/reminders/push.py): the VAPID key pair, base64url (the raw private
# key; the public key as the uncompressed point a browser takes), and a contact (mailto: or
# https:). Unset, the pair `make run` wrote to var/vapid.env (manage.py vapid_keys); none: no push.
_VAPID_FILE = VAR_DIR / "vapid.env"
_vapid_lines = _VAPID_FILE.read_text().splitlines() if _VAPID_FILE.is_file() else []
_vapid_saved = dict(line.split("=", 1) for line in _vapid_lines if "=" in line)
VAPID_PUBLIC_KEY = env_str("VAPID_PUBLIC_KEY", _vapid_saved.get("VAPID_PUBLIC_KEY", ""))
VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY", _vapid_saved.get("VAPID_PRIVATE_KEY", ""))
VAPID_SUBJECT = env_str("VAPID_SUBJECT", _vapid_saved.get("VAPID_SUBJECT", ""))

# Celery: Redis in production and CI; the embedded filesystem transport for
# `make run`, so a laptop needs no broker server.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _folder in ("out", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # A message not acknowledged within this time is handed to another worker;
    # reminder retries are capped well below it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_IGNORE_RESULT = True
# One message per worker process: with acks_late the message being run already counts, so a
# worker reserves nothing beyond the batch it sends. A killed worker then strands one batch
# (until its lease runs out), not a prefetch of several; the others stay in the broker for
# the next free worker.
CELERY_WORKER_PREFETCH_MULTIPLIER = env_int("CELERY_WORKER_PREFETCH_MULTIPLIER", 1)
CELERY_BEAT_SCHEDULE = {
    "dispatch-dose-reminders": {
        "task": "tracker.tasks.dispatch_reminders",
        "schedule": 60.0,
        "options": {"expires": 50},  # a stalled beat never piles up runs
    },
}
CELERY_BEAT_SCHEDULE["drop-old-idempotency-keys"] = {
    "task": "tracker.tasks.drop_old_idempotency_keys",
    "schedule": 3600.0,
    "options": {"expires": 3000},
}
REMINDER_MAX_RETRIES = env_int("REMINDER_MAX_RETRIES", 5)
# Celery's retry_backoff and retry_backoff_max, in whole seconds: the n-th retry waits a random
# time up to min(MAX, BASE * 2**n).
REMINDER_RETRY_BASE_DELAY = env_int("REMINDER_RETRY_BASE_DELAY", 10)
REMINDER_RETRY_MAX_DELAY = env_int("REMINDER_RETRY_MAX_DELAY", 600)  # << visibility timeout
# How long a claimed reminder may stay queued or sending unattended (tracker/reminders/leases.py):
# a dead worker or a lost queue delays its reminders by at most this plus one dispatcher minute.
# Renewed at half time, so it must be well above the slowest single send (EMAIL_TIMEOUT).
REMINDER_LEASE_SECONDS = env_int("REMINDER_LEASE_SECONDS", 120)
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# The REST API (tracker/api/): tokens or the session, everything scoped to her record, one
# error shape (tracker/api/errors.py), times with an offset. Throttles count requests per
# user and, for a token, per token too; each answers 429 with Retry-After past its rate.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tracker.api.auth.ApiTokenAuthentication",  # first: its header makes 401s say "Bearer"
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": [
        "tracker.api.throttles.UserThrottle",
        "tracker.api.throttles.TokenThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("API_THROTTLE_USER", "120/minute"),
        "token": env_str("API_THROTTLE_TOKEN", "60/minute"),
    },
    "EXCEPTION_HANDLER": "tracker.api.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "tracker.api.schema.ApiAutoSchema",
    "DATETIME_FORMAT": "iso-8601",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Probiotic tracker API",
    "DESCRIPTION": (
        "A mother's record: babies, pregnancy, regimens, doses, feeds, symptoms, daily checks, "
        "reminder settings and the dashboard's summary. Authenticate with a personal access token "
        "(`Authorization: Bearer pt_…`, made on the profile page) or the app's session (with its "
        "CSRF token). Times are ISO 8601 with an offset, in and out (out in UTC); a time without an "
        "offset is refused. Every POST, PATCH and DELETE accepts an `Idempotency-Key` header: the "
        "same key within 24 hours returns the first answer and writes nothing; the same key with "
        "another request is a 422. Errors are `{detail, code, errors}` (field errors in `errors`)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {"SideEnum": "tracker.models.feeding.Side"},
}

# Production hardening; `check --deploy` runs against these in CI.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies in front append to X-Forwarded-For (see config/wsgi.py).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp): the browser runs and applies only the app's own files,
# so an injected <script>, inline handler or style="" does nothing with her record. No
# 'unsafe-inline': pages carry no inline code or style (progress bars get their width from
# tracker/progress.js; data reaches scripts in json_script blocks, which are not run).
# img-src allows data: for the SVG icons inside Bootstrap's CSS (checkboxes, selects, the
# menu button). worker-src and manifest-src name the service worker and the web app manifest
# (tracker/pwa.py) as the app's own, as default-src already does. frame-ancestors says in CSP
# what X_FRAME_OPTIONS says to older browsers.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The app needs no camera, microphone or location: no page (or script slipped into one) may ask.
PERMISSIONS_POLICY = {"camera": [], "microphone": [], "geolocation": []}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-axes logs its start ("AXES: BEGIN ...") and every routine clean-up at INFO, on every
    # manage.py command; its lockouts are warnings, and those still show.
    "loggers": {"axes": {"level": env_str("AXES_LOG_LEVEL", "WARNING")}},
}
