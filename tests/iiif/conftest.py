import pytest

from django.core.cache import caches


@pytest.fixture(autouse=True)
def _forget_cached_renditions():
    """Wagtail caches image renditions; one cached by a rolled-back test must not outlive its row."""
    yield
    for cache in caches.all():
        cache.clear()
