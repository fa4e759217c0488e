"""Tests: fast and predictable, no network, temporary files."""

import tempfile

from .base import *  # noqa: F403
from .base import SECRET_KEY, env

DEBUG = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=tempfile.mkdtemp(prefix="heritage-test-media-"))
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
AXES_ENABLED = env.bool("AXES_ENABLED", default=False)
# Serve static files from the app folders, as in development; no collectstatic in tests.
WHITENOISE_AUTOREFRESH = True
SECRET_KEY = SECRET_KEY or "insecure-key-for-test-only"
# Transient storage errors are retried quickly in tests.
MEDIA_STORAGE_RETRY_DELAY_SECONDS = 0.05
# Every test client comes from 127.0.0.1; the tests of the limits set their own.
ACCOUNT_FORMS_PER_CLIENT = 100_000
# The API's anonymous limit is tested on its own (tests/api/); other tests are never throttled.
API_ANON_RATE = env.str("API_ANON_RATE", default="100000/minute")
# Pages are rendered afresh in tests (rolled-back data sends no signal); tests/page_cache/ turns the cache on.
PAGE_CACHE_SECONDS = 0
CACHES["pages"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"}  # noqa: F405
