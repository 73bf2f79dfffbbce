"""Settings shared by every environment, read from the environment with django-environ."""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(environ.Env().str("LIVINGLAB_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

# Applications -----------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    # Five Wagtail apps through configs that skip the API v3 we do not install (start-up time,
    # livinglab/wagtail_adjustments/api_v3.py); same apps, labels, models and templates.
    "wagtail.contrib.forms",
    "livinglab.wagtail_adjustments.api_v3.RedirectsConfig",  # wagtail.contrib.redirects
    "wagtail.contrib.search_promotions",  # editors promote pages for a query ("tabagisme")
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "livinglab.wagtail_adjustments.api_v3.LocalesConfig",  # wagtail.locales
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "livinglab.wagtail_adjustments.api_v3.SnippetsConfig",  # wagtail.snippets
    "livinglab.wagtail_adjustments.api_v3.DocumentsConfig",  # wagtail.documents
    "livinglab.wagtail_adjustments.api_v3.ImagesConfig",  # wagtail.images
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "csp",
    "rest_framework",  # CMS: API v2 (browsable renderer templates)
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "import_export",
    "axes",
]
LOCAL_APPS = [
    "livinglab.wagtail_adjustments",  # before wagtail.admin: its templates override Wagtail's
    "livinglab.campaigns",
    "livinglab.evaluation",
    "livinglab.cms",
    "livinglab.demo",
]

# Databases: SQLite in var/ by default, anything django-environ understands via DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'livinglab.sqlite3'}"),
}
DATABASE_IS_SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
if DATABASE_IS_SQLITE:
    # WAL and a busy timeout let the web server and the Celery worker share one file;
    # IMMEDIATE transactions avoid "database is locked" on lock upgrades.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DJANGO_APPS.append("django.contrib.postgres")

INSTALLED_APPS = LOCAL_APPS + THIRD_PARTY_APPS + DJANGO_APPS
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # on every answer, cached pages included
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",  # answers locked-out login attempts
    "livinglab.cms.cache.AnonymousPageCacheMiddleware",  # CMS: anonymous page cache, last
    "livinglab.cms.sitewide.SiteDataMiddleware",  # CMS: the cached site for Wagtail's routing
]

ROOT_URLCONF = "livinglab.urls"
WSGI_APPLICATION = "livinglab.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
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
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: French first, English available.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [PROJECT_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# Static and media files.
STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=VAR_DIR / "static")
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing one
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")
# Files that must never be public (parked uploads awaiting confirmation): outside MEDIA_ROOT,
# read only by permission-checked views. Any Django storage backend fits (django-storages'
# S3 backend with a private bucket, say) by replacing STORAGES["private"].
PRIVATE_ROOT = env.path("LIVINGLAB_PRIVATE_ROOT", default=VAR_DIR / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_ROOT, "base_url": "/private-files-are-not-served/"},
    },
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Caches: local memory by default, Redis (or anything django-environ knows) via CACHE_URL.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://livinglab")}

# Wagtail -----------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "LivingLab Prévention"
# Page addresses in ASCII: an editor's "Pause écrans" page is /pause-ecrans/, not %C3%A9.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # French stemming in PostgreSQL's full-text search ("défis" finds "défi"); after changing
    # it, `manage.py update_index` rebuilds the index with the new configuration.
    WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] = "french"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# CMS: anonymous page cache lifetime (also invalidated on publish) and testimony spam guards.
CMS_PAGE_CACHE_SECONDS = env.int("CMS_PAGE_CACHE_SECONDS", default=600)
# After a publish, render the public pages into that cache on the Celery worker (`cms/warming.py`;
# on in production), at the addresses visitors use: the page cache keys pages by host.
CMS_WARM_PAGES = env.bool("CMS_WARM_PAGES", default=False)
CMS_WARM_DELAY_SECONDS = env.int("CMS_WARM_DELAY_SECONDS", default=3)
CMS_WARM_PAGES_LIMIT = env.int("CMS_WARM_PAGES_LIMIT", default=1000)
CMS_TESTIMONY_MIN_SECONDS = env.float("CMS_TESTIMONY_MIN_SECONDS", default=3.0)
CMS_TESTIMONY_RATE_LIMIT = (env.int("CMS_TESTIMONY_PER_HOUR", default=5), 3600)
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL  # CMS: absolute URLs in API v2 answers
CMS_WARM_BASE_URLS = env.list("CMS_WARM_BASE_URLS", default=[WAGTAILADMIN_BASE_URL])

# Celery: long jobs must survive a dead worker (see docs/architecture.md).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_DIR = Path(env.str("CELERY_BROKER_DIR", default=str(VAR_DIR / "celery")))


def filesystem_broker(folder: Path) -> tuple[dict, str]:
    """Transport options and result backend of Celery's filesystem broker kept in `folder`."""
    for name in ("queue", "control", "results"):  # the web app and the workers both write there
        (folder / name).mkdir(parents=True, exist_ok=True)
    options = {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }
    return options, f"file://{folder / 'results'}"


if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS, _results = filesystem_broker(CELERY_BROKER_DIR)
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=_results)
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="livinglab")
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
HEALTHCHECK_BROKER_TIMEOUT = env.float("HEALTHCHECK_BROKER_TIMEOUT", default=2.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Wagtail logs every page action and background task at INFO; the audit log keeps them.
        "wagtail": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no third-party calls from the admin

# Content Security Policy (django-csp 4): no inline or third-party scripts anywhere, the admin
# included (livinglab/wagtail_adjustments/ replaces Wagtail's inline ones).
# Styles may be inline: Wagtail's admin sets style attributes. Frames: the video and map
# providers the CMS embeds (CSP_FRAME_SRC, comma-separated, to change them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [
            SELF,
            *env.list(
                "CSP_FRAME_SRC",
                default=[
                    "https://www.youtube-nocookie.com",
                    "https://www.youtube.com",
                    "https://player.vimeo.com",
                    "https://www.dailymotion.com",
                    "https://www.openstreetmap.org",
                ],
            ),
        ],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Uploads and public forms (measurement imports, online questionnaires).
LIVINGLAB_UPLOAD_MAX_BYTES = env.int("LIVINGLAB_UPLOAD_MAX_BYTES", default=20_000_000)
LIVINGLAB_UPLOAD_MAX_ROWS = env.int("LIVINGLAB_UPLOAD_MAX_ROWS", default=250_000)
LIVINGLAB_UPLOAD_MAX_UNZIPPED_BYTES = env.int(
    "LIVINGLAB_UPLOAD_MAX_UNZIPPED_BYTES", default=200_000_000
)
# An XLSX unpacking to more than this many times its size is refused (decompression bomb).
LIVINGLAB_UPLOAD_MAX_ZIP_RATIO = env.int("LIVINGLAB_UPLOAD_MAX_ZIP_RATIO", default=100)
# An upload previewed but never confirmed (participants' answers, in the private storage) is
# refused and deleted after this many seconds; sign-out deletes the session's at once.
LIVINGLAB_PARKED_UPLOAD_SECONDS = env.int("LIVINGLAB_PARKED_UPLOAD_SECONDS", default=2 * 3600)
LIVINGLAB_PUBLIC_FORM_RATE = (env.int("LIVINGLAB_QUESTIONNAIRE_PER_10_MIN", default=20), 600)
EVALUATION_RUN_STALE_MINUTES = env.int("EVALUATION_RUN_STALE_MINUTES", default=15)
DATA_UPLOAD_MAX_MEMORY_SIZE = LIVINGLAB_UPLOAD_MAX_BYTES + 1_000_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5_000_000

# One login page for the whole site: @login_required views send people to the admin login.
LOGIN_URL = "wagtailadmin_login"

# Login throttling (django-axes): the admin login locks a username + address pair after
# AXES_FAILURE_LIMIT failures, for AXES_COOLOFF_TIME hours.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "livinglab.core.client.client_address"

# Client addresses (rate limits, django-axes) come from django-ipware (livinglab/core/client.py).
# By default only the socket address counts: a forged X-Forwarded-For header changes nothing.
# Behind N reverse proxies, each appending the address it received from to X-Forwarded-For
# (nginx: proxy_add_x_forwarded_for), set TRUSTED_PROXY_COUNT=N: the client is then the N-th
# address from the right of that header, and whatever a client wrote before it is ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if TRUSTED_PROXY_COUNT else ("REMOTE_ADDR",)
)
# ipware counts the proxies listed in the header; the last proxy is REMOTE_ADDR itself.
IPWARE_META_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1 if TRUSTED_PROXY_COUNT else None
IPWARE_STRICT = False  # extra addresses a client wrote at the left are ignored, not refused
