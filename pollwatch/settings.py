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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
            ],
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
