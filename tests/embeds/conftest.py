import pytest

from django.core.cache import caches

from wagtail.models import Locale

from heritage.access import AccessLevel
from heritage.models import EntryPage


@pytest.fixture(autouse=True)
def _forget_cached_renditions():
    """Wagtail caches image renditions; one cached by a rolled-back test must not outlive its row."""
    yield
    for cache in caches.all():
        cache.clear()


def entry_with(kind: str | None, level: str = AccessLevel.PUBLIC, language: str = "vi") -> EntryPage:
    """The first live entry at this access level whose first recording is `kind` (None: no recording)."""
    entries = EntryPage.objects.live().filter(access_level=level, locale__language_code=language).order_by("pk")
    for entry in entries.specific():
        blocks = entry.audio_video_blocks
        if (kind is None and not blocks) or (blocks and blocks[0].value["media"].type == kind):
            return entry
    raise AssertionError(f"The demo content has no {level} entry with {kind}")


def english_of(entry: EntryPage) -> EntryPage:
    return entry.get_translation(Locale.objects.get(language_code="en")).specific


@pytest.fixture
def video_entry(db):
    return entry_with("video")


@pytest.fixture
def audio_entry(db):
    return entry_with("audio")


@pytest.fixture
def entry_without_media(db):
    return entry_with(None)


@pytest.fixture(params=[AccessLevel.RESTRICTED, AccessLevel.RESEARCHERS])
def hidden_entry(db, request):
    return entry_with("audio", level=request.param)


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.get(username="officer")
