"""Putting a job run's renditions into the file store and making them the asset's
renditions in one transaction. A run writes into a folder of its own, so a run that dies
half-way leaves files nobody points to, never a half-replaced set."""

import logging
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from media_pipeline.failures import MediaRejectedError
from media_pipeline.models import MediaAsset, MediaStatus, Rendition
from media_pipeline.renditions import Output
from media_pipeline.stored_names import run_folder as run_folder_name
from page_cache.generation import forget_cached_pages

logger = logging.getLogger(__name__)
Result = TypeVar("Result")


def transient_storage_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [ConnectionError, TimeoutError]
    try:
        from botocore.exceptions import ClientError, EndpointConnectionError
        from botocore.exceptions import ConnectionError as BotoConnectionError

        errors += [BotoConnectionError, EndpointConnectionError, ClientError]
    except ImportError:
        pass
    return tuple(errors)


def with_retries(action: Callable[[], Result], *, description: str) -> Result:
    """Run a storage call, retrying transient failures with exponential backoff."""
    attempts = settings.MEDIA_STORAGE_RETRIES
    for attempt in range(1, attempts + 1):
        try:
            return action()
        except transient_storage_errors() as error:
            if attempt == attempts or not _transient(error):
                raise MediaRejectedError("storage_unavailable") from error
            delay = settings.MEDIA_STORAGE_RETRY_DELAY_SECONDS * 2 ** (attempt - 1)
            logger.warning("%s failed (%s); retrying in %.1f s", description, error, delay)
            time.sleep(delay)
    raise AssertionError("unreachable")


def _transient(error: BaseException) -> bool:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        code = response.get("Error", {}).get("Code", "")
        return status >= 500 or status == 429 or code in {"SlowDown", "RequestTimeout", "InternalError"}
    return True


def run_folder(asset: MediaAsset, attempt: str) -> str:
    return run_folder_name(asset.pk, attempt)


def upload_folder(local_dir: Path, folder: str) -> dict[Path, str]:
    """Save every file under `local_dir` below `folder` in the store; returns local path →
    stored name. Names are kept exactly, since playlists refer to each other by name."""
    stored = {}
    for path in sorted(local_dir.rglob("*")):
        if not path.is_file():
            continue
        name = f"{folder}/{path.relative_to(local_dir).as_posix()}"

        # Each run writes into a folder of its own, so no name is taken already.
        def save(path=path, name=name) -> str:
            with path.open("rb") as handle:
                return default_storage.save(name, File(handle, name=path.name))

        stored[path] = with_retries(save, description=f"Saving {name}")
    return stored


def delete_folder(folder: str) -> None:
    """Remove a run's folder from the store; best effort, it is referenced by nothing."""
    try:
        directories, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError, OSError):
        return
    for file_name in files:
        try:
            default_storage.delete(f"{folder}/{file_name}")
        except OSError:
            logger.warning("Could not delete %s/%s", folder, file_name)
    for directory in directories:
        delete_folder(f"{folder}/{directory}")
    try:
        path = default_storage.path(folder)
    except NotImplementedError:
        return
    try:
        Path(path).rmdir()
    except OSError:
        pass


def publish(asset: MediaAsset, attempt: str, outputs: Iterable[Output], stored: dict[Path, str]) -> bool:
    """Replace the asset's renditions with this run's, unless another run owns the asset
    now. Returns False (publishing nothing) in that case."""
    folder = run_folder(asset, attempt)
    with transaction.atomic():
        current = MediaAsset.objects.select_for_update().filter(pk=asset.pk, attempt=attempt).first()
        if current is None:
            return False
        previous_folders = set(current.renditions.values_list("folder", flat=True))
        current.renditions.all().delete()
        Rendition.objects.bulk_create(
            Rendition(
                asset=current,
                role=output.role,
                name=output.name,
                file=stored[output.path],
                folder=folder,
                mime_type=output.mime_type,
                width=output.width,
                height=output.height,
                duration=output.duration,
                size_bytes=output.path.stat().st_size,
            )
            for output in outputs
        )
        MediaAsset.objects.filter(pk=asset.pk).update(
            status=MediaStatus.READY,
            progress=100,
            failure_code="",
            failure_params={},
            processed_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
        for old_folder in previous_folders - {folder}:
            transaction.on_commit(lambda old_folder=old_folder: delete_folder(old_folder))
        # The renditions and status above are written without signals; pages now play the new ones.
        forget_cached_pages()
    return True
