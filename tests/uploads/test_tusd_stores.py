"""The real tusd in front of the archive, on its file store and on its S3 store (MinIO): a
transfer cut half way keeps what arrived, resumes from the offset tusd reports, ends in an item
the worker prepares, and leaves nothing behind in tusd's store. Uploads without a valid token
never start."""

import base64
import hashlib
import http.client
import json
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.engines.archive_project import ArchiveProject, archive_project, asset_states, migrated_database
from tests.engines.s3 import S3Server, running_s3
from tests.media_pipeline import sample_files
from uploads.finishing import chunked_sha256

START_TIMEOUT = 120
PREPARATION_TIMEOUT = 300


@pytest.fixture(scope="module")
def database_template(tmp_path_factory) -> Path:
    return migrated_database(tmp_path_factory.mktemp("template"))


def _free_ports(count: int) -> list[int]:
    with ExitStack() as stack:
        probes = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]


def _answers(port: int, path: str, method: str = "GET") -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request(method, path)
        connection.getresponse().read()
        return True
    except OSError:
        return False


@contextmanager
def running_archive(folder: Path, template: Path, s3: S3Server | None) -> Iterator[tuple[ArchiveProject, int]]:
    port, upload_port = _free_ports(2)
    project = archive_project(
        folder,
        template,
        BASE_URL=f"http://127.0.0.1:{port}",
        UPLOADS_TUSD_URL=f"http://127.0.0.1:{upload_port}/files/",
        UPLOADS_TUSD_LISTEN=f"127.0.0.1:{upload_port}",
        UPLOADS_DIR=str(folder / "tus"),
        **(s3.archive_settings() if s3 else {}),
    )
    try:
        project.start("runserver", f"127.0.0.1:{port}", "--noreload", name="web")
        project.start("run_tusd", name="tusd")
        project.start("media_worker", name="worker")
        project.wait_for(lambda: _answers(port, "/healthz"), START_TIMEOUT, f"the web server\n{project.log('web')}")
        project.wait_for(
            lambda: _answers(upload_port, "/files/", "OPTIONS"), START_TIMEOUT, f"tusd\n{project.log('tusd')}"
        )
        yield project, upload_port
    finally:
        project.stop_all()


def officer_token(project: ArchiveProject, kind: str = "media") -> str:
    return project.python(
        "from django.contrib.auth import get_user_model; from uploads.tokens import issue_token; "
        "u = get_user_model().objects.create_superuser('officer', 'officer@example.org', 'x'); "
        f"print(issue_token(u, {kind!r}))"
    )


def create(port: int, size: int, metadata: dict[str, str]) -> http.client.HTTPResponse:
    header = ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in metadata.items())
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(
        "POST", "/files/", headers={"Tus-Resumable": "1.0.0", "Upload-Length": str(size), "Upload-Metadata": header}
    )
    response = connection.getresponse()
    response.read()
    return response


def send_and_cut(port: int, path: str, data: bytes, total: int) -> None:
    """A PATCH announcing the whole rest of the file whose link drops after `data`."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as link:
        head = (
            f"PATCH {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n"
            f"Content-Type: application/offset+octet-stream\r\nContent-Length: {total}\r\n\r\n"
        )
        link.sendall(head.encode() + data)
        time.sleep(1)  # let tusd write what arrived before the link drops


def offset_held(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("HEAD", path, headers={"Tus-Resumable": "1.0.0"})
    response = connection.getresponse()
    response.read()
    assert response.status == 200, response.status
    return int(response.getheader("Upload-Offset"))


def patch(port: int, path: str, offset: int, data: bytes) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request(
        "PATCH",
        path,
        body=data,
        headers={
            "Tus-Resumable": "1.0.0",
            "Upload-Offset": str(offset),
            "Content-Type": "application/offset+octet-stream",
        },
    )
    response = connection.getresponse()
    response.body = response.read()
    return response


@pytest.mark.parametrize("store", ["file", "s3"])
def test_a_cut_upload_resumes_on_tusd_and_becomes_a_prepared_item(store, tmp_path, database_template):
    video = sample_files.make_video(tmp_path, seconds=6, width=1280, height=720, name="Hát then.mp4")
    data = video.read_bytes()
    with ExitStack() as stack:
        s3 = stack.enter_context(running_s3(bucket="heritage-tus")) if store == "s3" else None
        project, port = stack.enter_context(running_archive(tmp_path / "archive", database_template, s3))
        token = officer_token(project)
        metadata = {"kind": "media", "filename": video.name, "sha256": chunked_sha256(video), "token": token}

        for refused in ({**metadata, "token": ""}, {**metadata, "token": token[:-3] + "abc"}):
            assert create(port, len(data), refused).status == 403
        created = create(port, len(data), metadata)
        assert created.status == 201
        path = urlsplit(created.getheader("Location")).path

        send_and_cut(port, path, data[: len(data) // 2], len(data))
        held = offset_held(port, path)
        assert 0 < held <= len(data) // 2, held
        finished = patch(port, path, held, data[held:])
        assert finished.status == 204, (finished.status, finished.body, project.log("web"))
        result_url = finished.getheader("Upload-Result-Url")
        asset_id = int(result_url.rstrip("/").rsplit("/", 1)[-1])

        project.wait_for(
            lambda: asset_states(project).get(asset_id, ("",))[0] in {"ready", "failed"},
            PREPARATION_TIMEOUT,
            f"the recording to be prepared\n{project.log('worker')}",
        )
        assert asset_states(project)[asset_id][0] == "ready", project.log("worker")
        stored = json.loads(
            project.python(
                "import json; from media_pipeline.models import MediaAsset; a = MediaAsset.objects.get(); "
                "print(json.dumps({'sha256': a.sha256, 'title': a.title}))"
            )
        )
        assert stored == {"sha256": hashlib.sha256(data).hexdigest(), "title": "Hát then"}
        if s3 is not None:
            left = s3.client().list_objects_v2(Bucket=s3.bucket, Prefix="uploads/").get("Contents", [])
            assert not left, [item["Key"] for item in left]
            assert not s3.client().list_multipart_uploads(Bucket=s3.bucket, Prefix="uploads/").get("Uploads")
        else:
            assert not list((tmp_path / "archive" / "tus").iterdir())
