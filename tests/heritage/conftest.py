import pytest

from django.core.cache import caches

from heritage.access import AccessLevel
from heritage.models import EntryPage


@pytest.fixture(autouse=True)
def _forget_cached_renditions():
    """Wagtail caches renditions; a rendition cached by a test whose database changes were
    rolled back would otherwise outlive its database row."""
    yield
    for cache in caches.all():
        cache.clear()


def _entry(level, language):
    return EntryPage.objects.get(access_level=level, locale__language_code=language).specific


@pytest.fixture
def restricted_entry(db):
    return _entry(AccessLevel.RESTRICTED, "vi")


@pytest.fixture
def restricted_entry_en(db):
    return _entry(AccessLevel.RESTRICTED, "en")


@pytest.fixture
def researchers_entry(db):
    return _entry(AccessLevel.RESEARCHERS, "vi")


@pytest.fixture
def researchers_entry_en(db):
    return _entry(AccessLevel.RESEARCHERS, "en")


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.get(username="officer")


@pytest.fixture
def reviewer(django_user_model):
    return django_user_model.objects.get(username="reviewer")


@pytest.fixture
def researcher(django_user_model):
    return django_user_model.objects.get(username="researcher")
