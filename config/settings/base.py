"""Settings shared by every environment: safe by default, machine-specific values from
the environment (see README and .env.example)."""

from datetime import timedelta
from pathlib import Path

import environ

from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "heritage",
    "accounts",
    "access_requests",
    "media_pipeline",
    "search",
    "embeds",
    "oai",
    "iiif",
    "citations",
    "datasets",
    "api_docs",
    "uploads",
    "page_cache",
    "critical_css",
    "bulk_import",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtailmedia",
    "wagtail.api.v2",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
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
    "rest_framework",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "page_cache.middleware.AnonymousPageCacheMiddleware",
    # Django's GZip adds random bytes to each response against BREACH (docs/caching.md).
    "config.compression.PageGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.locale.ArchiveLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.AdminForStaffOnlyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.csp.ArchiveCSPMiddleware",
    "heritage.redirects.VisibleRedirectMiddleware",
    # Last, so that a throttled login never reaches the views.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

LOCAL_DATA_DIR = BASE_DIR / "var"  # git-ignored: SQLite database, uploads, demo accounts
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{LOCAL_DATA_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server read while the worker writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The public site's sign-in (accounts/), also where Wagtail sends visitors of restricted pages.
LOGIN_URL = WAGTAIL_FRONTEND_LOGIN_URL = "accounts:login"

# Email: printed on the console unless EMAIL_URL names a server, such as
# smtp+tls://user:password@mail.example.org:587 (smtp+ssl:// for SSL on connect).
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = SERVER_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="archive@localhost")

# Internationalisation: Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = WAGTAILADMIN_PERMITTED_LANGUAGES = [
    ("vi", "Tiếng Việt"),
    ("en", "English"),
]
WAGTAIL_I18N_ENABLED = True
# Our own strings, then our Vietnamese for the Wagtail admin (its own catalogue covers
# only about 250 of the 1,700 strings an officer meets).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "wagtail-admin"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# Files. Local disk by default; S3-compatible object storage when a bucket is named.
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=LOCAL_DATA_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/files/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=LOCAL_DATA_DIR / "media")
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
            "signature_version": "s3v4",
            # Files are private; the archive hands out short-lived signed URLs
            # only after checking who may see them.
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=600),
            "file_overwrite": False,
        },
    }
else:
    default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Background jobs. Wagtail's quick jobs (search and reference index updates) run at
# once; media jobs go to their own queue so they never wait behind each other.
REDIS_URL = env.str("REDIS_URL", default="")
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "media": (
        {
            "BACKEND": "django_tasks_rq.RQBackend",
            "QUEUES": ["media"],
        }
        if REDIS_URL
        else {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["media"],
        }
    ),
}
if REDIS_URL:
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"media": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}

# Whole public pages for anonymous visitors (page_cache/, docs/caching.md): a file cache
# shared by the web workers, or Redis when REDIS_URL is set. 0 seconds turns it off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "pages"}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env.path("PAGE_CACHE_DIR", default=LOCAL_DATA_DIR / "page-cache"),
            "OPTIONS": {"MAX_ENTRIES": env.int("PAGE_CACHE_MAX_ENTRIES", default=5000)},
        }
    ),
}

# Search: the database backend on one machine; Elasticsearch 8 or OpenSearch 2 when a URL
# is given (the tests run both). With a node, the database index is kept current too, and
# `/search/` answers from it while the node is down.
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
OPENSEARCH_URL = env.str("OPENSEARCH_URL", default="")
SEARCH_INDEX_PREFIX = env.str("SEARCH_INDEX_PREFIX", default="heritage_")
SEARCH_TIMEOUT_SECONDS = env.int("SEARCH_TIMEOUT_SECONDS", default=5)
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database_backend"}}
if ELASTICSEARCH_URL or OPENSEARCH_URL:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": (
                "search.backends.Elasticsearch8Backend" if ELASTICSEARCH_URL else "search.backends.OpenSearch2Backend"
            ),
            "URLS": [ELASTICSEARCH_URL or OPENSEARCH_URL],
            "INDEX_PREFIX": SEARCH_INDEX_PREFIX,
            "TIMEOUT": SEARCH_TIMEOUT_SECONDS,
            # Rebuilds fill a new index and swap an alias, so search never goes empty.
            "ATOMIC_REBUILD": True,
        },
        "fallback": {"BACKEND": "search.backends.database_backend"},
    }

# Wagtail
WAGTAIL_SITE_NAME = _("Ethnic heritage archive")
WAGTAILADMIN_BASE_URL = env.str("BASE_URL", default="http://127.0.0.1:8000")
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ALLOW_UNICODE_SLUGS = False  # ASCII URLs cite and share cleanly
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
# A new translation of a live page starts as a draft, reviewed like any page (by default
# wagtail-localize publishes it at once, for whoever asked for it).
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["pdf", "odt", "docx", "txt", "vtt", "srt", "csv", "xml"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = env.int("MAX_DOCUMENT_UPLOAD_MB", default=100) * 1024 * 1024
WAGTAILDOCS_DOCUMENT_FORM_BASE = "media_pipeline.forms.DocumentForm"
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "tif", "tiff"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env.int("MAX_IMAGE_UPLOAD_MB", default=40) * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=120_000_000)
WAGTAILIMAGES_IMAGE_FORM_BASE = "media_pipeline.forms.ImageForm"
WAGTAILMEDIA = {
    "MEDIA_MODEL": "media_pipeline.MediaAsset",
    "MEDIA_FORM_BASE": "media_pipeline.forms.MediaAssetForm",
    "AUDIO_EXTENSIONS": ["mp3", "m4a", "aac", "wav", "flac", "ogg", "opus", "amr"],
    "VIDEO_EXTENSIONS": ["mp4", "mov", "m4v", "mkv", "webm", "avi", "3gp", "mts"],
}
MAX_MEDIA_UPLOAD_MB = env.int("MAX_MEDIA_UPLOAD_MB", default=2048)
# A zip of media for a bulk import may unpack to at most this much (bulk_import/zip_media.py).
BULK_IMPORT_MAX_UNZIPPED_MB = env.int("BULK_IMPORT_MAX_UNZIPPED_MB", default=20480)

# Resumable uploads (uploads/, docs/uploads.md): tusd receives the bytes and asks the archive
# through hooks whether to accept them and what to make of them.
UPLOADS_TUSD_URL = env.str("UPLOADS_TUSD_URL", default="http://127.0.0.1:1080/files/")
UPLOADS_TUSD_LISTEN = env.str("UPLOADS_TUSD_LISTEN", default="127.0.0.1:1080")
UPLOADS_HOOKS_URL = env.str("UPLOADS_HOOKS_URL", default=f"{WAGTAILADMIN_BASE_URL}/uploads/hooks/")
UPLOADS_HOOKS_SECRET = env.str("UPLOADS_HOOKS_SECRET", default="")
UPLOADS_DIR = env.path("UPLOADS_DIR", default=LOCAL_DATA_DIR / "uploads")
UPLOADS_EXPIRE_HOURS = env.float("UPLOADS_EXPIRE_HOURS", default=48)
UPLOADS_TOKEN_MAX_AGE_SECONDS = env.int("UPLOADS_TOKEN_MAX_AGE_SECONDS", default=3600)

# Media pipeline limits: an original outside them is refused before any transcoding.
MEDIA_MAX_DURATION_SECONDS = env.float("MEDIA_MAX_DURATION_SECONDS", default=4 * 3600)
MEDIA_MAX_PIXELS = env.int("MEDIA_MAX_PIXELS", default=7680 * 4320)
MEDIA_MAX_CHANNELS = env.int("MEDIA_MAX_CHANNELS", default=8)
MEDIA_MAX_STREAMS = env.int("MEDIA_MAX_STREAMS", default=16)
MEDIA_PROBE_TIMEOUT_SECONDS = env.float("MEDIA_PROBE_TIMEOUT_SECONDS", default=30)
# Each ffmpeg run may take base + per_second × the recording's length.
MEDIA_TIMEOUT_BASE_SECONDS = env.float("MEDIA_TIMEOUT_BASE_SECONDS", default=120)
MEDIA_TIMEOUT_PER_SECOND = env.float("MEDIA_TIMEOUT_PER_SECOND", default=4)
MEDIA_STORAGE_RETRIES = env.int("MEDIA_STORAGE_RETRIES", default=5)
MEDIA_STORAGE_RETRY_DELAY_SECONDS = env.float("MEDIA_STORAGE_RETRY_DELAY_SECONDS", default=1)
# A job that has not reported for this long is taken to have lost its worker.
MEDIA_STALE_JOB_SECONDS = env.int("MEDIA_STALE_JOB_SECONDS", default=300)
MEDIA_PROFILES_FILE = env.str("MEDIA_PROFILES_FILE", default="")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL

# OAI-PMH (oai/, docs/oai-pmh.md): item identifiers are oai:<repository identifier>:<entry
# key>, so the identifier must never change once harvesters know it (BASE_URL's host by default).
OAI_REPOSITORY_IDENTIFIER = env.str("OAI_REPOSITORY_IDENTIFIER", default="")
OAI_ADMIN_EMAIL = env.str("OAI_ADMIN_EMAIL", default="archive@localhost.localdomain")
OAI_PAGE_SIZE = env.int("OAI_PAGE_SIZE", default=100)
WAGTAILAPI_LIMIT_MAX = 100

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # The API is read-only: a signed-in session shows what the site shows that person;
    # no password is taken there, so it is no second door for guessing one.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
}

# Security: secure by default; dev settings relax what needs HTTPS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: nothing from third parties, no inline script on public
# pages. The Wagtail admin needs inline styles and scripts, so it gets its own policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        # hls.js transmuxes in a worker it starts from a blob: URL (static/js/player.js).
        "worker-src": ["'self'", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if AWS_STORAGE_BUCKET_NAME and env.str("AWS_S3_ENDPOINT_URL", default=""):
    for directive in ("img-src", "media-src", "connect-src"):
        CONTENT_SECURITY_POLICY["DIRECTIVES"][directive].append(env.str("AWS_S3_ENDPOINT_URL"))

# Login throttling (heritage/login_throttling.py): failures within the cool-off are counted
# per account whatever the address, and per address across accounts, each with its limit.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env.int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", default=20)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=15)
# A refused attempt during a lock is not counted, so the lock ends when the page says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "heritage.login_throttling.ThrottlingHandler"
AXES_LOCKOUT_CALLABLE = "heritage.login_throttling.lockout_response"
# Reverse proxies in front of the archive, each appending to X-Forwarded-For; 0 trusts the
# header not at all (heritage/client_address.py).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "heritage.client_address.client_address"
# Account mail anyone can trigger (registration, password reset; accounts/mail_limits.py):
# at most this many messages to one address, and form submissions from one network, per hour.
ACCOUNT_MAILS_PER_ADDRESS = env.int("ACCOUNT_MAILS_PER_ADDRESS", default=3)
ACCOUNT_FORMS_PER_CLIENT = env.int("ACCOUNT_FORMS_PER_CLIENT", default=20)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "django_tasks": {"level": "WARNING"}},
}

# Access to the archive's own worker heartbeat for /healthz.
WORKER_HEARTBEAT_MAX_AGE = 120
# A bearer token that shows /healthz's details to monitoring (staff see them signed in).
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")

# Anonymous use of the open-data API (/api/v2/), per client address: "number/period"
# (second, minute, hour or day); past it, 429 with Retry-After. Empty: no limit.
API_ANON_RATE = env.str("API_ANON_RATE", default="600/minute")
# Open datasets (datasets/): a burst of changes within this many seconds makes one rebuild.
DATASETS_REBUILD_DELAY_SECONDS = env.int("DATASETS_REBUILD_DELAY_SECONDS", default=60)
