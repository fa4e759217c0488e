from datetime import timedelta

import pytest

from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from access_requests.models import AccessGrant
from heritage.access import OFFICERS, RESEARCHERS, AccessLevel
from heritage.models import EntryPage


@pytest.fixture(autouse=True)
def _forget_cached_renditions_and_mail():
    mail.outbox.clear()
    yield
    for cache in caches.all():
        cache.clear()


def entry_at(level: str, language: str = "vi") -> EntryPage:
    return EntryPage.objects.get(access_level=level, locale__language_code=language).specific


@pytest.fixture
def on_request_entry(db):
    return entry_at(AccessLevel.ON_REQUEST)


@pytest.fixture
def on_request_entry_en(db):
    return entry_at(AccessLevel.ON_REQUEST, "en")


@pytest.fixture
def restricted_entry(db):
    return entry_at(AccessLevel.RESTRICTED)


@pytest.fixture
def researchers_entry(db):
    return entry_at(AccessLevel.RESEARCHERS)


@pytest.fixture
def users(django_user_model):
    """The demo's officer, reviewer and admin; a researcher and a signed-in visitor of their
    own (no grants: the demo's researcher holds one), and Administrators' `quantri`."""
    found = {name: django_user_model.objects.get(username=name) for name in ("officer", "reviewer", "admin")}
    found["researcher"] = django_user_model.objects.create_user("nghien.cuu", "nghien.cuu@example.org")
    found["researcher"].groups.add(Group.objects.get(name=RESEARCHERS))
    found["visitor"] = django_user_model.objects.create_user("khach", "khach@example.org", first_name="Hà")
    found["other"] = django_user_model.objects.create_user("nguoi.khac", "nguoi.khac@example.org")
    found["quantri"] = django_user_model.objects.create_user("quantri", "quantri@example.org")
    found["quantri"].groups.add(Group.objects.get(name="Administrators"))
    found["second_officer"] = django_user_model.objects.create_user("can.bo", "can.bo@example.org")
    found["second_officer"].groups.add(Group.objects.get(name=OFFICERS))
    return found


def signed_in(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def grant_to(user, entry, days: int = 30, officer=None) -> AccessGrant:
    return AccessGrant.objects.create(
        user=user, entry=entry, ends_on=timezone.localdate() + timedelta(days=days), granted_by=officer
    )


def read(response) -> bytes:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


def file_urls(entry: EntryPage) -> list[str]:
    """Every file of the entry's media section a player or a download would fetch."""
    urls = []
    for block in entry.media:
        if block.block_type == "audio_video" and block.value["media"] is not None:
            media = block.value["media"]
            urls += [media.file.url, *(source["src"] for source in media.sources)]
            urls += [track.url for track in media.captions.all()]
            urls += [rendition.url for rendition in (media.download, media.waveform) if rendition is not None]
        elif block.block_type == "image":
            urls.append(block.value["image"].file.url)
        elif block.block_type == "document":
            urls.append(block.value["document"].url)
    assert urls and all(url.startswith("/files/") or url.startswith("/documents/") for url in urls), urls
    return urls
