import pytest

from django.core.cache import caches


@pytest.fixture
def page_cache(settings, tmp_path):
    """The page cache on, as in production without Redis: a file cache (shared by the web
    workers), small enough that a flood of addresses has to evict."""
    settings.PAGE_CACHE_SECONDS = 600
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "page-cache-tests"},
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "pages"),
            "OPTIONS": {"MAX_ENTRIES": 40, "CULL_FREQUENCY": 2},
        },
    }
    yield caches["pages"]
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def reviewer(django_user_model):
    return django_user_model.objects.get(username="reviewer")


@pytest.fixture
def researcher(django_user_model):
    return django_user_model.objects.get(username="researcher")
