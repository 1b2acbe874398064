"""Settings for Referatsøg, driven by environment variables.

Production is the default: a real DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS are
required, rate limits are on and no proxy header is trusted until DJANGO_NUM_PROXIES
says how many proxies stand in front. Development is chosen with DJANGO_DEBUG=1
(`make run` and `make test` do): a throw-away secret key, no rate limits, mail on the
console. Without DATABASE_URL an embedded PostgreSQL is started in MINUTES_DATA_DIR.
A bad value of any variable stops start-up with its name.
"""

import datetime
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from environs import Env, EnvError
from marshmallow.validate import Range

from minutes import embedded_db

BASE_DIR = Path(__file__).resolve().parent.parent

env = Env()


def _env(reader, name, **kwargs):
    """Read one variable; a bad value becomes ImproperlyConfigured naming the variable."""
    try:
        return reader(name, **kwargs)
    except EnvError as exc:
        raise ImproperlyConfigured(str(exc)) from exc


DEBUG = _env(env.bool, "DJANGO_DEBUG", default=False)

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = _env(env.str, "DJANGO_SECRET_KEY", default="") or (_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set: Referatsøg runs with production settings unless DJANGO_DEBUG=1. "
        'Make a key with: python -c "import secrets; print(secrets.token_urlsafe(50))"; '
        "for development set DJANGO_DEBUG=1 (make run and make test do)."
    )

ALLOWED_HOSTS = _env(env.list, "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the site's host names when DJANGO_DEBUG is off.")

PORT = _env(env.int, "PORT", default=8000, validate=Range(min=1, max=65535))
MINUTES_DATA_DIR = Path(_env(env.path, "MINUTES_DATA_DIR", default=BASE_DIR / ".data")).expanduser()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.postgres",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "axes",
    "minutes",
    "committees",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "minutes.middleware.DanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
    "minutes.middleware.DatabaseUnavailableMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out clients before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

ROOT_URLCONF = "minutes.urls"
WSGI_APPLICATION = "minutes.wsgi.application"

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
            ],
            "builtins": ["search.templatetags.search_tags"],
        },
    },
]

# --- Database: DATABASE_URL, or the embedded server -------------------------
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": _env(env.dj_db_url, "DATABASE_URL", conn_max_age=60)}
else:
    try:
        _embedded = embedded_db.ensure_running(MINUTES_DATA_DIR)
    except embedded_db.EmbeddedDatabaseError as exc:
        raise ImproperlyConfigured(str(exc)) from exc
    DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", **_embedded}}
# Per-connection planner settings for full-text search (measured in docs/BENCHMARKS.md):
# with 4MB work_mem the GIN bitmaps of common words turn lossy and every row's vector is
# rechecked; random_page_cost for SSDs lets the planner prefer the index over a scan that
# must decompress every vector.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
    f"-c work_mem={_env(env.str, 'DATABASE_WORK_MEM', default='64MB')} "
    f"-c random_page_cost={_env(env.float, 'DATABASE_RANDOM_PAGE_COST', default=1.1)}"
)
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://…); no other database is supported.")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ---------------------------------------------------------
LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

# --- Static files: whitenoise, compressed and with hashed names ---------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- The client's address: REMOTE_ADDR, or a proxy's header when proxies are configured ---
# DJANGO_NUM_PROXIES is how many reverse proxies stand between the internet and the app;
# each appends the address it saw to DJANGO_CLIENT_IP_HEADER (X-Forwarded-For), so the
# client is that many entries from the right. With 0 no header is trusted: a client can
# write anything into them. minutes.limits.client_ip reads these.
NUM_PROXIES = _env(env.int, "DJANGO_NUM_PROXIES", default=0, validate=Range(min=0, max=10))
CLIENT_IP_HEADER = _env(env.str, "DJANGO_CLIENT_IP_HEADER", default="")
if CLIENT_IP_HEADER and not NUM_PROXIES:
    raise ImproperlyConfigured(
        "DJANGO_CLIENT_IP_HEADER is set but DJANGO_NUM_PROXIES is 0: the header would be ignored. "
        "Set DJANGO_NUM_PROXIES to the number of reverse proxies in front of the app (usually 1)."
    )
CLIENT_IP_HEADER = CLIENT_IP_HEADER or "HTTP_X_FORWARDED_FOR"

# --- Shared cache: the rate limits count in the database, so all workers count together ---
# The table is created by the migration search/0002 (production runs only migrate).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "referatsoeg_cache"}}

# --- Rate limits per client ("120/m", "1000/h"; empty turns one off) -----------------
# Each surface counts on its own: the search page, the API and the Atom feed share the
# SEARCH rate, the CSV export (up to 10,000 rows a request) has its own, lower one.
SEARCH_RATE_LIMIT = _env(env.str, "SEARCH_RATE_LIMIT", default="" if DEBUG else "120/m")
EXPORT_RATE_LIMIT = _env(env.str, "EXPORT_RATE_LIMIT", default="" if DEBUG else "10/m")
# Failed logins from one client across all usernames.
LOGIN_RATE_LIMIT = _env(env.str, "LOGIN_RATE_LIMIT", default="" if DEBUG else "30/h")
RATELIMIT_USE_CACHE = "default"

# --- Failed logins: django-axes locks a username on one client after repeated failures ---
AXES_FAILURE_LIMIT = _env(env.int, "AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=_env(env.int, "AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "minutes.limits.client_ip"

# --- Mail: SMTP from the environment; on the console in development without a server ---
# Password reset (and later the e-mail alerts) is offered only when mail can be sent.
_email_host = _env(env.str, "EMAIL_HOST", default="")
DEFAULT_FROM_EMAIL = _env(env.str, "DEFAULT_FROM_EMAIL", default="referatsoeg@localhost" if DEBUG else "")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = _env(env.str, "SITE_URL", default=f"http://127.0.0.1:{PORT}" if DEBUG else "").rstrip("/")
if SITE_URL and not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("SITE_URL must start with https:// (or http://), e.g. https://referater.example.dk")
if _email_host:
    if not (DEFAULT_FROM_EMAIL and SITE_URL):
        raise ImproperlyConfigured(
            "EMAIL_HOST is set, so DEFAULT_FROM_EMAIL (the sender) and SITE_URL (the site's address "
            "in the mails' links, e.g. https://referater.example.dk) must be set too."
        )
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {
        "host": _email_host,
        "port": _env(env.int, "EMAIL_PORT", default=587, validate=Range(min=1, max=65535)),
        "username": _env(env.str, "EMAIL_HOST_USER", default=""),
        "password": _env(env.str, "EMAIL_HOST_PASSWORD", default=""),
        "use_tls": _env(env.bool, "EMAIL_USE_TLS", default=True),
        "timeout": 20,
    }}}
elif DEBUG:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    # No mailer: nothing offers to send mail (EMAIL_ENABLED), and a send would fail loudly.
    MAILERS = {}
    SILENCED_SYSTEM_CHECKS = ["mail.W001"]  # "no default mailer": deliberate until EMAIL_HOST is set
EMAIL_ENABLED = bool(_email_host) or DEBUG

# --- Security (production) ----------------------------------------------------
# A Content-Security-Policy the pages satisfy: everything from our own host, no inline
# script without a nonce, no framing.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    if NUM_PROXIES:
        # Behind a TLS-terminating reverse proxy that sets X-Forwarded-Proto; without a
        # configured proxy a client could claim https with the header.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _env(env.bool, "DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = _env(env.int, "DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": _env(env.str, "DJANGO_LOG_LEVEL", default="WARNING")},
}
