"""Django settings for OpenPSO, read only from the environment (see docs/configuration.md)."""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from openpso.accounts.lockout_policy import DEFAULT_LOCKOUT_BY, lockout_parameters
from openpso.config.env import env_bool, env_choice, env_int, env_list, env_path, env_str
from openpso.lib.api_rate import DEFAULT_API_ORG_RATE, DEFAULT_API_RATE, parse_rate

PACKAGE_DIR = Path(__file__).resolve().parent

# "development" allows the zero-configuration defaults that `make run` relies on;
# "production" refuses to start without an explicit secret key and keys directory.
OPENPSO_ENV = env_choice("OPENPSO_ENV", "development", {"development", "production", "test"})
PRODUCTION = OPENPSO_ENV == "production"

DATA_DIR = env_path("OPENPSO_DATA_DIR", Path.cwd() / "var")
KEYS_DIR = env_path("OPENPSO_KEYS_DIR", DATA_DIR / "keys")
if PRODUCTION and "OPENPSO_KEYS_DIR" not in __import__("os").environ:
    raise ImproperlyConfigured("OPENPSO_KEYS_DIR must be set in production, outside the data dir")


def _secret_key() -> str:
    configured = env_str("OPENPSO_SECRET_KEY", "")
    if configured:
        return configured
    if PRODUCTION:
        raise ImproperlyConfigured("OPENPSO_SECRET_KEY must be set in production")
    # Development: a random key kept beside the data so sessions survive restarts.
    path = DATA_DIR / ".secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("OPENPSO_DEBUG", False)
ALLOWED_HOSTS = env_list("OPENPSO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("OPENPSO_CSRF_TRUSTED_ORIGINS", [])
HTTPS = env_bool("OPENPSO_HTTPS", PRODUCTION)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "csp",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    # OpenPSO domain apps, leaves first (see docs/decisions/0002-layout.md).
    "openpso.audit",
    "openpso.encryption",
    "openpso.commonformats",
    "openpso.accounts",
    "openpso.organizations",
    "openpso.reporting",
    "openpso.pswp",
    "openpso.pses",
    "openpso.nonid",
    "openpso.submissions",
    "openpso.lake",
    "openpso.compliance",
    "openpso.privilege",
    "openpso.analytics",
    "openpso.feedback",
    "openpso.core",
    "openpso.demo",
    "openpso.backup",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A session ends OPENPSO_SESSION_MAX_HOURS after sign-in; sign-out clears the browser's
    # cache and storage (accounts/session_end.py).
    "openpso.accounts.session_end.SessionLifetimeMiddleware",
    # Signed-in pages hold PHI: no-store, so a shared computer's browser keeps none (core/caching.py).
    "openpso.core.caching.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "openpso.accounts.middleware.RequireMfaMiddleware",
    # Dates and times shown in the user's organisation's zone (organizations/timezones.py).
    "openpso.organizations.timezones.TimeZoneMiddleware",
    # Axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "openpso.urls"
WSGI_APPLICATION = "openpso.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "openpso.organizations.context_processors.memberships",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'openpso.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + IMMEDIATE transactions let the web workers and the task worker share the
    # embedded file without "database is locked" errors under normal load.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if OPENPSO_ENV == "test":
    # Same argon2 format with tiny cost, so the suite's hundreds of logins stay fast.
    PASSWORD_HASHERS.insert(0, "openpso.testing.hashers.FastArgon2PasswordHasher")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"

# django-allauth: e-mail login, no self sign-up (accounts are issued by administrators).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "openpso.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"reset_password_from_key": "openpso.accounts.forms.FirstPasswordKeyForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
# django-axes owns lockout; two lockout mechanisms on one view confuse users.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "OpenPSO"
# TOTP secrets and the recovery-code seed sealed under the keyring (accounts/mfa_secrets.py).
MFA_ADAPTER = "openpso.accounts.mfa_secrets.MfaAdapter"
# Accept the code of the neighbouring 30-second step too (RFC 6238 §5.2 allows one step of
# clock drift); without it a code typed at the turn of a step fails.
MFA_TOTP_TOLERANCE = 1

AXES_FAILURE_LIMIT = env_int("OPENPSO_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("OPENPSO_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
# What a run of failures locks: the account, the client address, or both (the
# trade-off is in docs/configuration.md). Wrong TOTP and recovery codes count too (MFA_FORMS).
AXES_LOCKOUT_PARAMETERS = lockout_parameters(env_str("OPENPSO_LOCKOUT_BY", DEFAULT_LOCKOUT_BY))
_LOCKS_BY_CLIENT = any("ip_address" in ([p] if isinstance(p, str) else p) for p in AXES_LOCKOUT_PARAMETERS)
OPENPSO_TRUSTED_PROXIES = env_int("OPENPSO_TRUSTED_PROXIES", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "openpso.accounts.lockout.client_address"
AXES_HANDLER = "openpso.accounts.lockout.AuditedLockoutHandler"
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "openpso.accounts.lockout.username_for_lockout"
# Forgives the signed-in account's failures only (AuditedLockoutHandler.reset_user_attempts).
AXES_RESET_ON_SUCCESS = True
# Masked in the attempt rows axes keeps: axes' defaults plus the second-factor code.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
MFA_FORMS = {
    "authenticate": "openpso.accounts.forms.LockoutAuthenticateForm",
    "reauthenticate": "openpso.accounts.forms.LockoutReauthenticateForm",
}
AXES_LOCKOUT_TEMPLATE = "account/locked_out.html"
AXES_VERBOSE = False

SESSION_COOKIE_AGE = env_int("OPENPSO_SESSION_MINUTES", 60, minimum=5) * 60
SESSION_SAVE_EVERY_REQUEST = True
# However active, a session ends this long after sign-in (accounts/session_end.py; ASVS 7.3.2).
OPENPSO_SESSION_MAX_HOURS = env_int("OPENPSO_SESSION_MAX_HOURS", 12, minimum=1)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
if HTTPS:
    # A browser takes a `__Host-` cookie only if it is Secure, for Path=/ and without Domain, so a
    # sibling subdomain cannot plant or overwrite it (ASVS 3.3.3). Django's defaults already give
    # path "/" and no domain; plain HTTP (development, tests) keeps the usual names.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_SSL_REDIRECT = HTTPS and env_bool("OPENPSO_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
# HSTS for this host's subdomains too, and the preload flag; preload takes effect only once the
# registrable domain's owner submits it to the browsers' list (docs/deploy.md).
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("OPENPSO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = HTTPS and env_bool("OPENPSO_HSTS_PRELOAD", True)
# Behind a reverse proxy that terminates TLS (deploy/nginx), the request reaches us over plain
# HTTP; the proxy says it came over HTTPS in X-Forwarded-Proto, which it sets on every request
# so a client cannot. Without this, the HTTPS redirect would loop. Never set it without such a
# proxy: anyone could then claim HTTPS.
if env_bool("OPENPSO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Strict CSP: no inline script, no eval, nothing from outside this origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("OPENPSO_TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it even when serving from finders
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = env_str("OPENPSO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("OPENPSO_FROM_EMAIL", "openpso@localhost")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Invariant 4: no PHI or narrative in logs or error reports. Request bodies never reach
# the exception reporter, and our own log lines carry ids and codes only.
DEFAULT_EXCEPTION_REPORTER_FILTER = "openpso.core.logging.RedactingExceptionReporterFilter"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # ISO 8601 with the UTC offset: the process runs in TIME_ZONE, and a line's time must be
    # unambiguous beside the audit trail's UTC rows (ASVS 5.0 V16, docs/security.md).
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s", "datefmt": "%Y-%m-%dT%H:%M:%S%z"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("OPENPSO_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

NINJA_PAGINATION_PER_PAGE = 50
# Requests per signed-in person or API key on /api/v1/ (lib/api_throttle.py), e.g. "600/m";
# over it, 429 with Retry-After. Checked here so a typo stops the start, not every request.
OPENPSO_API_RATE = parse_rate(env_str("OPENPSO_API_RATE", DEFAULT_API_RATE)).text
# Requests of all one organisation's API keys together, so more keys do not mean more budget.
OPENPSO_API_ORG_RATE = parse_rate(
    env_str("OPENPSO_API_ORG_RATE", DEFAULT_API_ORG_RATE), setting="OPENPSO_API_ORG_RATE"
).text

# Small-cell suppression of every output that leaves the PSO analyst's screen (openpso.nonid.
# suppression): counts below the first, or drawn from fewer providers than the second, are hidden.
SMALL_CELL_MIN_COUNT = env_int("OPENPSO_SMALL_CELL_MIN_COUNT", 11, minimum=1)
SMALL_CELL_MIN_PROVIDERS = env_int("OPENPSO_SMALL_CELL_MIN_PROVIDERS", 3, minimum=1)
# k of every release (openpso.nonid.release, docs/nonid.md): each combination of released provider
# peer attributes holds at least this many providers. Below 5 is refused: it is the floor we document.
OPENPSO_RELEASE_MIN_PROVIDERS = env_int("OPENPSO_RELEASE_MIN_PROVIDERS", 5, minimum=5)

# Worker processes scrubbing the lake refresh's free text (openpso.lake.refresh); 0: one per core.
LAKE_WORKERS = env_int("OPENPSO_LAKE_WORKERS", 0, minimum=0)

SIMPLE_HISTORY_REVERT_DISABLED = True

# axes warns when lockout ignores the client address; OPENPSO_LOCKOUT_BY=account chooses
# that knowingly (a shared hospital NAT address is never locked).
SILENCED_SYSTEM_CHECKS = [] if _LOCKS_BY_CLIENT else ["axes.W006"]
