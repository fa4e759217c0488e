"""What other sites may embed: the ready audio and video of entries that everyone may see,
with the address, frame size and code of each embed."""

import math
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import ngettext

from heritage.access import AccessLevel, entry_level, page_visible_to, visible_to
from heritage.addresses import absolute_url
from heritage.models import EntryPage, EthnicGroupIndexPage, SensitivityNotice
from heritage.notices import recording_notices
from media_pipeline.models import CaptionTrack, MediaAsset, archive_url

DEFAULT_WIDTH = 640
CREDIT_HEIGHT = 40  # the credit line under a video
AUDIO_HEIGHT = 220  # title, player, two lines of the current caption and the credit line
TRANSCRIPT_HEIGHT = 160
# Sizes of the entry image offered as an audio recording's thumbnail, largest first.
AUDIO_THUMBNAIL_SPECS = ("fill-640x360|format-jpeg|jpegquality-80", "fill-320x180|format-jpeg|jpegquality-80")


@dataclass(frozen=True)
class Picture:
    url: str
    width: int
    height: int


@dataclass
class EmbedItem:
    """One ready recording of an entry, as an embed shows it in the entry's language."""

    entry: EntryPage
    media: MediaAsset
    caption: str
    transcript: str
    # The entry's first recording has the entry's own embed address; the others add their id.
    primary: bool
    several: bool
    # The codes of the notices chosen for this recording alone (the entry's apply too).
    own_notices: tuple[str, ...] = ()

    @cached_property
    def notices(self) -> list[SensitivityNotice]:
        """The sensitivity notices shown before the recording plays."""
        return recording_notices(self.entry, {"notices": self.own_notices, "media": self.media})

    @property
    def is_video(self) -> bool:
        return self.media.type == "video"

    @property
    def title(self) -> str:
        if self.several and self.caption and self.caption != self.entry.title:
            return f"{self.entry.title} – {self.caption}"
        return self.entry.title

    def path(self, **params) -> str:
        """The embed's path with its query (`lang`, `t`, `captions`, `transcript`); empty values are left out."""
        key = self.entry.translation_key
        url = reverse("embed", args=[key]) if self.primary else reverse("embed-item", args=[key, self.media.pk])
        query = urlencode({name: value for name, value in params.items() if value is not None and value != ""})
        return f"{url}?{query}" if query else url

    def url(self, **params) -> str:
        return absolute_url(self.path(**params))

    @cached_property
    def captions(self) -> list[CaptionTrack]:
        return list(self.media.captions.all())

    @cached_property
    def groups(self) -> list:
        return list(self.entry.ethnic_groups.all())

    @property
    def community(self) -> str:
        """ "Tày community", "Hmông, Nùng communities": who the recording belongs to."""
        if not self.groups:
            return ""
        names = ", ".join(group.name for group in self.groups)
        return ngettext("%(groups)s community", "%(groups)s communities", len(self.groups)) % {"groups": names}

    @property
    def community_url(self) -> str:
        """The page of the entry's first ethnic group, else the entry's permalink."""
        index = EthnicGroupIndexPage.objects.live().filter(locale_id=self.entry.locale_id).first()
        if self.groups and index is not None and index.full_url:
            return index.full_url + index.group_path(self.groups[0])
        return self.entry.get_permalink()

    def natural_size(self, transcript: bool = False) -> tuple[int, int]:
        if self.is_video:
            video = self.media.download
            source_width = (video and video.width) or self.media.width or 16
            source_height = (video and video.height) or self.media.height or 9
            width = min(DEFAULT_WIDTH, source_width)
            height = round(width * source_height / source_width) + CREDIT_HEIGHT
        else:
            width, height = DEFAULT_WIDTH, AUDIO_HEIGHT
        return width, height + (TRANSCRIPT_HEIGHT if transcript else 0)

    def frame_size(
        self, maxwidth: int | None = None, maxheight: int | None = None, transcript: bool = False
    ) -> tuple[int, int]:
        """The iframe's size within the limits: a video frame shrinks keeping its shape, an
        audio frame gets narrower or shorter independently."""
        width, height = self.natural_size(transcript)
        if self.is_video:
            scale = min(1, (maxwidth or width) / width, (maxheight or height) / height)
            return max(1, math.floor(width * scale)), max(1, math.floor(height * scale))
        return min(width, maxwidth or width), min(height, maxheight or height)

    def code(
        self, maxwidth: int | None = None, maxheight: int | None = None, transcript: bool = False, **params
    ) -> SafeString:
        """A responsive iframe: as wide as the page allows up to its width, keeping a video's
        shape. Platforms that strip the style attribute still get a fixed-size frame."""
        width, height = self.frame_size(maxwidth, maxheight, transcript)
        shape = f"aspect-ratio:{width}/{height};height:auto" if self.is_video else f"height:{height}px"
        return format_html(
            '<iframe src="{}" title="{}" width="{}" height="{}" style="border:0;width:100%;max-width:{}px;{}"'
            ' allow="fullscreen; picture-in-picture" allowfullscreen loading="lazy"></iframe>',
            self.url(transcript="1" if transcript else None, **params),
            self.title,
            width,
            height,
            width,
            shape,
        )

    def thumbnails(self) -> list[Picture]:
        """Pictures of the recording, largest first: the video's poster and its smaller
        copies, or the entry's first image for audio."""
        if self.is_video:
            renditions = [self.media.poster, self.media.rendition("thumbnail", "medium")]
            renditions.append(self.media.rendition("thumbnail", "small"))
            pictures = [Picture(r.url, r.width, r.height) for r in renditions if r and r.width and r.height]
        else:
            image = self.entry.first_image
            pictures = []
            for spec in AUDIO_THUMBNAIL_SPECS if image is not None else ():
                try:
                    rendition = image.get_rendition(spec)
                except Exception:  # noqa: BLE001 - a missing original must not break the embed
                    break
                # Through the archive, not a short-lived signed storage URL: oEmbed answers are cached.
                pictures.append(Picture(archive_url(rendition.file.name), rendition.width, rendition.height))
        return sorted(pictures, key=lambda picture: picture.width, reverse=True)

    def thumbnail(self, maxwidth: int | None = None, maxheight: int | None = None) -> Picture | None:
        """The largest picture within the limits, which oEmbed says thumbnails must respect."""
        for picture in self.thumbnails():
            if picture.width <= (maxwidth or picture.width) and picture.height <= (maxheight or picture.height):
                return picture
        return None


def entry_for_embedding(key: uuid.UUID, language: str | None = None) -> EntryPage | None:
    """The entry's live translation in `language`, else the one written first, when everyone
    may see the entry; None when it is missing, unpublished or not public."""
    translations = visible_to(EntryPage.objects.filter(translation_key=key), AnonymousUser())
    translations = list(translations.select_related("locale").order_by("pk").specific())
    if not translations or entry_level(translations[0]) != AccessLevel.PUBLIC:
        return None
    return next((page for page in translations if page.locale.language_code == language), translations[0])


def embed_items(entry: EntryPage) -> list[EmbedItem]:
    """The entry's recordings that are ready to play and open to everyone, in the entry's
    order; a recording stricter than its page is a "not available" slot, never embedded."""
    blocks = entry.audio_video_blocks
    items = []
    for position, block in enumerate(blocks):
        media = block.value["media"]
        if media is not None and media.is_ready and media.access_level == AccessLevel.PUBLIC:
            items.append(
                EmbedItem(
                    entry=entry,
                    media=media,
                    caption=block.value["caption"] or media.title,
                    transcript=block.value["transcript"],
                    primary=position == 0,
                    several=len(blocks) > 1,
                    own_notices=tuple(block.value.get("notices") or ()),
                )
            )
    return items


def find_item(entry: EntryPage, media_id: int | None = None) -> EmbedItem | None:
    """The entry's first recording, or the one with this media id."""
    for item in embed_items(entry):
        if (media_id is None and item.primary) or item.media.pk == media_id:
            return item
    return None


def embeddable_items(page: EntryPage) -> list[EmbedItem]:
    """What this live translation offers to other sites: nothing unless everyone may see it."""
    if entry_level(page) != AccessLevel.PUBLIC:
        return []
    if not page_visible_to(AnonymousUser(), page):
        return []
    return embed_items(page)


def start_time(value: str | None) -> float | None:
    """`?t=` in seconds (42 or 42.5); anything else is ignored."""
    try:
        seconds = float(value or "")
    except ValueError:
        return None
    return seconds if 0 < seconds < 24 * 3600 else None
