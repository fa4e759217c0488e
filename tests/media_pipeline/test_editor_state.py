"""Officers see each recording's state where they choose it (the media chooser and the page
editor), and a recording whose preparation failed cannot be chosen or saved into an entry."""

import pytest

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from wagtail.models import Page

from heritage.blocks import MediaChooserBlock
from media_pipeline.models import MediaAsset, MediaStatus


@pytest.fixture
def officer_client(client, db):
    client.force_login(get_user_model().objects.get(username="officer"))
    return client


@pytest.fixture
def failed_and_ready(db) -> tuple[MediaAsset, MediaAsset]:
    failed, ready = MediaAsset.objects.order_by("pk")[:2]
    MediaAsset.objects.filter(pk=failed.pk).update(status=MediaStatus.FAILED, failure_code="unreadable")
    failed.refresh_from_db()
    assert ready.status == MediaStatus.READY
    return failed, ready


def test_the_chooser_shows_each_state_and_offers_no_link_to_a_failed_recording(officer_client, failed_and_ready):
    failed, ready = failed_and_ready
    html = officer_client.get(reverse("wagtailmedia:chooser")).json()["html"]
    assert reverse("wagtailmedia:media_chosen", args=[ready.pk]) in html
    assert reverse("wagtailmedia:media_chosen", args=[failed.pk]) not in html
    assert 'data-media-status="failed"' in html and 'data-media-status="ready"' in html


def test_an_entry_cannot_be_saved_with_a_failed_recording(failed_and_ready):
    failed, ready = failed_and_ready
    block = MediaChooserBlock()
    assert block.clean(ready) == ready
    with pytest.raises(ValidationError, match="cannot be used|không thể dùng"):
        block.clean(failed)


def test_a_recording_still_being_prepared_may_be_chosen(failed_and_ready):
    _, ready = failed_and_ready
    MediaAsset.objects.filter(pk=ready.pk).update(status=MediaStatus.PROCESSING, progress=40)
    ready.refresh_from_db()
    assert MediaChooserBlock().clean(ready) == ready


def test_the_page_editor_follows_the_state_of_chosen_recordings(officer_client):
    page = Page.objects.filter(depth__gt=2).live().first()
    html = officer_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    pattern = reverse("media_pipeline:status", args=[0])
    assert f'data-media-status-pattern="{pattern}"' in html
