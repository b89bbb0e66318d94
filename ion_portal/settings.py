"""Settings for ION Portal, every value read from the environment.

The helpers below are strict: a malformed value stops start-up with a message that names the variable,
rather than silently falling back to a default. `.env.example` lists every variable.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str = "") -> str:
    """A string variable; empty means the default."""
    value = os.environ.get(name, "").strip()
    return value or default


def env_bool(name: str, default: bool) -> bool:
    """A boolean variable: true/false, yes/no, on/off, 1/0 (any case)."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use true or false.")


def env_int(name: str, default: int) -> int:
    """A whole-number variable."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_float(name: str, default: float) -> float:
    """A decimal-number variable."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.") from None


def env_rate(name: str, default: str) -> str:
    """A rate such as 60/min or 1000/hour (DRF throttle syntax)."""
    raw = env_str(name, default)
    count, _, period = raw.partition("/")
    if not count.isdigit() or period[:1] not in {"s", "m", "h", "d"}:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a rate: use e.g. 60/min or 1000/hour.")
    return raw


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """A comma-separated list variable."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, default: str = "", schemes: tuple[str, ...] = ("http", "https")) -> str:
    """A URL variable whose scheme is one of `schemes` and which names a host (or a path for sqlite)."""
    raw = env_str(name, default)
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in schemes:
        allowed = ", ".join(f"{s}://" for s in schemes)
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a valid URL: it must start with {allowed}"
        )
    if parts.scheme != "sqlite" and not parts.hostname and not parts.path:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a valid URL: it names no host.")
    return raw


def database_from_url(url: str) -> dict:
    """Django DATABASES entry for a postgres:// or sqlite:/// URL."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        # sqlite:///relative.db -> "/relative.db"; sqlite:////abs/path.db -> "//abs/path.db"
        name = path[1:] if path.startswith("//") else path.lstrip("/")
        if name and not os.path.isabs(name):
            name = str(BASE_DIR / name)
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": name or ":memory:"}
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "ion_portal",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": options,
    }


# --- Core ---------------------------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value, or set DJANGO_DEBUG=true "
            "for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-debug-is-on"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
for _origin in CSRF_TRUSTED_ORIGINS:
    if not _origin.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"CSRF_TRUSTED_ORIGINS contains {_origin!r}: each origin must start with https:// or http://"
        )
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks_db",
    "ion_portal",
    "trials",
    "toxicity",
    "collaborations",
    "education",
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
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "ion_portal.middleware.SessionLifetimeMiddleware",
    "ion_portal.middleware.StaffSecondFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "ion_portal.urls"
WSGI_APPLICATION = "ion_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ion_portal.context_processors.portal",
            ],
        },
    },
]

# --- Database, cache, tasks -----------------------------------------------------------------------
DATABASE_URL = env_url(
    "DATABASE_URL",
    f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    schemes=("postgres", "postgresql", "sqlite"),
)
DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

REDIS_URL = env_url("REDIS_URL", "", schemes=("redis", "rediss"))
if REDIS_URL:
    # django-redis with a local fallback (ion_portal/cache.py): Redis down is slower, never broken.
    CACHES = {
        "default": {
            "BACKEND": "ion_portal.cache.FailoverRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": env_float("REDIS_CONNECT_TIMEOUT", 0.5),
                "SOCKET_TIMEOUT": env_float("REDIS_TIMEOUT", 0.5),
                "RETRY_SECONDS": env_float("REDIS_RETRY_SECONDS", 5.0),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work (e-mail, ClinicalTrials.gov refresh, alerts) goes through Django's task framework.
# The immediate backend runs a task in the request; production sets
# TASKS_BACKEND=django_tasks_db.DatabaseBackend and runs `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend"),
    }
}

# --- Accounts -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "ion_portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "account_overview"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Sign-up also asks for name and affiliation; a verified new account tells the curators.
ACCOUNT_SIGNUP_FORM_CLASS = "ion_portal.accounts.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS_ENABLED = env_bool("ACCOUNT_RATE_LIMITS_ENABLED", True)
ACCOUNT_ADAPTER = "ion_portal.adapters.AccountAdapter"  # allauth's limits use ion_portal.ratelimit
# Staff and superusers must have an authenticator app before any admin page (ion_portal/middleware.py).
ADMIN_REQUIRES_MFA = env_bool("ADMIN_REQUIRES_MFA", True)
# Sessions: signed out after SESSION_IDLE_TIMEOUT seconds without a request (default 30 min) and
# SESSION_MAX_LIFETIME seconds after sign-in however active (default 12 h, one shift).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT  # the stored expiry, moved on at most once a minute
SESSION_MAX_LIFETIME = env_int("SESSION_MAX_LIFETIME", 12 * 60 * 60)
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[ION Portal] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "ION Portal"

# --- Internationalisation --------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Brussels")
USE_I18N = True
USE_TZ = True

# --- Static and media files ------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# The complete trial export (manage.py build_trial_dump): private storage beside MEDIA_ROOT, never public.
EXPORT_ROOT = Path(env_str("EXPORT_ROOT", str(MEDIA_ROOT.parent / "private_media" / "exports")))

# --- E-mail ------------------------------------------------------------------------------------------
# Django 6.1 mailers. Debug prints e-mail to the console; production sends through SMTP.
_EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_EMAIL_OPTIONS = {}
if _EMAIL_BACKEND.endswith("smtp.EmailBackend"):
    _EMAIL_OPTIONS = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": env_int("EMAIL_TIMEOUT", 10),
    }
MAILERS = {"default": {"BACKEND": _EMAIL_BACKEND, "OPTIONS": _EMAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ION Portal <noreply@ion-portal.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
CONTACT_EMAIL = env_str("CONTACT_EMAIL", "info@ion-portal.example")
CONTACT_RATE_LIMIT = env_int("CONTACT_RATE_LIMIT", 5)  # messages per client per hour

# --- Portal-specific ---------------------------------------------------------------------------------
# No default: a placeholder must never reach a patient card (check --deploy errors without it).
HOSPITAL_24_7_PHONE = env_str("HOSPITAL_24_7_PHONE", "")
DEMO_CONTENT = env_bool("DEMO_CONTENT", DEBUG)
# ClinicalTrials.gov API v2 client: per-request timeout in seconds, how many times a 429/5xx/timeout is
# retried, the first back-off in seconds (doubling), and the longest wait honoured from Retry-After.
CTGOV_API_URL = env_url("CTGOV_API_URL", "https://clinicaltrials.gov/api/v2")
CTGOV_TIMEOUT = env_int("CTGOV_TIMEOUT", 10)
CTGOV_RETRIES = env_int("CTGOV_RETRIES", 3)
CTGOV_RETRY_BACKOFF = env_float("CTGOV_RETRY_BACKOFF", 1.0)
CTGOV_MAX_RETRY_WAIT = env_float("CTGOV_MAX_RETRY_WAIT", 60.0)
# A collaboration request idle for more than this many days reminds whoever holds it.
COLLABORATIONS_REMINDER_DAYS = env_int("COLLABORATIONS_REMINDER_DAYS", 7)
# Largest resource file (PDF or image) a curator may upload, in bytes.
EDUCATION_UPLOAD_MAX_BYTES = env_int("EDUCATION_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)

# --- Client address -------------------------------------------------------------------------------------
# How many reverse proxies in front of the app append to X-Forwarded-For; every limit (allauth, the
# contact, referral and consult forms, the API) keys on the address they vouch for
# (ion_portal.ratelimit.client_ip). 0: the socket address, never the header, which any client could forge.
# API_NUM_PROXIES is the old, deprecated name of the same setting.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", env_int("API_NUM_PROXIES", 0))
# Or: a header the proxy sets to the client address (e.g. X-Real-IP); it then wins over the count.
TRUSTED_CLIENT_IP_HEADER = env_str("TRUSTED_CLIENT_IP_HEADER") or None
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = TRUSTED_CLIENT_IP_HEADER
# Limits of the trial referral and task-force consult forms, per member per hour.
REFERRAL_RATE_LIMIT = env_int("REFERRAL_RATE_LIMIT", 10)
CONSULT_RATE_LIMIT = env_int("CONSULT_RATE_LIMIT", 10)
# /healthz answers 503 when the database is down or migrations are missing; a Redis outage is reported
# ("cache": false, status "degraded") but is not fatal unless HEALTHZ_REQUIRE_CACHE is true, since the
# portal keeps working on its local fallback and pulling every node would turn a slow site into none.
HEALTHZ_REQUIRE_CACHE = env_bool("HEALTHZ_REQUIRE_CACHE", False)

# --- REST API ------------------------------------------------------------------------------------------
# Partners' keys, per-client throttling and one JSON error format for every endpoint of every app:
# each app's viewsets inherit these defaults, so no endpoint can forget them.
API_ANON_RATE = env_rate("API_ANON_RATE", "60/min")
API_PARTNER_RATE = env_rate("API_PARTNER_RATE", "600/min")
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 200)
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_AUTHENTICATION_CLASSES": ["ion_portal.api_auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["ion_portal.api_auth.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": API_ANON_RATE, "partner": API_PARTNER_RATE},
    "DEFAULT_FILTER_BACKENDS": ["ion_portal.api_errors.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "ion_portal.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "ion_portal.api_errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_SCHEMA_CLASS": "ion_portal.api_schema.AutoSchema",
    # The anonymous throttle keys on ion_portal.ratelimit.client_ip (TRUSTED_PROXY_COUNT).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ION Portal API",
    "DESCRIPTION": (
        "Read-only access to the Immuno-Oncology Network's public data: published clinical trials "
        "(also as CSV and as FHIR R5 ResearchStudy), the drug and cancer-type vocabularies, irAE "
        "guidelines, collaboration platforms and sample collections, news, events and resources.\n\n"
        "Anonymous use is rate limited per client; partners send `Authorization: Api-Key <key>` for a "
        "higher limit. A wrong or revoked key is a 401, over the limit a 429 with `Retry-After`. Every "
        "error is JSON with `status`, `code`, `detail` and, for a bad filter, the `allowed` values."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets that share a field name need distinct enum names.
    "ENUM_NAME_OVERRIDES": {
        "OverallStatusEnum": "trials.models.OverallStatus",
        "ImmunotherapyClassEnum": "ion_portal.immunotherapy.ImmunotherapyClass",
        "AudienceEnum": "education.models.Audience",
        "ResourceAudienceEnum": "education.models.Resource.ResourceAudience",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "trials.api.schema_vocabularies_hook",
    ],
}

# --- Security ------------------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline scripts or styles anywhere: every script and stylesheet is a file under /static/.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "worker-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
