"""The background job that turns an upload into renditions, and recovery of jobs whose
worker died. Jobs run on the "media" task backend: the database worker on one machine,
Redis workers at scale."""

import hashlib
import logging
import os
import shutil
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from django_tasks import task

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from media_pipeline import intake
from media_pipeline.failures import MediaRejectedError
from media_pipeline.models import MediaAsset, MediaStatus
from media_pipeline.publishing import delete_folder, publish, run_folder, upload_folder, with_retries
from media_pipeline.renditions import make_renditions

logger = logging.getLogger(__name__)
TEMPORARY_PREFIX = "heritage-media-"
CHUNK_SIZE = 1024 * 1024


def enqueue_processing(asset: MediaAsset) -> None:
    """Queue the asset once the current transaction has committed."""
    asset_id = asset.pk
    transaction.on_commit(lambda: prepare_media.enqueue(asset_id))


@task(backend="media", queue_name="media")
def prepare_media(asset_id: int) -> str:
    """Check the original, make its renditions and publish them. Safe to run again: a
    re-run replaces the renditions as a whole."""
    return process(asset_id)


def process(asset_id: int) -> str:
    asset = MediaAsset.objects.filter(pk=asset_id).first()
    if asset is None:
        return "gone"
    attempt = uuid.uuid4().hex
    claimed = MediaAsset.objects.filter(pk=asset_id).update(
        status=MediaStatus.PROCESSING,
        progress=0,
        attempt=attempt,
        heartbeat_at=timezone.now(),
        failure_code="",
        failure_params={},
    )
    if not claimed:
        return "gone"
    reporter = _ProgressReporter(asset_id, attempt)
    folder = run_folder(asset, attempt)
    try:
        with tempfile.TemporaryDirectory(prefix=f"{TEMPORARY_PREFIX}{os.getpid()}-") as work:
            work_dir = Path(work)
            original = work_dir / f"original.{intake.extension_of(asset.file.name) or 'bin'}"
            digest, size = _fetch_original(asset, original)
            _check_fixity(asset, digest, size)
            probe = intake.inspect_original(original, asset.file.name, intake.Limits.from_settings())
            media_type = _record_probe(asset, attempt, probe)
            output_dir = work_dir / "output"
            output_dir.mkdir()
            outputs = make_renditions(original, probe, media_type, output_dir, reporter)
            stored = upload_folder(output_dir, folder)
            if not publish(asset, attempt, outputs, stored):
                delete_folder(folder)
                return "superseded"
    except MediaRejectedError as rejection:
        delete_folder(folder)
        _fail(asset_id, attempt, rejection.code, rejection.params)
        logger.info("Media %s refused: %s %s", asset_id, rejection.code, rejection.params)
        return f"failed: {rejection.code}"
    except Exception:
        delete_folder(folder)
        _fail(asset_id, attempt, "internal", {})
        logger.exception("Preparing media %s failed", asset_id)
        raise
    return "ready"


class _ProgressReporter:
    """Writes progress and a heartbeat to the asset, at most once a second."""

    def __init__(self, asset_id: int, attempt: str) -> None:
        self.asset_id, self.attempt, self.last = asset_id, attempt, 0.0

    def __call__(self, fraction: float) -> None:
        now = time.monotonic()
        if now - self.last < 1 and fraction < 1:
            return
        self.last = now
        MediaAsset.objects.filter(pk=self.asset_id, attempt=self.attempt).update(
            progress=min(99, int(fraction * 100)), heartbeat_at=timezone.now()
        )


def _fetch_original(asset: MediaAsset, destination: Path) -> tuple[str, int]:
    """Copy the original out of the store (it may be on S3) and hash it on the way."""

    def copy() -> tuple[str, int]:
        digest, size = hashlib.sha256(), 0
        with asset.file.storage.open(asset.file.name, "rb") as source, destination.open("wb") as target:
            while chunk := source.read(CHUNK_SIZE):
                digest.update(chunk)
                size += len(chunk)
                target.write(chunk)
        return digest.hexdigest(), size

    return with_retries(copy, description=f"Reading {asset.file.name}")


def _check_fixity(asset: MediaAsset, digest: str, size: int) -> None:
    if asset.sha256 and asset.sha256 != digest:
        raise MediaRejectedError("fixity_mismatch")
    MediaAsset.objects.filter(pk=asset.pk).update(sha256=digest, size_bytes=size)


def _record_probe(asset: MediaAsset, attempt: str, probe) -> str:
    """Store what the probe found, the asset's type included; returns that type."""
    media_type = intake.media_type_of(probe)
    fields = {"technical_metadata": probe.as_metadata(), "duration": probe.duration, "type": media_type}
    if media_type == "video":
        picture = probe.video_streams[0]
        size = (picture.width, picture.height)
        fields["width"], fields["height"] = size[::-1] if abs(picture.rotation) % 180 == 90 else size
    else:
        fields["width"] = fields["height"] = None
    MediaAsset.objects.filter(pk=asset.pk, attempt=attempt).update(**fields)
    return media_type


def _fail(asset_id: int, attempt: str, code: str, params: dict) -> None:
    MediaAsset.objects.filter(pk=asset_id, attempt=attempt).update(
        status=MediaStatus.FAILED, failure_code=code, failure_params=params, heartbeat_at=timezone.now()
    )


def retry(asset: MediaAsset) -> None:
    MediaAsset.objects.filter(pk=asset.pk).update(
        status=MediaStatus.QUEUED, progress=0, failure_code="", failure_params={}
    )
    enqueue_processing(asset)


def recover_interrupted_jobs() -> list[int]:
    """Requeue assets whose job stopped sending heartbeats (its worker died), after removing
    what that run had uploaded, and delete temporary folders of dead workers."""
    stale_before = timezone.now() - timedelta(seconds=settings.MEDIA_STALE_JOB_SECONDS)
    requeued = []
    for asset in MediaAsset.objects.filter(status=MediaStatus.PROCESSING, heartbeat_at__lt=stale_before):
        if asset.attempt:
            delete_folder(run_folder(asset, asset.attempt.hex))
        if MediaAsset.objects.filter(pk=asset.pk, attempt=asset.attempt, status=MediaStatus.PROCESSING).update(
            status=MediaStatus.QUEUED, progress=0
        ):
            enqueue_processing(asset)
            requeued.append(asset.pk)
    _remove_orphaned_temporary_folders()
    return requeued


def _remove_orphaned_temporary_folders() -> None:
    for folder in Path(tempfile.gettempdir()).glob(f"{TEMPORARY_PREFIX}*"):
        pid = folder.name.removeprefix(TEMPORARY_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    """Whether the process runs; a zombie (killed, not yet reaped by its parent) does not."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")
