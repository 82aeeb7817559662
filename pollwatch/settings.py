"""pollwatch settings, read from environment variables.

Every variable is listed in docs/configuration.md. The defaults run the embedded demo:
a SQLite file in ``./data`` and one process. Production sets ``DATABASE_URL`` to PostgreSQL,
``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1/0, true/false, yes/no)")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number")


DATA_DIR = Path(os.environ.get("POLLWATCH_DATA_DIR", BASE_DIR / "data"))
DEBUG = env_bool("DEBUG")
DEMO = env_bool("POLLWATCH_DEMO")
# pytest (8.2 and later) sets PYTEST_VERSION while it runs.
TESTING = env_bool("POLLWATCH_TESTING") or bool(os.environ.get("PYTEST_VERSION"))


def _secret_key() -> str:
    """The key from ``SECRET_KEY``; the demo and tests generate one and keep it in DATA_DIR."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if TESTING:
        return "pollwatch-tests-only-" + "x" * 40
    if not (DEMO or DEBUG):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string "
            "(python3 -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or run the demo with POLLWATCH_DEMO=1."
        )
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if (DEBUG or DEMO) else "")
if TESTING:
    ALLOWED_HOSTS = ["*"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "pollwatch.accounts",
    "pollwatch.elections",
    "pollwatch.missions",
    "pollwatch.checklists",
    "pollwatch.submissions",
    "pollwatch.intake",
    "pollwatch.results",
    "pollwatch.statements",
    "pollwatch.dashboard",
    "pollwatch.demo",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "pollwatch.accounts.middleware.StaffTwoFactorMiddleware",
    "pollwatch.accounts.middleware.AuditRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "pollwatch.intake.limits.BodyLimitMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pollwatch.urls"
WSGI_APPLICATION = "pollwatch.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pollwatch" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "pollwatch.accounts.context_processors.roles",
                "pollwatch.dashboard.context_processors.election_clock",
            ],
            #: Numbers, shares and times in the page's language, in every template.
            "builtins": ["pollwatch.formats.filters", "pollwatch.submissions.templatetags.labels"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'pollwatch.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the dashboard read while intake writes; a busy timeout rides out short locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "dashboard:landing"
# The lockout check comes first (it needs the request: pollwatch/accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "pollwatch.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

if TESTING:
    # Hashing is not under test; the default costs a third of a second per password.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("kk", _("Kazakh"))]
LOCALE_PATHS = [BASE_DIR / "pollwatch" / "locale"]
#: Kazakh date and number formats, which Django does not ship (pollwatch/formats/kk).
FORMAT_MODULE_PATH = ["pollwatch.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "pollwatch" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG or DEMO or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not (DEBUG or DEMO or TESTING))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Refusals (403, 404) are expected in tests; keep real errors visible.
        "django.request": {"level": "ERROR" if TESTING else "WARNING"},
    },
}

# SMS gateways: the outbound gateway used for replies and notices, and webhook secrets.
SMS_GATEWAY = os.environ.get("SMS_GATEWAY", "log")  # log | twilio | telerivet | rapidpro
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM_NUMBER = os.environ.get("TWILIO_FROM_NUMBER", "")
TELERIVET_WEBHOOK_SECRET = os.environ.get("TELERIVET_WEBHOOK_SECRET", "")
TELERIVET_API_KEY = os.environ.get("TELERIVET_API_KEY", "")
TELERIVET_PROJECT_ID = os.environ.get("TELERIVET_PROJECT_ID", "")
RAPIDPRO_WEBHOOK_SECRET = os.environ.get("RAPIDPRO_WEBHOOK_SECRET", "")
RAPIDPRO_API_TOKEN = os.environ.get("RAPIDPRO_API_TOKEN", "")
RAPIDPRO_URL = os.environ.get("RAPIDPRO_URL", "")
GENERIC_SMS_SECRET = os.environ.get("GENERIC_SMS_SECRET", "")
# Which request fields of the generic SMS webhook hold the sender, the text and the message id
# (FrontlineSMS, Kannel; docs/sms.md).
GENERIC_SMS_FIELDS = os.environ.get("GENERIC_SMS_FIELDS", "sender=from,text=text,id=id")
# Seconds each web process keeps forms, stations and assignments for intake (0 under tests).
INTAKE_CACHE_SECONDS = env_int("INTAKE_CACHE_SECONDS", 0 if TESTING else 30)

# The coverage map's background tiles, e.g. a tile server the mission may use
# (https://tile.example.org/{z}/{x}/{y}.png); empty: stations on a plain background, nothing fetched.
MAP_TILES_URL = os.environ.get("MAP_TILES_URL", "")
MAP_TILES_ATTRIBUTION = os.environ.get("MAP_TILES_ATTRIBUTION", "")
# Observers' one-time sign-in codes: hours a code stays valid; wrong codes allowed per phone
# (and per client address) in SIGN_IN_CODE_WINDOW seconds.
SIGN_IN_CODE_HOURS = env_int("SIGN_IN_CODE_HOURS", 6)
SIGN_IN_CODE_ATTEMPTS = env_int("SIGN_IN_CODE_ATTEMPTS", 5)
SIGN_IN_CODE_WINDOW = env_int("SIGN_IN_CODE_WINDOW", 15 * 60)
# The quick count and forensics pages recompute at most this often while reports arrive.
DASHBOARD_RECOMPUTE_SECONDS = env_int("DASHBOARD_RECOMPUTE_SECONDS", 60)

# --- Security headers and HTTPS (docs/operations.md, docs/configuration.md) ---------------------
#: Production: not the demo, not debug, not the tests. Its defaults pass `pollwatch check --deploy`.
PRODUCTION = not (DEBUG or DEMO or TESTING)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind a TLS proxy that sets (and overwrites) this header on every request, e.g. X-Forwarded-Proto;
# empty: requests are taken as they come (only right when clients reach pollwatch directly).
SECURE_PROXY_SSL_HEADER_NAME = os.environ.get("SECURE_PROXY_SSL_HEADER",
                                              "X-Forwarded-Proto" if PRODUCTION else "")
if SECURE_PROXY_SSL_HEADER_NAME:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + SECURE_PROXY_SSL_HEADER_NAME.upper().replace("-", "_"), "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)


def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in {"http", "https"} and parts.netloc else ""


# Content-Security-Policy (django-csp): scripts and style sheets from pollwatch's own static files
# only, no eval, no inline script or event handler; style attributes are allowed (Leaflet and
# Chart.js position elements with them), <style> elements are not (htmx's indicator style is off,
# see base.html). Map tiles may come from MAP_TILES_URL's origin.
_TILES_ORIGIN = _origin(os.environ.get("MAP_TILES_URL", ""))
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *([_TILES_ORIGIN] if _TILES_ORIGIN else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# HTTP Digest (ODK Collect): seconds a nonce stays valid; each nonce count is accepted once.
INTAKE_DIGEST_NONCE_SECONDS = env_int("INTAKE_DIGEST_NONCE_SECONDS", 5 * 60)
# Largest request each way in accepts, in bytes (413 beyond; docs/intake.md): an OpenRosa
# submission with its attachments, a JSON API body, an SMS gateway's webhook request.
INTAKE_MAX_BYTES = env_int("INTAKE_MAX_BYTES", 20 * 1024 * 1024)
INTAKE_MAX_JSON_BYTES = env_int("INTAKE_MAX_JSON_BYTES", 1024 * 1024)
INTAKE_MAX_SMS_BYTES = env_int("INTAKE_MAX_SMS_BYTES", 64 * 1024)
# Rate limits (pollwatch/ratelimits.py): requests per device token, per partner API key and SMS
# messages per sender's phone number, as "<count>/<s|m|h|d>"; empty turns one off. Over the
# limit: 429 with Retry-After. Counted in the cache above (Redis when REDIS_URL is set).
RATE_LIMIT_TOKEN = os.environ.get("RATE_LIMIT_TOKEN", "120/m")
RATE_LIMIT_API_KEY = os.environ.get("RATE_LIMIT_API_KEY", "600/m")
RATE_LIMIT_SMS_SENDER = os.environ.get("RATE_LIMIT_SMS_SENDER", "30/m")
RATELIMIT_USE_CACHE = "default"
# How many proxies in front of pollwatch append to X-Forwarded-For (0: use the connection's
# address). The client address for lockouts and the audit log is read from the right, past them.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Password sign-in: after SIGN_IN_PASSWORD_ATTEMPTS wrong passwords for one user name from one
# address, that pair is locked out for SIGN_IN_LOCKOUT_MINUTES (django-axes; 429 page).
SIGN_IN_PASSWORD_ATTEMPTS = env_int("SIGN_IN_PASSWORD_ATTEMPTS", 5)
SIGN_IN_LOCKOUT_MINUTES = env_int("SIGN_IN_LOCKOUT_MINUTES", 15)
AXES_FAILURE_LIMIT = SIGN_IN_PASSWORD_ATTEMPTS
AXES_COOLOFF_TIME = SIGN_IN_LOCKOUT_MINUTES / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "pollwatch.accounts.audit.client_address"
AXES_LOCKOUT_CALLABLE = "pollwatch.accounts.signin_views.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True
# The pause runs SIGN_IN_LOCKOUT_MINUTES from the lockout; attempts during it are refused, not counted.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Successful sign-ins are in pollwatch's own audit log, with the address and the browser.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Second factor for staff (administrators, coordinators, analysts): "required" sends a staff user
# without a confirmed authenticator app to set one up; "optional" lets them choose (the demo and
# the tests). Either way, a user who has one is asked for its code after the password.
STAFF_TWO_FACTOR = os.environ.get("STAFF_TWO_FACTOR", "optional" if (DEMO or TESTING) else "required")
if STAFF_TWO_FACTOR not in {"required", "optional"}:
    raise ImproperlyConfigured(f"STAFF_TWO_FACTOR={STAFF_TWO_FACTOR!r}: use required or optional")
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "pollwatch")
# django-axes logs each failure at INFO and each lockout at WARNING (user names masked).
LOGGING["loggers"]["axes"] = {"level": "ERROR" if TESTING else "WARNING"}
# Uploads (evidence, form workbooks, statement PDFs) are private: views check the reader's
# right, then hand the file to the front server (docs/operations.md). SENDFILE_BACKEND:
# simple (Django streams the file), nginx (X-Accel-Redirect) or xsendfile (Apache X-Sendfile).
SENDFILE_BACKEND = "django_sendfile.backends." + {
    "simple": "simple", "nginx": "nginx", "xsendfile": "xsendfile",
}.get(os.environ.get("SENDFILE_BACKEND", "simple"), "simple")
SENDFILE_ROOT = MEDIA_ROOT
# The internal location the front server maps to MEDIA_ROOT (nginx: an `internal` location).
SENDFILE_URL = os.environ.get("SENDFILE_URL", "/protected-media")
# Public open data of a statement: a cell computed from fewer polling stations is withheld
# (shown as suppressed), so a published count never points at a few stations.
OPEN_DATA_MIN_STATIONS = env_int("OPEN_DATA_MIN_STATIONS", 5)
