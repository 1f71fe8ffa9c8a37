"""Settings for the learner-communities platform: one module, driven by the environment.

Every variable read here is listed and explained in ``.env.example``. With ``DEBUG`` off
(the default) the platform refuses to start without ``SECRET_KEY`` and turns on every
protection ``manage.py check --deploy`` asks for.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from urllib.parse import urlparse

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-never-use-in-production")
else:
    SECRET_KEY = env("SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off. Set it in the environment "
            "(see .env.example), e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )

SITE_NAME = env("SITE_NAME", default="Learners")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS",
    default=["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else [],
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

# --- Applications -----------------------------------------------------------------
INSTALLED_APPS = [
    "community.admin_apps.LearnersAdminConfig",  # the Django admin, with MFA and community scoping
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "taggit",
    "django_celery_beat",
    "django_htmx",
    # Ours, in dependency order: community <- forums, mentoring <- recognition <- analytics.
    "community",
    "forums",
    "mentoring",
    "recognition",
    "analytics",
]
LOCAL_APPS = ["community", "forums", "mentoring", "recognition", "analytics"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "community.middleware.MemberMiddleware",
    "forums.cache.ForumWritesMiddleware",  # the forums' anonymous page cache
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "community.forms_renderer.FormRenderer"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "community.context_processors.platform",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------
if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
elif DEBUG:
    from config.embedded_postgres import ensure_embedded_postgres

    DATABASES = {"default": ensure_embedded_postgres(VAR_DIR / "postgres")}
else:
    raise ImproperlyConfigured("DATABASE_URL is required when DEBUG is off (see .env.example).")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The hot queries of member pages run as server-side prepared statements
# (community/prepared.py); turn off behind a pooler in transaction mode (PgBouncer < 1.21).
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# --- Redis: cache, sessions, Celery broker ------------------------------------------
def _redis_answers(url: str) -> bool:
    """True if something accepts connections where ``url`` points (a 0.3 s probe)."""
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), 0.3):
            return True
    except OSError:
        return False


REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
REDIS_CACHE_URL = env("REDIS_CACHE_URL", default=REDIS_URL)
# In production Redis is a required service; on a developer's machine it is optional.
REDIS_AVAILABLE = (not DEBUG) or _redis_answers(REDIS_URL)

# Each pytest-xdist worker gets its own key space so parallel test runs never see each
# other's cache entries (rate-limit counters, cached pages).
CACHE_KEY_PREFIX = env("CACHE_KEY_PREFIX", default="learners") + os.environ.get(
    "PYTEST_XDIST_WORKER", ""
)
if REDIS_AVAILABLE:
    CACHES = {
        "default": {
            "BACKEND": "community.cache.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "TIMEOUT": 300,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Celery -------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False) or not (
    REDIS_AVAILABLE
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="learners")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "Europe/Paris"
if not REDIS_AVAILABLE and "pytest" not in sys.modules:
    print(
        f"Redis is not reachable at {REDIS_URL}: Celery tasks run eagerly in-process "
        "and the cache is in memory.",
        file=sys.stderr,
    )

# --- Accounts (django-allauth) --------------------------------------------------------
AUTH_USER_MODEL = "community.User"
AUTHENTICATION_BACKENDS = ["community.backends.AuthenticationBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "community:home"
ACCOUNT_ADAPTER = "community.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "community.forms.SignupProfileForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_LOGOUT_REDIRECT_URL = "community:home"
ACCOUNT_SESSION_REMEMBER = None
# allauth rate limits stay at their defaults (on); they count in the shared Redis cache.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
# Staff must have an authenticator (TOTP) before they can enter the admin.
ADMIN_REQUIRE_MFA = env.bool("ADMIN_REQUIRE_MFA", default=True)
USERSESSIONS_TRACK_ACTIVITY = False

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "lang"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files and uploads ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "community.staticfiles.ManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_AUTOREFRESH = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
AVATAR_MAX_BYTES = env.int("AVATAR_MAX_BYTES", default=2 * 1024 * 1024)
IMAGE_UPLOAD_MAX_BYTES = env.int("IMAGE_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)

# --- Email ------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"
)
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 15

# --- Security -----------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 14 * 24 * 3600
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Django 6.0's built-in Content-Security-Policy: no inline script or style anywhere; the
# few <script>/<style> elements the pages need carry the per-request nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", "https:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}

# --- The platform's own settings -------------------------------------------------------
# Demo data (seed_demo) may only be created where this is on; never in production.
ALLOW_DEMO_DATA = env.bool("ALLOW_DEMO_DATA", default=DEBUG)
# bench/: serve /bench/bare/ (the cheapest Django view, the ceiling the pages are compared to).
BENCH_VIEWS = env.bool("BENCH_VIEWS", default=False)
DEMO_PASSWORD = env("DEMO_PASSWORD", default="demo-learners-2026")
INVITATION_MAX_AGE_DAYS = env.int("INVITATION_MAX_AGE_DAYS", default=14)
ACCOUNT_ALLOW_SIGNUPS = env.bool("ACCOUNT_ALLOW_SIGNUPS", default=True)
NOTIFICATION_EMAIL_DELAY_SECONDS = env.int("NOTIFICATION_EMAIL_DELAY_SECONDS", default=120)
# Recognition: kudos a member may give in 24 hours; badges granted longer ago than this
# (by the nightly backfill) are not notified.
RECOGNITION_KUDOS_PER_DAY = env.int("RECOGNITION_KUDOS_PER_DAY", default=5)
RECOGNITION_NOTIFY_MAX_AGE_DAYS = env.int("RECOGNITION_NOTIFY_MAX_AGE_DAYS", default=3)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Community life (events, library, surveys) -------------------------------------------
# Registered members see an online event's link from this many minutes before it starts.
EVENT_ONLINE_LINK_MINUTES = env.int("EVENT_ONLINE_LINK_MINUTES", default=30)
# Documents shared in the resource library (PDF, office files, images).
RESOURCE_UPLOAD_MAX_BYTES = env.int("RESOURCE_UPLOAD_MAX_BYTES", default=15 * 1024 * 1024)
# --- Moderation ----------------------------------------------------------------------------
# Posting rate limits (per community settings, see docs/moderation.md). Off only for tests
# of other apps and for demo data.
MODERATION_RATE_LIMITS = env.bool("MODERATION_RATE_LIMITS", default=True)
# --- Mentoring -----------------------------------------------------------------------------
# Days without a session after which an active mentoring pair gets a reminder.
MENTORING_STALLED_DAYS = env.int("MENTORING_STALLED_DAYS", default=21)
# --- Forums --------------------------------------------------------------------------------
# Hours during which authors may delete their own posts (animators: always).
FORUMS_DELETE_WINDOW_HOURS = env.int("FORUMS_DELETE_WINDOW_HOURS", default=24)
# Largest image a member may attach to a post, in bytes.
FORUMS_IMAGE_MAX_BYTES = env.int("FORUMS_IMAGE_MAX_BYTES", default=5 * 1024 * 1024)
# --- Newsletters ------------------------------------------------------------------------------
# Members not seen (last login, or sign-up) for this many days stop receiving the digest.
NEWSLETTER_INACTIVE_DAYS = env.int("NEWSLETTER_INACTIVE_DAYS", default=180)
# Days after the end of a month before its issue leaves (animators write the introduction).
NEWSLETTER_EDITORIAL_DAYS = env.int("NEWSLETTER_EDITORIAL_DAYS", default=3)
# Recipients per delivery task.
NEWSLETTER_CHUNK_SIZE = env.int("NEWSLETTER_CHUNK_SIZE", default=200)
# Seconds after which a claimed but unsent delivery (a killed worker's) may be taken over.
NEWSLETTER_CLAIM_TIMEOUT = env.int("NEWSLETTER_CLAIM_TIMEOUT", default=900)
# Attempts before a delivery the SMTP server keeps refusing is given up.
NEWSLETTER_MAX_ATTEMPTS = env.int("NEWSLETTER_MAX_ATTEMPTS", default=3)
