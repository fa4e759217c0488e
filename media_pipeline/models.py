from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtailmedia.models import AbstractMedia

from heritage.access import access_level_field, file_levels
from media_pipeline.failures import failure_message
from media_pipeline.stored_names import caption_name


def archive_url(name: str) -> str:
    """The archive's own URL for a stored file, whatever the storage: access is checked
    there, and playlists' relative names resolve against it."""
    return reverse("serve-file", kwargs={"path": name})


class MediaStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    PROCESSING = "processing", _("being prepared")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")


class MediaAsset(AbstractMedia):
    """An uploaded audio or video original, kept untouched, with what the pipeline learnt
    about it and the state of its web renditions."""

    sha256 = models.CharField(_("SHA-256 of the original"), max_length=64, blank=True, editable=False)
    size_bytes = models.PositiveBigIntegerField(_("size of the original in bytes"), null=True, editable=False)
    technical_metadata = models.JSONField(_("technical metadata"), default=dict, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=MediaStatus.choices, default=MediaStatus.QUEUED, editable=False
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, editable=False)
    failure_code = models.CharField(max_length=40, blank=True, editable=False)
    failure_params = models.JSONField(default=dict, blank=True, editable=False)
    # The job run that owns the asset now; a run that finds another here stops publishing.
    attempt = models.UUIDField(null=True, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    processed_at = models.DateTimeField(_("prepared at"), null=True, blank=True, editable=False)
    # The recording's own level: a page that uses it can make it stricter, never looser.
    access_level = access_level_field(
        _(
            "Who may play or download this recording, whatever page it is placed in. "
            "A page open to more people shows “not available” in its place."
        )
    )

    admin_form_fields = ("title", "file", "collection", "thumbnail", "tags", "access_level")

    class Meta(AbstractMedia.Meta):
        verbose_name = _("audio or video")
        verbose_name_plural = _("audio and video")

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_file_name = instance.__dict__.get("file")
        return instance

    @property
    def original_changed(self) -> bool:
        """True for a new asset and for one whose original file was replaced."""
        return self.pk is None or getattr(self, "_stored_file_name", None) != self.file.name

    def save(self, *args, **kwargs) -> None:
        self._original_changed = self.original_changed
        if self._original_changed:
            self.status, self.progress, self.failure_code, self.failure_params = MediaStatus.QUEUED, 0, "", {}
            self.sha256, self.size_bytes, self.processed_at = "", None, None
        super().save(*args, **kwargs)
        self._stored_file_name = self.file.name

    def is_open_to(self, user) -> bool:
        """Whether the recording's own access level lets `user` play it (without a grant)."""
        return self.access_level in file_levels(user)

    @property
    def is_ready(self) -> bool:
        """Playable: ready, or being prepared again (a new ladder) while the renditions of
        this same original are still published. A replaced original clears `processed_at`,
        so the old recording's renditions never play for the new one."""
        if self.status == MediaStatus.READY:
            return True
        return self.status in (MediaStatus.QUEUED, MediaStatus.PROCESSING) and self.processed_at is not None

    @property
    def failure_message(self) -> str:
        return failure_message(self.failure_code, self.failure_params) if self.failure_code else ""

    @cached_property
    def rendition_map(self) -> dict[tuple[str, str], "Rendition"]:
        return {(rendition.role, rendition.name): rendition for rendition in self.renditions.all()}

    def rendition(self, role: str, name: str | None = None) -> "Rendition | None":
        """The rendition with this role (and name, when given)."""
        for (rendition_role, rendition_name), rendition in self.rendition_map.items():
            if rendition_role == role and name in (None, rendition_name):
                return rendition
        return None

    @property
    def stream(self) -> "Rendition | None":
        return self.rendition(Rendition.Role.HLS)

    @property
    def download(self) -> "Rendition | None":
        """The progressive file for networks that block streaming."""
        return self.rendition(Rendition.Role.MP4) or self.rendition(Rendition.Role.SPEECH)

    @property
    def poster(self) -> "Rendition | None":
        return self.rendition(Rendition.Role.POSTER)

    @property
    def waveform(self) -> "Rendition | None":
        return self.rendition(Rendition.Role.WAVEFORM)

    @property
    def has_sound(self) -> bool:
        """Whether the original has an audio stream (so the video has an audio-only rung)."""
        return any(stream.get("kind") == "audio" for stream in self.technical_metadata.get("streams", []))

    @property
    def sources(self) -> list[dict]:
        """Player sources, streaming first; the original until renditions are ready."""
        if not self.is_ready:
            return []
        return [
            {"src": rendition.url, "type": rendition.mime_type}
            for rendition in (self.stream, self.download)
            if rendition is not None
        ]


class Rendition(models.Model):
    """A published web rendition. All files of one job run share a folder, so a run's output
    is published, replaced or removed as a whole."""

    class Role(models.TextChoices):
        HLS = "hls", _("HLS stream")
        MP4 = "mp4", _("progressive MP4")
        SPEECH = "speech", _("AAC audio")
        POSTER = "poster", _("poster frame")
        THUMBNAIL = "thumbnail", _("thumbnail")
        WAVEFORM = "waveform", _("waveform peaks")

    asset = models.ForeignKey(MediaAsset, on_delete=models.CASCADE, related_name="renditions")
    role = models.CharField(max_length=20, choices=Role.choices)
    name = models.CharField(max_length=40, blank=True)
    file = models.FileField(max_length=500)
    folder = models.CharField(max_length=500)
    mime_type = models.CharField(max_length=100)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration = models.FloatField(null=True, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        constraints = [models.UniqueConstraint(fields=["asset", "role", "name"], name="unique_rendition_per_role")]

    def __str__(self) -> str:
        return f"{self.asset} · {self.get_role_display()} {self.name}".strip()

    @property
    def url(self) -> str:
        return archive_url(self.file.name)


class CaptionTrack(models.Model):
    """A WebVTT file of captions or a transcript in one language for one recording. Its cues
    are kept as data for search and for the synced transcript."""

    class Kind(models.TextChoices):
        CAPTIONS = "captions", _("captions (same language as spoken)")
        SUBTITLES = "subtitles", _("subtitles (translation)")

    asset = models.ForeignKey(
        MediaAsset, on_delete=models.CASCADE, related_name="captions", verbose_name=_("audio or video")
    )
    language = models.CharField(
        _("language code"),
        max_length=20,
        help_text=_("A BCP 47 code: vi for Vietnamese, en for English, or an ISO 639-3 code such as tyz for Tày."),
    )
    label = models.CharField(_("label"), max_length=100, help_text=_("Shown in the player, e.g. “Tiếng Việt”."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CAPTIONS)
    file = models.FileField(_("WebVTT file"), upload_to=caption_name, max_length=300)
    cues = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("captions")
        verbose_name_plural = _("captions and transcripts")
        ordering = ["asset", "language"]
        constraints = [models.UniqueConstraint(fields=["asset", "language", "kind"], name="unique_track_per_language")]

    def __str__(self) -> str:
        return f"{self.asset} · {self.label}"

    @property
    def url(self) -> str:
        return archive_url(self.file.name)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from heritage.models import Language
        from media_pipeline.caption_languages import caption_language_choices
        from media_pipeline.captions import read_cues

        # Free text let "Tiếng Việt" in, and the players then left the captions off.
        if self.language not in dict(caption_language_choices(Language.objects.all())):
            raise ValidationError({"language": _("Choose one of the archive's languages.")})
        if self.file:
            self.file.open("rb")
            self.file.seek(0)
            duration = self.asset.duration if self.asset_id else None
            try:
                self.cues = read_cues(self.file.read(), duration=duration)
            except ValidationError as error:
                raise ValidationError({"file": error.messages}) from error
            finally:
                self.file.seek(0)
