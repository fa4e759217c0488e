"""A finished upload becomes an item: its bytes are checked against the checksum the
browser announced, then handed to the same admin form as the upload page without
JavaScript, so type sniffing, limits, fixity, duplicates and the media job all apply."""

import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from uploads.kinds import KINDS
from uploads.models import Upload, UploadState

# The browser hashes the file in pieces (crypto.subtle has no streaming digest): the checksum
# is the SHA-256 of the concatenated SHA-256 digests of each 8 MiB piece.
CHECKSUM_CHUNK_BYTES = 8 * 1024 * 1024
S3_PREFIX = "uploads/"


class UploadRefusedError(Exception):
    """The finished upload is not kept; the message says why, in the officer's language."""


def chunked_sha256(path: Path) -> str:
    digests = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHECKSUM_CHUNK_BYTES):
            digests.update(hashlib.sha256(chunk).digest())
    return digests.hexdigest()


class FinishedFile(UploadedFile):
    """A finished upload on local disk, passed to the forms as an upload already written to
    a temporary file (so neither Django nor Pillow reads it into memory)."""

    def __init__(self, path: Path, name: str) -> None:
        self.path = path
        super().__init__(path.open("rb"), name=name, size=path.stat().st_size)

    def temporary_file_path(self) -> str:
        return str(self.path)


@contextmanager
def local_copy(storage: dict) -> Iterator[Path]:
    """The finished bytes on local disk, wherever tusd keeps them; only tusd's own upload
    folder or prefix is read, whatever the hook event says."""
    if storage.get("Type") == "filestore":
        path = Path(str(storage.get("Path", ""))).resolve()
        if path.parent != Path(settings.UPLOADS_DIR).resolve() or not path.is_file():
            raise UploadRefusedError(_("The uploaded file could not be found."))
        yield path
        return
    key = str(storage.get("Key", ""))
    if (
        storage.get("Type") != "s3store"
        or storage.get("Bucket") != settings.AWS_STORAGE_BUCKET_NAME
        or not key.startswith(S3_PREFIX)
        or ".." in key
    ):
        raise UploadRefusedError(_("The uploaded file could not be found."))
    client = default_storage.connection.meta.client
    with tempfile.TemporaryDirectory(prefix="heritage-tus-") as folder:
        path = Path(folder) / "upload"
        with path.open("wb") as handle:
            client.download_fileobj(settings.AWS_STORAGE_BUCKET_NAME, key, handle)
        yield path


def discard(storage: dict) -> None:
    """Remove tusd's copy once the archive holds its own."""
    if storage.get("Type") == "filestore":
        folder = Path(settings.UPLOADS_DIR).resolve()
        for name in ("Path", "InfoPath"):
            path = Path(str(storage.get(name, ""))).resolve()
            if path.parent == folder:
                path.unlink(missing_ok=True)
    elif storage.get("Type") == "s3store" and str(storage.get("Key", "")).startswith(S3_PREFIX):
        client = default_storage.connection.meta.client
        for key in (storage["Key"], f"{storage['Key']}.info"):
            client.delete_object(Bucket=settings.AWS_STORAGE_BUCKET_NAME, Key=key)


def finish(upload: Upload, path: Path) -> str:
    """Make the item from the finished file at `path`; its admin address, or UploadRefusedError."""
    if chunked_sha256(path) != upload.sha256_chunks:
        raise UploadRefusedError(
            _(
                "The file arrived damaged: its checksum does not match the one computed in your browser. "
                "Nothing was saved; please upload it again."
            )
        )
    kind = KINDS[upload.kind]
    if not kind.may_add(upload.user):
        raise UploadRefusedError(_("You may no longer add this kind of file."))
    instance = kind.model(uploaded_by_user=upload.user, collection=kind.collection_for(upload.user))
    if upload.kind == "media":
        instance.type = "video"  # the content decides: the form keeps audio-only files as audio
    title = Path(upload.filename).stem or upload.filename
    data = {"title": title, "collection": str(instance.collection.pk)}
    uploaded = FinishedFile(path, upload.filename)
    try:
        form = kind.form_class(data, {"file": uploaded}, instance=instance, user=upload.user)
        if not form.is_valid():
            raise UploadRefusedError(" ".join(str(message) for errors in form.errors.values() for message in errors))
        with transaction.atomic():
            item = form.save()
    finally:
        uploaded.close()
    if upload.kind == "media":
        from wagtail.search.backends import get_search_backends

        for backend in get_search_backends():
            backend.add(item)
    url = kind.edit_url(item)
    Upload.objects.filter(pk=upload.pk).update(state=UploadState.FINISHED, result_url=url, finished_at=timezone.now())
    return url
