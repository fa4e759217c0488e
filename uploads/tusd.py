"""How the archive runs tusd and tidies up after it: the command line (file store under
var/, or the S3 store under uploads/ in the media bucket), the hooks' shared secret, and
the removal of uploads left unfinished for longer than UPLOADS_EXPIRE_HOURS."""

import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.crypto import salted_hmac

from uploads.models import Upload, UploadState

ROOT = Path(__file__).resolve().parent.parent
ENSURE_TUSD = ROOT / "scripts" / "ensure-tusd"
S3_PREFIX = "uploads/"


def hooks_secret() -> str:
    """UPLOADS_HOOKS_SECRET, or one derived from SECRET_KEY so that a single machine needs
    no extra setting."""
    return settings.UPLOADS_HOOKS_SECRET or salted_hmac("uploads.hooks", settings.SECRET_KEY).hexdigest()


def tusd_binary() -> str:
    built = subprocess.run([str(ENSURE_TUSD)], capture_output=True, text=True, check=True)
    return built.stdout.strip().splitlines()[-1]


def tusd_command(binary: str) -> tuple[list[str], dict[str, str]]:
    """tusd's arguments and the environment variables it reads (S3 credentials)."""
    host, _, port = settings.UPLOADS_TUSD_LISTEN.rpartition(":")
    base_path = urlsplit(settings.UPLOADS_TUSD_URL).path or "/files/"
    arguments = [
        binary,
        f"-host={host or '127.0.0.1'}",
        f"-port={port}",
        f"-base-path={base_path}",
        f"-hooks-http={settings.UPLOADS_HOOKS_URL}?secret={hooks_secret()}",
        "-hooks-enabled-events=pre-create,pre-finish",
        # The pre-finish hook checks and stores the whole file before tusd answers the last PATCH.
        "-hooks-http-timeout=30m",
        "-hooks-http-retry=0",
        f"-max-size={max_upload_bytes()}",
        # Unfinished uploads are never readable back, and only the expiry removes them.
        "-disable-download",
        "-disable-termination",
        "-disable-concatenation",
        f"-cors-allow-origin={cors_origin_pattern()}",
        "-cors-expose-headers=Upload-Result-Url",
        "-expose-metrics=false",
        "-show-greeting=false",
        "-show-startup-logs=false",
    ]
    if not urlsplit(settings.UPLOADS_TUSD_URL).netloc:
        # Served under the archive's own origin by a proxy: upload addresses follow X-Forwarded-*.
        arguments.append("-behind-proxy")
    environment: dict[str, str] = {}
    if settings.AWS_STORAGE_BUCKET_NAME:
        options = settings.STORAGES["default"].get("OPTIONS", {})
        arguments += [f"-s3-bucket={settings.AWS_STORAGE_BUCKET_NAME}", f"-s3-object-prefix={S3_PREFIX}"]
        if options.get("endpoint_url"):
            arguments.append(f"-s3-endpoint={options['endpoint_url']}")
        # tusd reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment, as boto3 does.
        environment = {"AWS_REGION": options.get("region_name") or os.environ.get("AWS_REGION") or "us-east-1"}
    else:
        Path(settings.UPLOADS_DIR).mkdir(parents=True, exist_ok=True)
        arguments.append(f"-upload-dir={settings.UPLOADS_DIR}")
    return arguments, environment


def max_upload_bytes() -> int:
    from uploads.kinds import KINDS

    return max(kind.max_bytes for kind in KINDS.values())


def cors_origin_pattern() -> str:
    """Only the archive's own origin may use tusd from a browser (it runs on its own port)."""
    origin = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    return "^" + f"{origin.scheme}://{origin.netloc}".replace(".", r"\.") + "$"


def expire_uploads() -> int:
    """Remove the bytes of uploads left unfinished for longer than UPLOADS_EXPIRE_HOURS; how many."""
    cutoff = timezone.now() - timedelta(hours=settings.UPLOADS_EXPIRE_HOURS)
    stale = Upload.objects.filter(state=UploadState.RECEIVING, created_at__lt=cutoff)
    count = 0
    for upload in stale:
        remove_stored(upload.object_id)
        Upload.objects.filter(pk=upload.pk).update(state=UploadState.EXPIRED, finished_at=timezone.now())
        count += 1
    return count


def remove_stored(object_id: str) -> None:
    if settings.AWS_STORAGE_BUCKET_NAME:
        client = default_storage.connection.meta.client
        bucket, key = settings.AWS_STORAGE_BUCKET_NAME, f"{S3_PREFIX}{object_id}"
        listing = client.list_multipart_uploads(Bucket=bucket, Prefix=key)
        for multipart in listing.get("Uploads", []):
            client.abort_multipart_upload(Bucket=bucket, Key=multipart["Key"], UploadId=multipart["UploadId"])
        for stored in client.list_objects_v2(Bucket=bucket, Prefix=key).get("Contents", []):
            client.delete_object(Bucket=bucket, Key=stored["Key"])
        return
    folder = Path(settings.UPLOADS_DIR)
    for path in (folder / object_id, folder / f"{object_id}.info", folder / f"{object_id}.lock"):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
