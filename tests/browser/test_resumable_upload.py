"""An officer sends a recording through the resumable uploader while the link drops half
way, reloads the page, chooses the same file again, and the upload continues from the last
byte tusd holds; the archive checks the checksum, makes the item and prepares it. The same
on an archive whose files, and tusd's store, are in a MinIO bucket."""

import base64
import hashlib
import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import Page, Request, Route, expect

from tests.browser.conftest import DESKTOP
from tests.browser.test_media_upload import wait_until_prepared
from tests.browser.test_officer_admin import sign_in
from tests.media_pipeline import sample_files

pytestmark = pytest.mark.browser
CHUNK_BYTES = 64 * 1024
CHUNKS_BEFORE_THE_CUT = 3


def use_small_chunks(page: Page) -> None:
    """Many small PATCH requests, so the link can be cut between them on a small file."""
    page.eval_on_selector("[data-resumable-upload]", f"(panel) => {{ panel.dataset.chunkBytes = '{CHUNK_BYTES}'; }}")


def stored_upload_url(page: Page) -> str:
    urls = page.evaluate(
        """() => Object.keys(localStorage).filter((key) => key.startsWith("tus::"))
            .map((key) => JSON.parse(localStorage.getItem(key)).uploadUrl)"""
    )
    assert len(urls) == 1, urls
    return urls[0]


def server_offset(url: str) -> int:
    request = urllib.request.Request(url, method="HEAD", headers={"Tus-Resumable": "1.0.0"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.headers["Upload-Offset"])


def bucket_keys(archive, prefix: str = "") -> dict[str, int]:
    """Every object under prefix in the archive's bucket, with its size."""
    client = archive.s3.client()
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=archive.s3.bucket, Prefix=prefix)
    return {item["Key"]: item["Size"] for page in pages for item in page.get("Contents", [])}


def assert_stored_in_the_bucket(archive, asset_id: int, video: bytes) -> None:
    """The original and every rendition are objects in the bucket, and tusd left nothing."""
    stored = archive.query(
        "import json; from media_pipeline.models import MediaAsset; "
        f"a = MediaAsset.objects.get(pk={asset_id}); "
        "print(json.dumps({'original': a.file.name, "
        "'renditions': [[r.role, r.file.name, r.folder] for r in a.renditions.all()]}))"
    )
    keys = bucket_keys(archive)
    assert keys.get(stored["original"]) == len(video), (stored["original"], sorted(keys))
    original = archive.s3.client().get_object(Bucket=archive.s3.bucket, Key=stored["original"])["Body"].read()
    assert original == video
    assert {"hls", "mp4", "poster"} <= {role for role, _, _ in stored["renditions"]}, stored["renditions"]
    for role, name, folder in stored["renditions"]:
        assert keys.get(name, 0) > 0, (role, name, sorted(keys))
        if role == "hls":
            segments = [key for key in keys if key.startswith(folder) and key.endswith(".ts")]
            assert segments, ("the stream's segments are in the bucket", folder, sorted(keys))
    assert not bucket_keys(archive, "uploads/"), "tusd's copy is removed"
    multipart = archive.s3.client().list_multipart_uploads(Bucket=archive.s3.bucket, Prefix="uploads/")
    assert not multipart.get("Uploads"), multipart["Uploads"]


@pytest.mark.parametrize("store", ["files", "s3"])
def test_an_upload_cut_half_way_resumes_after_a_reload_and_is_prepared(store, request, new_tab, tmp_path):
    archive = request.getfixturevalue("archive" if store == "files" else "s3_archive")
    tab = new_tab(DESKTOP)
    page = sign_in(archive, tab, "officer")
    video = sample_files.make_video(tmp_path, seconds=6, width=1280, height=720, name="Xên bản.mp4")
    size = video.stat().st_size
    assert size > 6 * CHUNK_BYTES, size

    page.goto(archive.url("/admin/media/video/add/"))
    panel = page.locator("[data-resumable-upload]")
    expect(panel).to_be_visible()
    use_small_chunks(page)
    sent = {"patches": 0}

    def cut_the_link(route: Route) -> None:
        if route.request.method == "PATCH":
            sent["patches"] += 1
            if sent["patches"] > CHUNKS_BEFORE_THE_CUT:
                route.abort("internetdisconnected")
                return
        route.continue_()

    page.route(re.compile(r"/files/"), cut_the_link)
    page.set_input_files("[data-resumable-file]", str(video))
    page.click("[data-resumable-start]")
    expect(panel).to_have_attribute("data-state", "waiting", timeout=30_000)
    expect(page.locator("[data-resumable-status]")).to_contain_text("%")
    tab.shoot("link-dropped")
    upload_url = stored_upload_url(page)
    held = server_offset(upload_url)
    assert held == CHUNKS_BEFORE_THE_CUT * CHUNK_BYTES

    page.unroute(re.compile(r"/files/"))
    page.reload()
    # The page remembers the unfinished upload and says how far it got.
    expect(page.locator("[data-resumable-pending-item]")).to_contain_text("Xên bản.mp4")
    tab.shoot("after-reload")
    offsets: list[int] = []

    def note_patch(request: Request) -> None:
        if request.method == "PATCH":
            offsets.append(int(request.headers["upload-offset"]))

    page.on("request", note_patch)
    use_small_chunks(page)
    page.set_input_files("[data-resumable-file]", str(video))
    page.click("[data-resumable-start]")
    result = page.locator("[data-resumable-result]")
    expect(result).to_be_visible(timeout=120_000)
    assert offsets[0] == held, "the upload continues from the last byte the server holds"
    assert not page.evaluate("() => Object.keys(localStorage).some((key) => key.startsWith('tus::'))"), (
        "a finished upload is forgotten"
    )
    tab.shoot("uploaded")
    assert not tab.csp_reports()

    asset = archive.query(
        "import json; from media_pipeline.models import MediaAsset; "
        "a = MediaAsset.objects.get(title='Xên bản'); "
        "print(json.dumps({'id': a.pk, 'sha256': a.sha256, 'user': a.uploaded_by_user.username}))"
    )
    assert asset["sha256"] == hashlib.sha256(video.read_bytes()).hexdigest()
    assert asset["user"] == "officer"
    result.click()
    page.wait_for_url(re.compile(rf"/admin/media/edit/{asset['id']}/"))
    wait_until_prepared(archive, page, asset["id"])
    expect(page.locator("[data-media-status]")).to_have_attribute("data-media-status", "ready")
    # The preview loads (on S3 through a signed address on the bucket's endpoint, which the CSP allows).
    page.wait_for_function("() => document.querySelector('[data-media-preview]').readyState >= 1")
    tab.shoot("prepared")
    assert not tab.csp_reports()
    if archive.s3 is not None:
        assert_stored_in_the_bucket(archive, asset["id"], video.read_bytes())


def test_tusd_refuses_an_upload_without_a_valid_officer_token(archive, new_tab):
    """tusd asks the archive before accepting an upload: anonymous, tampered or borrowed tokens are refused."""
    tab = new_tab(DESKTOP)
    page = sign_in(archive, tab, "officer")
    page.goto(archive.url("/admin/media/video/add/"))
    panel = page.locator("[data-resumable-upload]")
    endpoint, token = panel.get_attribute("data-endpoint"), panel.get_attribute("data-token")

    def create(metadata: dict[str, str]) -> int:
        header = ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in metadata.items())
        request = urllib.request.Request(
            endpoint,
            method="POST",
            headers={"Tus-Resumable": "1.0.0", "Upload-Length": "1000", "Upload-Metadata": header},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    good = {"kind": "media", "filename": "a.mp4", "sha256": "ab" * 32, "token": token}
    assert create(good) == 201  # positive control: the officer's page token
    assert create({**good, "token": ""}) == 403
    assert create({**good, "token": token[:-3] + "abc"}) == 403
    assert create({**good, "kind": "image"}) == 403
