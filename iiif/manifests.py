"""IIIF Presentation 3 manifests of entries that everyone may see and hear: one Canvas
per ready public recording, built and validated by iiif-prezi3's models. The recordings
are those an embed offers (embeds/items.py), so a manifest never shows what the public
page or an embed would not: an entry on request, for researchers, restricted, embargoed,
withdrawn by consent or unpublished has none."""

import uuid

from iiif_prezi3 import (
    Annotation,
    AnnotationBody,
    AnnotationPage,
    Canvas,
    Choice,
    Homepage,
    KeyValueString,
    Manifest,
)

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from wagtail.models import Page

from embeds.items import EmbedItem, embed_items, entry_for_embedding
from heritage.access import AccessLevel, entry_level, page_visible_to, visible_to
from heritage.addresses import absolute_url
from heritage.models import EntryPage

CONTEXT = "http://iiif.io/api/presentation/3/context.json"
CONTENT_TYPE = f'application/ld+json;profile="{CONTEXT}"'
ARCHIVE_LANGUAGES = [code for code, _name in settings.LANGUAGES]
LanguageMap = dict[str, list[str]]


def manifest_url(key: uuid.UUID) -> str:
    return absolute_url(reverse("iiif-manifest", args=[key]))


def in_each_language(text) -> LanguageMap:
    """A translatable string as a IIIF language map of the archive's languages."""
    labels = {}
    for code in ARCHIVE_LANGUAGES:
        with translation.override(code):
            labels[code] = [str(text)]
    return labels


def _by_language(translations: list[EntryPage], value) -> LanguageMap:
    return {page.locale.language_code: [value(page)] for page in translations if value(page)}


def public_translations(key: uuid.UUID) -> list[EntryPage]:
    """The entry's live translations that everyone may read, first written first."""
    pages = visible_to(EntryPage.objects.filter(translation_key=key), AnonymousUser())
    return list(pages.select_related("locale").order_by("pk").specific())


def has_manifest(page: Page) -> bool:
    """Whether the entry of this translation has a manifest (see `manifest_for`). Asked of
    an entry page instance itself, so that the entry page being served reuses its access
    checks and its loaded recordings; any other page (the API lists every kind) is looked
    up as the manifest is."""
    if not isinstance(page, EntryPage):
        found = entry_for_embedding(page.translation_key)
        return found is not None and bool(embed_items(found))
    if not page.live or entry_level(page) != AccessLevel.PUBLIC:
        return False
    return page_visible_to(AnonymousUser(), page) and bool(embed_items(page))


def manifest_for(key: uuid.UUID) -> Manifest | None:
    """The entry's manifest, or None when it is missing, not public to everyone, or has
    no ready recording that everyone may play."""
    entry = entry_for_embedding(key)
    if entry is None:
        return None
    items = embed_items(entry)
    if not items:
        return None
    translations = public_translations(key)
    url = manifest_url(key)
    manifest = Manifest(
        id=url,
        label=_by_language(translations, lambda page: page.title),
        summary=_by_language(translations, lambda page: page.summary),
        metadata=_metadata(entry),
        requiredStatement=KeyValueString(
            label=in_each_language(_("Attribution")),
            value={"none": [f"{entry.attribution} · {entry.get_licence_display()}"]},
        ),
        homepage=[_homepage(page) for page in translations],
        items=[_canvas(url, item) for item in items],
    )
    if entry.licence_url:
        manifest.rights = entry.licence_url
    thumbnail = _thumbnail(items[0])
    if thumbnail:
        manifest.thumbnail = thumbnail
    return manifest


def _homepage(page: EntryPage) -> Homepage:
    code = page.locale.language_code
    return Homepage(
        id=absolute_url(page.url), type="Text", label={code: [page.title]}, format="text/html", language=[code]
    )


def _metadata(entry: EntryPage) -> list[KeyValueString]:
    """Ethnic groups, places and the recording date, named in each language."""
    rows = []
    groups = list(entry.ethnic_groups.all())
    if groups:
        rows.append(
            KeyValueString(
                label=in_each_language(_("Ethnic groups")),
                value={"vi": [", ".join(g.name_vi for g in groups)], "en": [", ".join(g.name_en for g in groups)]},
            )
        )
    places = [entry_place.place for entry_place in entry.ordered_places]
    if places:
        rows.append(
            KeyValueString(
                label=in_each_language(_("Places")),
                value={"vi": ["; ".join(p.name_vi for p in places)], "en": ["; ".join(p.name_en for p in places)]},
            )
        )
    if entry.documented_on:
        rows.append(
            KeyValueString(
                label=in_each_language(_("Recorded or documented on")),
                value={"none": [entry.documented_on.isoformat()]},
            )
        )
    return rows


def _canvas(manifest_id: str, item: EmbedItem) -> Canvas:
    """One recording: its renditions as a choice of painting bodies (streaming first, the
    progressive file for players and networks without HLS), its caption tracks as
    supplementing annotations, its poster as thumbnail."""
    media = item.media
    canvas_id = manifest_id.removesuffix("manifest.json") + f"canvas/{media.pk}"
    video = media.download if item.is_video else None
    duration = _duration(item)
    size = {"width": video.width, "height": video.height} if video and video.width and video.height else {}
    bodies = [
        AnnotationBody(
            id=absolute_url(rendition.url),
            type="Video" if item.is_video else "Sound",
            format=rendition.mime_type,
            duration=rendition.duration or duration,
            **({"width": rendition.width, "height": rendition.height} if rendition.width and rendition.height else {}),
        )
        for rendition in (media.stream, media.download)
        if rendition is not None
    ]
    painting = Annotation(
        id=f"{canvas_id}/painting",
        motivation="painting",
        body=Choice(items=bodies) if len(bodies) > 1 else bodies[0],
        target=canvas_id,
    )
    canvas = Canvas(
        id=canvas_id,
        label={"none": [item.caption or item.title]},
        duration=duration,
        items=[AnnotationPage(id=f"{canvas_id}/page", items=[painting])],
        **size,
    )
    if item.captions:
        canvas.annotations = [
            AnnotationPage(
                id=f"{canvas_id}/captions",
                items=[
                    Annotation(
                        id=f"{canvas_id}/captions/{track.pk}",
                        motivation="supplementing",
                        body=AnnotationBody(
                            id=absolute_url(track.url),
                            type="Text",
                            format="text/vtt",
                            language=track.language,
                            label={track.language: [track.label]},
                        ),
                        target=canvas_id,
                    )
                    for track in item.captions
                ],
            )
        ]
    thumbnail = _thumbnail(item)
    if thumbnail:
        canvas.thumbnail = thumbnail
    return canvas


def _duration(item: EmbedItem) -> float:
    renditions = [item.media.stream, item.media.download]
    known = [rendition.duration for rendition in renditions if rendition is not None and rendition.duration]
    return known[0] if known else float(item.media.duration or 0)


def _thumbnail(item: EmbedItem) -> list[AnnotationBody]:
    """The recording's poster (a video), or the entry's picture (audio)."""
    pictures = item.thumbnails()[:1]
    return [
        AnnotationBody(
            id=absolute_url(picture.url), type="Image", format="image/jpeg", width=picture.width, height=picture.height
        )
        for picture in pictures
    ]
