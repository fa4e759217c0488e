"""The open datasets: downloaded, read back and compared with what the site shows
anonymous visitors; checksums and sizes as announced; per-group files hold only their
group; an entry that is restricted leaves the downloads at once (503 until the rebuild),
and is gone from the rebuilt files."""

import csv
import hashlib
import io
import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches

from datasets.dumps import COLUMN_NAMES, build
from datasets.models import DatasetBuild
from datasets.rebuilding import rebuild_datasets
from heritage.access import AccessLevel, apply_access_level
from heritage.models import EntryPage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _built(db):
    build()
    yield
    for cache in caches.all():
        cache.clear()


def download(client, name: str) -> bytes:
    response = client.get(f"/datasets/{name}")
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def csv_rows(content: bytes) -> list[dict]:
    assert content.startswith(b"\xef\xbb\xbf"), "Excel needs the byte-order mark to read UTF-8"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def json_rows(content: bytes) -> list[dict]:
    return [json.loads(line) for line in content.decode("utf-8").splitlines()]


def public_entries():
    return EntryPage.objects.visible_to(AnonymousUser()).specific()


def test_whole_dumps_round_trip_to_the_public_entries(client):
    entries = {entry.pk: entry for entry in public_entries()}
    assert len(entries) > 5
    from_csv = csv_rows(download(client, "entries.csv"))
    from_json = json_rows(download(client, "entries.jsonl"))
    assert [row["id"] for row in from_csv] == [str(row["id"]) for row in from_json]
    assert {row["id"] for row in from_json} == set(entries)
    assert list(from_csv[0]) == COLUMN_NAMES
    for row in from_json:
        entry = entries[row["id"]]
        assert row["title"] == entry.title
        assert row["summary"] == entry.summary
        assert row["language"] == entry.locale.language_code
        assert row["entry_key"] == str(entry.translation_key)
        assert row["licence"] == entry.licence
        assert row["ethnic_groups"].split("; ") == sorted(g.code for g in entry.ethnic_groups.all()) or (
            row["ethnic_groups"] == "" and not entry.ethnic_groups.exists()
        )
        named = {c.contributor.name for c in entry.contributors.all() if c.may_be_named}
        unnamed = {c.contributor.name for c in entry.contributors.all() if not c.may_be_named} - named
        assert all(name in row["contributors"] for name in named)
        assert not any(f"{name} (" in row["contributors"] for name in unnamed)
    vietnamese = [row for row in from_csv if row["language"] == "vi"]
    assert any(set(row["title"]) & set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệ") for row in vietnamese)
    assert {row["id"]: row["title"] for row in from_csv} == {str(row["id"]): row["title"] for row in from_json}


def test_unnamed_contributors_are_in_no_file(client):
    rows = EntryPage.contributors.rel.related_model.objects.select_related("contributor")
    row = rows.filter(entry__in=public_entries()).first()
    name = row.contributor.name
    assert name in download(client, "entries.jsonl").decode()  # positive control
    rows.filter(contributor=row.contributor).update(may_be_named=False)
    build()
    assert name not in download(client, "entries.jsonl").decode()
    assert name not in download(client, "entries.csv").decode("utf-8-sig")


def test_checksums_sizes_and_row_counts_are_as_announced(client):
    current = DatasetBuild.current()
    assert current.files
    for file in current.files:
        content = download(client, file["name"])
        assert hashlib.sha256(content).hexdigest() == file["sha256"]
        assert len(content) == file["bytes"]
        if file["name"].endswith(".jsonl"):
            assert len(json_rows(content)) == file["rows"]
        elif file["name"].endswith(".csv"):
            assert len(csv_rows(content)) == file["rows"]


def test_each_group_file_holds_that_group_and_all_of_it(client):
    current = DatasetBuild.current()
    whole = json_rows(download(client, "entries.jsonl"))
    group_files = [file for file in current.files if file["ethnic_group"] and file["name"].endswith(".jsonl")]
    assert len(group_files) >= 2
    for file in group_files:
        rows = json_rows(download(client, file["name"]))
        group = file["ethnic_group"]
        assert rows and all(group in row["ethnic_groups"].split("; ") for row in rows)
        assert {row["id"] for row in rows} == {row["id"] for row in whole if group in row["ethnic_groups"].split("; ")}


def test_a_restricted_entry_leaves_the_downloads_at_once_and_the_rebuild(client, django_capture_on_commit_callbacks):
    entry = public_entries().filter(locale__language_code="vi").first()
    assert entry.pk in {row["id"] for row in json_rows(download(client, "entries.jsonl"))}  # positive control
    with django_capture_on_commit_callbacks(execute=False):
        entry.access_level = AccessLevel.RESTRICTED
        entry.save(update_fields=["access_level"])
        apply_access_level(entry, AccessLevel.RESTRICTED)
    stale = client.get("/datasets/entries.jsonl")
    assert stale.status_code == 503
    assert int(stale["Retry-After"]) > 0
    assert client.get("/datasets/entries.csv").status_code == 503
    rebuild_datasets.call()
    rows = json_rows(download(client, "entries.jsonl"))
    assert entry.pk not in {row["id"] for row in rows}
    assert rows


def test_a_build_begun_before_a_change_does_not_reopen_the_downloads(client, django_capture_on_commit_callbacks):
    from datasets.rebuilding import public_data_changed

    # A change lands while the build runs: the build finishes but stays stale.
    original = build.__globals__["entry_rows"]

    def change_during_build():
        with django_capture_on_commit_callbacks(execute=False):
            public_data_changed()
        return original()

    build.__globals__["entry_rows"] = change_during_build
    try:
        build()
    finally:
        build.__globals__["entry_rows"] = original
    assert client.get("/datasets/entries.csv").status_code == 503
    build()
    assert client.get("/datasets/entries.csv").status_code == 200


def test_a_burst_of_changes_queues_one_rebuild(django_capture_on_commit_callbacks):
    from datasets.rebuilding import public_data_changed

    DatasetBuild.objects.filter(pk=1).update(rebuild_queued=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for _ in range(5):
            public_data_changed()
    assert len(callbacks) == 1


def test_unknown_files_and_paths_are_not_found(client):
    for name in ["nope.csv", "..%2Fentries.csv", "entries.csv%00", "entries.CSV"]:
        assert client.get(f"/datasets/{name}").status_code == 404
    assert client.get("/datasets/../datasets/entries.csv").status_code in (200, 404)


@pytest.mark.parametrize(
    ("path", "heading", "language"), [("/vi/du-lieu-mo/", "Dữ liệu mở", "vi"), ("/en/open-data/", "Open data", "en")]
)
def test_the_open_data_page_lists_the_files_in_each_language(client, path, heading, language):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    current = DatasetBuild.current()
    for file in current.files:
        assert file["sha256"] in html or file["name"] == "data-dictionary.csv"
        assert f"/datasets/{file['name']}" in html
    assert "entry_key" in html
    catalogue = json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
    distributions = [d for dataset in catalogue["dcat:dataset"] for d in dataset["dcat:distribution"]]
    assert {d["spdx:checksum"]["spdx:checksumValue"] for d in distributions} >= {
        f["sha256"] for f in current.files if f["name"] != "data-dictionary.csv"
    }


def test_the_dcat_catalogue_describes_every_download(client):
    catalogue = client.get("/datasets/catalogue.jsonld").json()
    assert catalogue["@type"] == "dcat:Catalog"
    for dataset in catalogue["dcat:dataset"]:
        for distribution in dataset["dcat:distribution"]:
            url = distribution["dcat:downloadURL"]["@id"]
            content = download(client, url.split("/datasets/")[1])
            assert int(distribution["dcat:byteSize"]["@value"]) == len(content)
            assert distribution["spdx:checksum"]["spdx:checksumValue"] == hashlib.sha256(content).hexdigest()


def test_data_dictionary_names_every_column(client):
    rows = csv_rows(download(client, "data-dictionary.csv"))
    assert [row["column"] for row in rows] == COLUMN_NAMES
    assert all(row["description_vi"] and row["description_en"] for row in rows)


def jsonl_ids(client) -> set[int]:
    return {row["id"] for row in json_rows(download(client, "entries.jsonl"))}


def test_a_consent_withdrawal_closes_the_downloads_until_rebuilt_without_the_entry(
    client, django_user_model, django_capture_on_commit_callbacks
):
    from heritage.consent import withdraw
    from heritage.models import ConsentRecord

    entry = EntryPage.objects.get(slug="de-dat-de-nuoc-muong", locale__language_code="vi")
    translations = set(EntryPage.objects.filter(translation_key=entry.translation_key).values_list("pk", flat=True))
    assert translations <= jsonl_ids(client)  # positive control
    record = ConsentRecord.objects.get(entry=entry, contributor__name="Nghệ nhân mẫu F")
    with django_capture_on_commit_callbacks(execute=False):
        withdraw(record, django_user_model.objects.get(username="officer"))
    assert client.get("/datasets/entries.jsonl").status_code == 503
    rebuild_datasets.call()
    assert not translations & jsonl_ids(client)


def test_unpublishing_closes_the_downloads_until_rebuilt_without_the_entry(client, django_capture_on_commit_callbacks):
    entry = public_entries().filter(locale__language_code="en").first()
    assert entry.pk in jsonl_ids(client)  # positive control
    with django_capture_on_commit_callbacks(execute=False):
        entry.unpublish()
    assert client.get("/datasets/entries.csv").status_code == 503
    rebuild_datasets.call()
    assert entry.pk not in jsonl_ids(client)


def test_the_build_command_serves_a_new_build(client):
    from django.core.management import call_command

    before = DatasetBuild.current().folder
    out = io.StringIO()
    call_command("build_datasets", stdout=out)
    assert "entry rows" in out.getvalue()
    assert DatasetBuild.current().folder != before
    assert jsonl_ids(client)


@hypothesis_settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=40).filter(lambda text: "/" not in text))
def test_only_the_built_files_are_served_under_any_name(client, name):
    response = client.get(f"/datasets/{quote(name)}")
    served = {file["name"] for file in DatasetBuild.current().files}
    assert response.status_code == (200 if name in served else 404)
