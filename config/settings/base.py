"""Settings shared by every environment. Values that differ come from the environment."""

from datetime import timedelta

import dj_database_url
from csp.constants import NONE, SELF

from config.env import BASE_DIR, env, env_bool, env_list

SECRET_KEY = env("DJANGO_SECRET_KEY", "insecure-local-only-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "govuk_frontend_django",
    "joinedup.agencies",
    "joinedup.accounts",
    "joinedup.audit",
    "joinedup.children",
    "joinedup.sharing",
    "joinedup.access",
    "joinedup.jobs",
    "joinedup.missing",
    "joinedup.language",
    "joinedup.concerns",
    "joinedup.assessments",
    "joinedup.mace",
    "joinedup.disruption",
    "joinedup.screening",
    "joinedup.contacts",
    "joinedup.mapping",
    "joinedup.linkage",
    "joinedup.imports",
    "joinedup.documents",
    "joinedup.api",
    "joinedup.backups",
    "joinedup.rights",
    "joinedup.oversight",
    "joinedup.profiles",
    "joinedup.training",
    "joinedup.supervision",
    "joinedup.datapack",
    "joinedup.victims",
    "joinedup.caseaudits",
    "joinedup.frontdoor",
    "joinedup.places",
    "joinedup.throttle",
    "joinedup.tasks",
    "joinedup.strategy",
    "joinedup.campaigns",
    "joinedup.plans",
    "joinedup.community",
    "joinedup.voice",
    "joinedup.education",
    "joinedup.contextual",
    "joinedup.web",
    "joinedup.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # First, so every audit row written while handling the request says where it came from.
    "joinedup.audit.middleware.audit_context",
    "joinedup.web.middleware.security_headers",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before the session timeouts, which tell the user why they were signed out.
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "joinedup.accounts.middleware.session_timeouts",
    "joinedup.accounts.middleware.two_factor_required",
    "joinedup.audit.middleware.AuditFailureMiddleware",
    "joinedup.web.middleware.policy_decisions",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "joinedup.web.context_processors.platform",
            ],
        },
    },
]
# Forms' errors name their field (joinedup.web.forms.NamedErrorsBoundField).
FORM_RENDERER = "joinedup.web.forms.FormRenderer"

# SQLite (WAL, synchronous=FULL) is the embedded default; PostgreSQL through DATABASE_URL.
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'joinedup.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A web worker keeps its connection between requests (checked before reuse) rather than opening one per
    # request; and PostgreSQL's JIT compiler is off: it costs tens of milliseconds planning a dashboard's
    # aggregates and gains nothing on queries this size (docs/deployment.md).
    DATABASES["default"]["CONN_MAX_AGE"] = int(env("JOINEDUP_DB_CONN_MAX_AGE", "60"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # A 64 MB page cache per connection (SQLite's default is 2 MB): an import's index pages stay in memory.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;"
        ),
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
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

# Sign-in (OWASP ASVS level 2).
JOINEDUP_OTP_REQUIRED = env_bool("JOINEDUP_OTP_REQUIRED", True)
JOINEDUP_IDLE_TIMEOUT = timedelta(minutes=15)
# The session's last activity is written only once it is this old, so most requests do not write their session
# (on SQLite each write waits for the one writer). The idle timeout then ends a session after between
# JOINEDUP_IDLE_TIMEOUT less this and JOINEDUP_IDLE_TIMEOUT without activity; keep it well under the idle timeout.
JOINEDUP_LAST_SEEN_INTERVAL = timedelta(seconds=60)
JOINEDUP_ABSOLUTE_TIMEOUT = timedelta(hours=12)
JOINEDUP_BREAK_GLASS_DURATION = timedelta(hours=4)
# Emergency-access lookups that match no single child, audited; after this many in an hour, every lookup waits.
JOINEDUP_BREAK_GLASS_FAILURES_PER_HOUR = 5
JOINEDUP_DEMO = env_bool("JOINEDUP_DEMO", False)
OTP_TOTP_ISSUER = "joinedup"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Lockout is per username (ASVS 2.2.1); per-address lockout would lock out a whole agency
# behind one NAT address, so axes.W006 is silenced on purpose (docs/deployment.md).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
SESSION_COOKIE_AGE = int(JOINEDUP_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Content Security Policy: no inline script or style, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env("JOINEDUP_MEDIA_ROOT", str(BASE_DIR / "var" / "media"))
# Agency extracts larger than this (bytes, all files together) are imported by the worker, with progress;
# until it reads them they wait in IMPORT_SPOOL_DIR, which nothing serves.
LARGE_IMPORT_BYTES = int(env("JOINEDUP_LARGE_IMPORT_BYTES", str(512 * 1024)))
# The most rows one import file may hold; a larger file is refused as a whole, with a message to split it.
IMPORT_MAX_ROWS = int(env("JOINEDUP_IMPORT_MAX_ROWS", "1000000"))
IMPORT_SPOOL_DIR = env("JOINEDUP_IMPORT_SPOOL_DIR", str(BASE_DIR / "var" / "import-spool"))
# Documents attached to children's records: kept outside the web root, served only through the audited view.
DOCUMENTS_ROOT = env("JOINEDUP_DOCUMENTS_ROOT", str(BASE_DIR / "var" / "documents"))
DOCUMENT_MAX_BYTES = int(env("JOINEDUP_DOCUMENT_MAX_BYTES", str(10 * 1024 * 1024)))

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "joinedup@localhost")
# Where people reach joinedup, for the link in an alert email (which names nobody: see missing.services).
JOINEDUP_SITE_URL = env("JOINEDUP_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Who may reach the app through a proxy: the audit trail records the client address
# from X-Forwarded-For only when this names the proxy's own address.
JOINEDUP_TRUSTED_PROXIES = env_list("JOINEDUP_TRUSTED_PROXIES", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals_on_one_line": {"()": "joinedup.web.logging.RefusalsOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["refusals_on_one_line"]}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
}
LOGGING["loggers"] = {"axes": {"level": "WARNING"}}  # type: ignore[index]

# Repeat missing: a child missing this many times within this many days is flagged.
JOINEDUP_REPEAT_MISSING_COUNT = int(env("JOINEDUP_REPEAT_MISSING_COUNT", "3"))
JOINEDUP_REPEAT_MISSING_DAYS = int(env("JOINEDUP_REPEAT_MISSING_DAYS", "90"))

# Many professionals: a warning when more than this many different professionals have contacted
# (or tried to contact) a child within this many days, so the child is not overwhelmed.
JOINEDUP_MANY_PROFESSIONALS = int(env("JOINEDUP_MANY_PROFESSIONALS", "4"))
JOINEDUP_MANY_PROFESSIONALS_DAYS = int(env("JOINEDUP_MANY_PROFESSIONALS_DAYS", "14"))

# The maps' base map (docs/linkage-and-mapping.md): a GeoJSON file of streets, wards and water with their names,
# drawn in the browser; "static:<path>" names a static file the app serves (the demo's fictional Wealdbridge),
# anything else a URL (another host must be added to connect-src in the CSP). Empty: no base map.
JOINEDUP_MAP_BASEMAP_URL = env("JOINEDUP_MAP_BASEMAP_URL", "static:joinedup/mapping/wealdbridge-basemap.geojson")
# A tile layer for a real area, e.g. "https://tiles.example/{z}/{x}/{y}.png" (add its host to img-src in the CSP),
# with the attribution its licence asks for. Empty: no tiles; the base map above still draws the streets offline.
JOINEDUP_MAP_TILES_URL = env("JOINEDUP_MAP_TILES_URL", "")
JOINEDUP_MAP_TILES_ATTRIBUTION = env("JOINEDUP_MAP_TILES_ATTRIBUTION", "Map tiles")
