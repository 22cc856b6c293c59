"""Kechuang settings. Deploy-specific values come from the environment (see README, "Configuration")."""
import secrets
from pathlib import Path

import plotly
from django.templatetags.static import static

from kechuang.env import database_from_url, env_bool, env_choice, env_int, env_list, env_proxy_header, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("KECHUANG_DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _local_secret_key() -> str:
    """A random key kept in the data folder, so a local install is never left on a known key."""
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY", "") or _local_secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# --- Web hardening. KECHUANG_ENV=production turns every one of these on (README, "Deployment"); each
# can still be set on its own from the environment, e.g. for a test server without TLS.
KECHUANG_ENV = env_choice("KECHUANG_ENV", "development", ("development", "production"))
_production = KECHUANG_ENV == "production"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _production)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if _production else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _production)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", _production)
# The bureau's web server terminates TLS and says so in this header; Django trusts it only when set.
SECURE_PROXY_SSL_HEADER = env_proxy_header("SECURE_PROXY_SSL_HEADER")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", _production)
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts only from this site's static files: no inline script, no eval. Styles may be inline because
# plotly draws its charts with style attributes.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# The back office (django-unfold) runs Alpine.js, which evaluates its attributes and ships inline
# script; it is for staff only and gets this wider policy under its own prefix.
ADMIN_URL_PREFIX = "/admin/"
CONTENT_SECURITY_POLICY_ADMIN = {
    **CONTENT_SECURITY_POLICY,
    "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
}
API_URL_PREFIX = "/api/"
# Attached files (evidence): the allow-list and checks are in kechuang/core/uploads.py.
KECHUANG_UPLOAD_MAX_BYTES = env_int("KECHUANG_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)

# The district this installation serves: an enterprise is "in the district" when its region code lies
# under this 统计用区划代码 (default 中新天津生态城).
KECHUANG_DISTRICT_CODE = env_str("KECHUANG_DISTRICT_CODE", "120116406")
KECHUANG_IMPORT_MAX_BYTES = env_int("KECHUANG_IMPORT_MAX_BYTES", 30 * 1024 * 1024)
# What an .xlsx may expand to, checked before it is expanded: the sheets' XML once unzipped, and the
# rows (also for .csv) and columns a sheet declares or holds.
KECHUANG_IMPORT_MAX_XML_BYTES = env_int("KECHUANG_IMPORT_MAX_XML_BYTES", 160 * 1024 * 1024)
KECHUANG_IMPORT_MAX_ROWS = env_int("KECHUANG_IMPORT_MAX_ROWS", 200_000)
KECHUANG_IMPORT_MAX_COLUMNS = env_int("KECHUANG_IMPORT_MAX_COLUMNS", 200)
# A list export of more rows than this is written in the background (a page shows its progress).
EXPORT_SYNC_ROWS = env_int("EXPORT_SYNC_ROWS", 5000)
# Start a `kechuang exports run` process for each background export; off, a scheduled one picks them up.
EXPORTS_SPAWN = env_bool("EXPORTS_SPAWN", True)

INSTALLED_APPS = [
    "unfold",
    "unfold.contrib.filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_filters",
    "kechuang.core.vendor_apps.AxesConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "kechuang.core",
    "kechuang.registry",
    "kechuang.policy",
    "kechuang.cultivation",
    "kechuang.techmarket",
    "kechuang.projects",
    "kechuang.vouchers",
    "kechuang.carriers",
    "kechuang.talent",
    "kechuang.finance",
    "kechuang.plan",
    "kechuang.dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kechuang.core.locale.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kechuang.core.middleware.RequestContextMiddleware",
    "kechuang.core.middleware.AuthenticationPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
    "kechuang.core.headers.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "kechuang.urls"
WSGI_APPLICATION = "kechuang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kechuang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kechuang.core.navigation.navigation",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(env_str("DATABASE_URL", "") or "sqlite:///var/kechuang.sqlite3", BASE_DIR)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Tests on SQLite use a database file, not memory: threads then share it, as web workers share the
    # real one, so the concurrency tests run on SQLite too.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-kechuang.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The matching cell index carries the vector codes as non-key columns on PostgreSQL (INCLUDE); SQLite
# keeps the key column alone, which is what it can do.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": max(12, env_int("PASSWORD_MIN_LENGTH", 12))}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "kechuang.core.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "kechuang.core.passwords.NoUsernameValidator"},
    {"NAME": "kechuang.core.passwords.RepeatedCharacterValidator", "OPTIONS": {"max_run": 3}},
    {"NAME": "kechuang.core.passwords.CommonWordValidator"},
]
# Security (等保 2.0 level 3), see README "Security": a password expires after this many days (0: never),
# and the user is sent to the change page.
KECHUANG_PASSWORD_MAX_AGE_DAYS = env_int("KECHUANG_PASSWORD_MAX_AGE_DAYS", 90)
# Officers and the three administrators log in with a second factor (TOTP). The demo (scripts/serve) and
# the tests turn it off so that demo logins work with a password alone.
KECHUANG_REQUIRE_OTP = env_bool("KECHUANG_REQUIRE_OTP", True)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "科创 Kechuang")
# A session ends this long after login, however active (the idle limit is SESSION_COOKIE_AGE).
KECHUANG_SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 8 * 60 * 60)
# An API token stops working this long after it was issued; each POST /api/token/ issues a new one.
KECHUANG_API_TOKEN_TTL_SECONDS = env_int("API_TOKEN_TTL_SECONDS", 12 * 60 * 60)
# The audit chain's MAC key (never stored in the database) and where its head is written out.
KECHUANG_AUDIT_KEY = env_str("KECHUANG_AUDIT_KEY", "")
KECHUANG_AUDIT_KEY_FILE = env_str("KECHUANG_AUDIT_KEY_FILE", str(DATA_DIR / "audit.key"))
KECHUANG_AUDIT_HEAD_FILE = env_str("KECHUANG_AUDIT_HEAD_FILE", str(DATA_DIR / "audit-head.json"))
# A syslog address ("/dev/log" or "host:514") that also receives every chain head; empty: none.
KECHUANG_AUDIT_SYSLOG = env_str("KECHUANG_AUDIT_SYSLOG", "")
# Audit entries younger than this are never archived away.
KECHUANG_AUDIT_RETENTION_DAYS = max(180, env_int("KECHUANG_AUDIT_RETENTION_DAYS", 180))
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "core:login"

# Sessions end after this many seconds without a request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_LOCKOUT_MINUTES", 30) / 60
# Locks an account after repeated failures on it, and an address that sprays many accounts.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "zh-hans"
# A refused CSRF check gets the site's own page, in the site's layout, with a way back.
CSRF_FAILURE_VIEW = "kechuang.core.views.csrf_failure"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# The product's own catalogue, then the Chinese it adds to the packages whose own is missing or partial
# (Unfold's back office, Axes, django-otp), so that the back office reads in Chinese throughout.
LOCALE_PATHS = [BASE_DIR / "kechuang" / "locale", BASE_DIR / "kechuang" / "locale_vendor"]
# The district's time zone: `kechuang.core.clock.today()` is the date there, whatever the host's zone.
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = "kechuang.formats"

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [
    BASE_DIR / "kechuang" / "static",
    ("plotly", Path(plotly.__file__).parent / "package_data"),
]
# Static files are served by WhiteNoise: in production from STATIC_ROOT after `collectstatic`, with
# hashed names cached for a year; elsewhere straight from the apps and packages (no collectstatic).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if KECHUANG_ENV == "production"
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = KECHUANG_ENV != "production"
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "kechuang@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kechuang.core.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["kechuang.core.permissions.SignedIn"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kechuang API",
    "DESCRIPTION": "科创 — registry, policy evaluation, technology market and plan indicators. Money in 万元.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

UNFOLD = {
    "SITE_TITLE": "科创 后台",
    "SITE_HEADER": "科创 Kechuang",
    "SITE_SYMBOL": "science",
    "SITE_URL": "/",
    # The site's own icon, so that the back office asks the browser for no /favicon.ico that is not there.
    "SITE_FAVICONS": [{"rel": "icon", "type": "image/svg+xml", "href": lambda request: static("kechuang/favicon.svg")}],
}

# Extra folders a district adds its own rule sets to (YAML), read besides kechuang/policy/rulesets.
POLICY_EXTRA_RULESET_DIRS = env_list("POLICY_EXTRA_RULESET_DIRS", [])

# Logs go to standard output (the service manager's journal keeps them); LOG_SYSLOG=/dev/log copies
# them to the local syslog as well.
LOG_SYSLOG = env_str("LOG_SYSLOG", "")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "plain"},
        **({"syslog": {"class": "logging.handlers.SysLogHandler", "address": LOG_SYSLOG, "formatter": "plain"}} if LOG_SYSLOG else {}),
    },
    "root": {"handlers": ["console", *(["syslog"] if LOG_SYSLOG else [])], "level": env_str("LOG_LEVEL", "WARNING")},
}
if KECHUANG_AUDIT_SYSLOG:
    _host, _, _port = KECHUANG_AUDIT_SYSLOG.rpartition(":")
    LOGGING["handlers"]["audit_syslog"] = {
        "class": "logging.handlers.SysLogHandler",
        "address": (_host, int(_port)) if _host and _port.isdigit() else KECHUANG_AUDIT_SYSLOG,
        "facility": "auth",
    }
    LOGGING["loggers"] = {"kechuang.audit.head": {"handlers": ["audit_syslog"], "level": "INFO", "propagate": False}}
