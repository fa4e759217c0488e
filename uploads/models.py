"""One row per resumable upload tusd has accepted: who started it, what it is meant to
become, the checksum the browser announced, and how it ended."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UploadKind(models.TextChoices):
    MEDIA = "media", _("Audio or video")
    IMAGE = "image", _("Image")
    DOCUMENT = "document", _("Document")


class UploadState(models.TextChoices):
    RECEIVING = "receiving", _("Receiving")
    FINISHED = "finished", _("Finished")
    REFUSED = "refused", _("Refused")
    EXPIRED = "expired", _("Expired")


class Upload(models.Model):
    # The name the pre-create hook gives the upload; the S3 store adds "+<multipart id>" to it.
    object_id = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=UploadKind.choices)
    filename = models.CharField(max_length=255)
    size = models.BigIntegerField()
    sha256_chunks = models.CharField(max_length=64)
    state = models.CharField(max_length=20, choices=UploadState.choices, default=UploadState.RECEIVING)
    message = models.TextField(blank=True)
    result_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.filename} ({self.object_id})"
