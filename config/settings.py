"""Concerto's settings, read from the environment through `config.env.env`.

`DJANGO_ENV` chooses the mode:

- `development` (default): the embedded default of `make run` — SQLite, Celery on kombu's filesystem
  transport, local-memory cache, e-mails printed to the console. `DATABASE_URL` and `REDIS_URL`
  switch to PostgreSQL and Redis.
- `production`: refuses to start without `DJANGO_SECRET_KEY` and `DJANGO_ALLOWED_HOSTS`, turns on the
  security settings that `manage.py check --deploy` expects.

Every variable is listed in README.md.
"""

from pathlib import Path

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, env
from core.converters import ID_MAX

ENVIRONMENT = env.str("DJANGO_ENV", default="development")
if ENVIRONMENT not in {"development", "production"}:
    raise ValueError(f"DJANGO_ENV must be 'development' or 'production', not {ENVIRONMENT!r}")
PRODUCTION = ENVIRONMENT == "production"

VAR_DIR = Path(env.str("CONCERTO_VAR_DIR", default=str(BASE_DIR / "var")))

if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ValueError("DJANGO_ALLOWED_HOSTS must name at least one host in production")
    DEBUG = False
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="insecure-development-key-never-use-in-production")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
    DEBUG = env.bool("DJANGO_DEBUG", default=True)

CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Applications ---------------------------------------------------------------------------------------

INSTALLED_APPS = [
    # Ours, in dependency order: cms -> consultations -> accounts.
    "core",
    "accounts",
    "consultations",
    "reports",
    "commons",
    "calls",
    "budgets",
    "opendata",
    "cms",
    "search",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # The public API (api): REST with its OpenAPI description.
    "rest_framework",
    "drf_spectacular",
    # Sign-in
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "rules",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # Probes answered first: no host check, HTTPS redirect, session or CSRF (core/health.py).
    "core.health.HealthCheckMiddleware",
    # One log line per request, with its id (core/logs.py).
    "core.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffTwoFactorMiddleware",
    # The request's Wagtail site, from the cache (cms/sites.py).
    "cms.sites.SiteMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Near the end, so that it sees a view's exception first: a lost database connection becomes a 503.
    "core.errors.DatabaseUnavailableMiddleware",
    # Public pages kept for visitors who are not signed in (core/page_cache.py): last, so that a page
    # served from the cache has been through everything above it.
    "core.page_cache.PageCacheMiddleware",
]

if PRODUCTION:  # static files served by the application server, from `collectstatic`'s output
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
            # Figures, amounts and dates the reader's way on every page and e-mail (docs/i18n.md).
            "builtins": ["core.templatetags.figures"],
        },
    },
]

# Data -----------------------------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the Celery worker write to the same file: wait for the lock instead of
    # failing, take it at the start of each transaction, and let readers work during writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # Tests that start a worker process need the test database in a file both processes can open.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    VAR_DIR.mkdir(parents=True, exist_ok=True)
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    # Django's Redis backend, keeping its clients (core/cache.py).
    CACHES = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions read from Redis, written through to the database (which keeps them if Redis restarts).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# How long a public page rendered for a visitor who is not signed in is served to the next ones
# (core/page_cache.py); every publication forgets them all. 0 turns the page cache off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60)

# Accounts and sign-in -------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # Django's and allauth's, loading the person with whether their address is confirmed (one query).
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CnilPasswordValidator"},
]

LOGIN_URL = "account_login"
# Staff sign in through allauth too, so that its rate limits and two-factor step apply to them.
WAGTAILADMIN_LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_PREVENT_ENUMERATION = True
# Someone signed in but sent to the login page (a participant opening the back office) sees the form,
# to sign in with another account, rather than being sent back where they came from, in a loop.
ACCOUNT_AUTHENTICATED_LOGIN_REDIRECTS = False
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# allauth's e-mails start their subject with "[<site name>] ": the adapter takes the name where every
# e-mail does (core.notifications.site_name: the Wagtail site's name, Settings → Sites).
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# allauth's default rate limits apply (failed logins: 10 a minute per address IP, 5 per 5 minutes per
# account); they count in the cache, so in production the shared Redis cache makes them global.
# Contributions use the same machinery, per account (consultations/views.py).
ACCOUNT_RATE_LIMITS = {
    "contribute_response": env.str("RATE_LIMIT_RESPONSES", default="20/m/user"),
    "contribute_statement": env.str("RATE_LIMIT_STATEMENTS", default="5/10m/user"),
    "contribute_vote": env.str("RATE_LIMIT_VOTES", default="120/m/user"),
    "contribute_comment": env.str("RATE_LIMIT_COMMENTS", default="10/10m/user"),
    "contribute_report": env.str("RATE_LIMIT_REPORTS", default="20/h/user"),
    # New dossiers and attachments of calls for projects (a dossier's saves are not limited).
    "contribute_dossier": env.str("RATE_LIMIT_DOSSIERS", default="30/10m/user"),
    # The contact and accessibility-problem forms, open to everyone: per address IP.
    "site_message": env.str("RATE_LIMIT_SITE_MESSAGES", default="5/10m/ip"),
}

# The public API (api, docs/api.md): JSON only, personal tokens only (never the session,
# so no CSRF to check), errors as {"detail", "code", "errors"}. Its writes share the site's rate limits
# above (allauth's counters), so a client cannot bypass them through the API.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.PersonalTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Concerto API",
    "DESCRIPTION": "Open data, and a participant's actions with a personal token (docs/api.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # `check --deploy` must not need a database; the description is checked by tests/api instead.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Only our API: Wagtail's admin API (a DRF app too) is not part of it.
    "PREPROCESSING_HOOKS": ["api.schema.only_public_api"],
    # Ids in paths (core/converters.py): whole numbers of at most 18 digits; a longer one is a 404.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 0, "maximum": ID_MAX}},
}

# Optional sign-in with an OpenID Connect provider (an agents' directory, a city's SSO), set by
# environment variables. FranceConnect and ProConnect need more (docs/accounts.md).
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [], "OAUTH_PKCE_ENABLED": True}}
if env.str("OIDC_SERVER_URL", default=""):
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append(
        {
            "provider_id": env.str("OIDC_PROVIDER_ID", default="oidc"),
            "name": env.str("OIDC_NAME", default="OpenID Connect"),
            "client_id": env.str("OIDC_CLIENT_ID"),
            "secret": env.str("OIDC_CLIENT_SECRET"),
            "settings": {"server_url": env.str("OIDC_SERVER_URL"), "fetch_userinfo": True},
        }
    )
# A provider asserting an address never signs into an existing local account of that address by
# itself (that would let a provider take over accounts).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False

# Two-factor authentication: required for staff (accounts.middleware), offered to everyone.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Concerto"
# Development only, opt-in (`make run` sets it; allauth refuses it unless DEBUG): a code that passes the
# two-factor step, so that the demo's staff accounts can be tried without an authenticator app.
MFA_TOTP_INSECURE_BYPASS_CODE = (env.str("MFA_DEV_BYPASS_CODE", default="") or None) if DEBUG else None

# Accounts unused this long are warned, then deleted after the notice period (RGPD: no personal data
# kept longer than needed; the CNIL suggests at most three years of inactivity).
ACCOUNT_INACTIVE_DAYS = env.int("ACCOUNT_INACTIVE_DAYS", default=3 * 365)
ACCOUNT_DELETION_NOTICE_DAYS = env.int("ACCOUNT_DELETION_NOTICE_DAYS", default=30)
# How long an invitation to join an organisation can be used.
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)
# Open data: a personal question's totals hide every group of fewer people than this (docs/opendata.md).
OPENDATA_SMALL_CELL = max(2, env.int("OPENDATA_SMALL_CELL", default=5))

# Languages ------------------------------------------------------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
# The language contributions and pages are written in: marked lang="fr" on pages shown in another (RGAA 8.7).
CONTENT_LANGUAGE = env.str("CONTENT_LANGUAGE", default="fr")
LOCALE_PATHS = [BASE_DIR / "locale"]
# French thousands separated by a narrow no-break space (config/formats/fr/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAIL_ALLOW_UNICODE_SLUGS = False  # ASCII addresses: easier to read out, type and share
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# Static and media -----------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "config" / "static"]
# The theme's stylesheet (colours, fonts, focus style): a static path or an address (docs/cms.md).
CONCERTO_THEME_CSS = env.str("CONCERTO_THEME_CSS", default="css/theme.css")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.str("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Files only the platform hands out, after a permission check (report exports, dossier attachments):
# never under MEDIA_URL, never served by the web server.
PRIVATE_ROOT = env.str("DJANGO_PRIVATE_ROOT", default=str(VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# E-mail ---------------------------------------------------------------------------------------------

vars().update(env.email_url("EMAIL_URL", default="smtp://localhost:25" if PRODUCTION else "consolemail://"))
# A mail server that accepts the connection and then stalls must not hold a worker (or a request) forever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Concerto <ne-pas-repondre@concerto.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery ---------------------------------------------------------------------------------------------

if REDIS_URL:
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
else:
    # The embedded broker: messages are files under var/broker, so a real worker runs with no server.
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_broker_dir / "control"),
    }
    # The transport expects its folders to exist; the web server and the worker both write to them.
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing gives up quickly when the broker is down (one immediate reconnection, for a pooled
# connection left dead by a broker restart; a 2-second connect timeout): the contribution is already
# committed with its task in the outbox (core/outbox.py), whose sweep publishes it once the broker
# is back. See docs/operations.md.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0,
    "interval_max": 0,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    _restore_sweep = max(1, env.int("CELERY_RESTORE_SWEEP_SECONDS", default=60))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 2,
        # A message taken by a worker that died (SIGKILL, lost machine) goes back to the queue after this
        # many seconds: longer than the longest task (a report compile), or it would run twice at once.
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3 * 60 * 60),
        # How often each worker looks for such messages (kombu's default is every 100 seconds).
        "unacked_restore_interval": min(10, _restore_sweep),
        "unacked_restore_throttle": max(1, _restore_sweep // min(10, _restore_sweep)),
    }
# Results: every task ignores its own, but a task may ask to keep its failure (a report compile does),
# so that the web can tell an official even when the worker could not write it to the database. Kept
# next to the broker: Redis, or files under var/ for the embedded broker; for a day.
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
    CELERY_REDIS_SOCKET_TIMEOUT = 5
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 2}}
else:
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=f"file://{VAR_DIR / 'results'}")
    if CELERY_RESULT_BACKEND.startswith("file://"):
        Path(CELERY_RESULT_BACKEND.removeprefix("file://")).mkdir(parents=True, exist_ok=True)
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_BEAT_SCHEDULE = {
    "reports-refresh": {
        "task": "reports.tasks.reports_refresh_task",
        "schedule": env.int("REPORTS_REFRESH_SECONDS", default=300),
    },
}
CELERY_BEAT_SCHEDULE["weekly-digest"] = {
    "task": "consultations.tasks.weekly_digest_task",
    "schedule": crontab(day_of_week="monday", hour=8, minute=0),
}
CELERY_BEAT_SCHEDULE["responses-anonymise"] = {
    "task": "consultations.tasks.responses_anonymise_task",
    "schedule": 24 * 60 * 60,
}
CELERY_BEAT_SCHEDULE["clear-sessions"] = {
    "task": "accounts.tasks.sessions_clear_task",
    "schedule": 24 * 60 * 60,
}
CELERY_BEAT_SCHEDULE["inactive-accounts"] = {
    "task": "accounts.tasks.inactive_accounts_task",
    "schedule": 24 * 60 * 60,
}
CELERY_BEAT_SCHEDULE["outbox-sweep"] = {
    "task": "accounts.tasks.outbox_sweep_task",
    "schedule": env.int("OUTBOX_SWEEP_SECONDS", default=60),
}
# A published outbox row whose task has not run after this long is published again (its message was
# lost: Redis restarted without persistence). Longer than a task waits in the queue plus one backoff wait.
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=60 * 60)
# E-mail tasks: this many retries, each wait drawn at random below BACKOFF × 1, 2, 4… seconds (at most
# 600), then back to the outbox for an hour (core/outbox.py).
EMAIL_RETRIES = env.int("EMAIL_RETRIES", default=8)
EMAIL_RETRY_BACKOFF = env.int("EMAIL_RETRY_BACKOFF", default=5)
CELERY_BEAT_SCHEDULE["outcome-announcements"] = {
    "task": "cms.tasks.outcome_announcements_resume_task",
    "schedule": 60 * 60,
}
CELERY_BEAT_SCHEDULE["opendata-refresh"] = {
    "task": "opendata.tasks.opendatasets_refresh_task",
    "schedule": env.int("OPENDATA_REFRESH_SECONDS", default=300),
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Wagtail --------------------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "Concerto"
# Passwords and addresses are managed through allauth (rate limits, verification, language), not
# through Wagtail's account pages.
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAILADMIN_BASE_URL = env.str("SITE_BASE_URL", default="http://127.0.0.1:8000")
# PostgreSQL full-text search with French stemming ("transports" finds "transport"); on SQLite the same
# backend uses FTS5 and ignores SEARCH_CONFIG.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "french"}
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "ods", "pdf", "txt", "xlsx"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from Gravatar: they would tell a third party (a hash of) each staff member's address.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# `manage.py import_polis`: the largest export it reads (its CSV files together) and the most rows in one
# file (statements, or participants), refused before reading (docs/imports.md). The largest open
# conversation known (225,524 votes, 2,031 participants) is a few MB.
POLIS_IMPORT_MAX_BYTES = env.int("POLIS_IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
POLIS_IMPORT_MAX_ROWS = env.int("POLIS_IMPORT_MAX_ROWS", default=100_000)

# Security -------------------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie (forms carry the token in a hidden field).
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"


def _origin(address: str) -> list[str]:
    """The origin of an absolute address (`https://cdn.example.fr`), for a policy; none for a path."""
    from urllib.parse import urlsplit

    parts = urlsplit(address)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme in ("http", "https") and parts.netloc else []


# Content-Security-Policy of the public site (core/middleware.py): scripts and styles from our own
# static files only, no inline script or style, never framed. Videos embedded in pages come from the
# hosts of CSP_FRAME_SRC; the theme's stylesheet may live elsewhere (CONCERTO_THEME_CSS); signing in
# with an OpenID Connect provider posts a form that redirects to it.
CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", *_origin(CONCERTO_THEME_CSS)],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", *_origin(CONCERTO_THEME_CSS)],
    "connect-src": ["'self'"],
    "frame-src": env.list(
        "CSP_FRAME_SRC",
        default=["https://www.youtube-nocookie.com", "https://www.youtube.com", "https://player.vimeo.com"],
    ),
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'", *_origin(env.str("OIDC_SERVER_URL", default=""))],
    "frame-ancestors": ["'none'"],
}
# Wagtail's admin still relies on inline scripts and styles, and shows previews of pages in a frame of
# its own: a policy of its own, under its prefix only.
CSP_ADMIN_PATH_PREFIX = "/admin/"
CSP_ADMIN_DIRECTIVES = {
    **CSP_DIRECTIVES,
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'", *_origin(CONCERTO_THEME_CSS)],
    "img-src": ["'self'", "data:", "blob:", "https:"],
    "frame-src": ["'self'", *CSP_DIRECTIVES["frame-src"]],
    "frame-ancestors": ["'self'"],
}
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Logging: one line per event, no personal data (ids only, never e-mails, names or addresses IP).
# JSON lines in production (LOG_FORMAT=json), readable text in development (docs/operations.md).
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ValueError(f"LOG_FORMAT must be 'json' or 'text', not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.logs.RequestIdFilter"},
        "redact": {"()": "core.logs.RedactFilter"},
    },
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},  # Wagtail's in-process index updates, one line each
        # 4xx are answers to bad input, not incidents; their paths may hold tokens (invitations).
        "django.request": {"level": "ERROR"},
        # Our own line per request replaces the development server's (which logs the query string).
        "django.server": {"level": "WARNING"},
    },
}

# Health checks (core/health.py): seconds to wait for Redis and the broker, and for a worker's answer.
HEALTH_TIMEOUT = env.float("HEALTH_TIMEOUT", default=1.0)
HEALTH_WORKER_TIMEOUT = env.float("HEALTH_WORKER_TIMEOUT", default=2.0)

# Demo content (`manage.py demo_load`, development only): the password of every demo account.
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="concerto-demo-2026")
