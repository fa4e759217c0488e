"""A district's collection comes in from a 500-row CSV and a folder of media: the dry run
reports every bad row by row and column and writes nothing, the real run creates the good
rows as drafts with their media, groups, places, languages and people, and a second run
creates nothing new."""

import csv
import io
import re
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult
from PIL import Image

from django.core.management import call_command
from django.test import TestCase

from wagtail.models import Locale

from bulk_import.columns import COLUMN_NAMES
from bulk_import.importer import import_entries
from bulk_import.models import ImportedRow
from heritage.demo import sample_media
from heritage.models import Contributor, EntryPage, FestivalPage, RecordingPage
from media_pipeline.models import MediaAsset

ROWS = 500


def good_row(number: int) -> dict[str, str]:
    return {
        "import_key": f"chiem-hoa-{number:03d}",
        "type": "festival",
        "title_vi": f"Lễ hội thử nghiệm số {number} của người Tày",
        "title_en": f"Test festival {number}" if number % 50 == 0 else "",
        "summary_vi": "Một lễ hội thử nghiệm.",
        "summary_en": "",
        "ethnic_groups": "tay",
        "places": "tuyen-quang",
        "languages": "",
        "contributors": "",
        "documented_on": "2024-02-10",
        "access_level": "",
        "licence": "",
        "attribution": "Phòng Văn hóa huyện Chiêm Hóa",
        "category": "",
        "genre": "",
        "media": "",
    }


# Row number in the CSV (the header is row 1) → (changes to a good row, the column reported).
BAD_ROWS = {
    12: ({"ethnic_groups": "tay; khong-co"}, "ethnic_groups"),
    40: ({"documented_on": "31/02/2024"}, "documented_on"),
    77: ({"media": "thieu.mp4"}, "media"),
    101: ({"type": "le-hoi"}, "type"),
    150: ({"type": "recording", "genre": ""}, "genre"),
    222: ({"languages": "xyz"}, "languages"),
    300: ({"contributors": "Lò Văn Nhất"}, "contributors"),
    333: ({"media": "hong.mp3"}, "media"),
    404: ({"places": "atlantis"}, "places"),
    450: ({"summary_vi": ""}, "summary_vi"),
    # A JPEG named .png: caught by the dry run as the upload form would at the real run.
    460: ({"media": "sai-duoi.png"}, "media"),
    # The same title as row 3.
    480: ({"title_vi": "Lễ hội thử nghiệm số 3 của người Tày"}, "title_vi"),
}
EXISTING_TITLE_ROW = 490


@pytest.fixture(scope="module")
def media_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("import-media")
    (folder / "anh-1.jpg").write_bytes(sample_media.draw_image("Ảnh 1", "Nhập hàng loạt", 1, size=(320, 200)))
    jpeg = sample_media.draw_image("Ảnh 2", "Nhập hàng loạt", 2, size=(320, 200))
    Image.open(io.BytesIO(jpeg)).save(folder / "anh-2.png")
    (folder / "sai-duoi.png").write_bytes(jpeg)
    (folder / "loi-ke.m4a").write_bytes(sample_media.speak_audio("Lời kể thử nghiệm."))
    (folder / "hong.mp3").write_bytes(b"This is not audio at all, only text with an mp3 name.\n" * 20)
    return folder


@pytest.fixture
def collection_csv(db) -> str:
    existing_title = EntryPage.objects.filter(locale__language_code="vi").first().title
    rows = []
    for number in range(2, ROWS + 2):
        row = good_row(number)
        changes, _column = BAD_ROWS.get(number, ({}, ""))
        row.update(changes)
        if number == EXISTING_TITLE_ROW:
            row["title_vi"] = existing_title
        rows.append(row)
    rows[0].update(media="anh-1.jpg; loi-ke.m4a", contributors="Hoàng Văn Thử (singer); Lò Thị Mẫu (collector)")
    rows[1].update(type="recording", genre="song", languages="tyz; VIE", media="anh-2.png", title_en="A test song")
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=COLUMN_NAMES)
    writer.writeheader()
    writer.writerows(rows)
    return output.getvalue()


def counts() -> dict[str, int]:
    return {
        "entries": EntryPage.objects.count(),
        "media": MediaAsset.objects.count(),
        "imported": ImportedRow.objects.count(),
        "people": Contributor.objects.count(),
    }


def test_dry_run_real_run_and_second_run(collection_csv, media_folder, officer):
    before = counts()
    expected_errors = {(row, column) for row, (_changes, column) in BAD_ROWS.items()}
    expected_errors.add((EXISTING_TITLE_ROW, "title_vi"))
    good = ROWS - len(expected_errors)

    dry = import_entries(collection_csv, media_folder, officer, dry_run=True)
    assert {(error.row, error.column) for error in dry.errors} == expected_errors
    assert dry.plan.count("create") == good
    assert counts() == before
    assert "thieu.mp4" in next(error.message for error in dry.errors if error.row == 77)

    with TestCase.captureOnCommitCallbacks(execute=True):
        real = import_entries(collection_csv, media_folder, officer, dry_run=False, source_name="chiem-hoa.csv")
    assert len(real.created) == good
    assert {(error.row, error.column) for error in real.errors} == expected_errors
    assert counts()["imported"] == before["imported"] + good
    imported = EntryPage.objects.filter(title__startswith="Lễ hội thử nghiệm số")
    assert imported.count() == good
    assert not imported.filter(live=True).exists()
    assert not imported.filter(latest_revision__isnull=True).exists()

    festival = FestivalPage.objects.get(title="Lễ hội thử nghiệm số 2 của người Tày")
    assert [group.code for group in festival.ethnic_groups.all()] == ["tay"]
    assert [entry_place.place.code for entry_place in festival.places.all()] == ["tuyen-quang"]
    assert {(row.contributor.name, row.role) for row in festival.contributors.all()} == {
        ("Hoàng Văn Thử", "singer"),
        ("Lò Thị Mẫu", "collector"),
    }
    assert festival.slug == "le-hoi-thu-nghiem-so-2-cua-nguoi-tay"
    assert [block.block_type for block in festival.media] == ["image", "audio_video"]
    recording = festival.media[1].value["media"]
    assert recording.type == "audio" and len(recording.sha256) == 64
    # The same transcoding job as an upload from the admin.
    jobs = DBTaskResult.objects.filter(task_path__endswith="prepare_media")
    assert [recording.pk] in [job.args_kwargs["args"] for job in jobs]

    song = RecordingPage.objects.get(title="Lễ hội thử nghiệm số 3 của người Tày")
    assert {language.code for language in song.content_languages.all()} == {"tyz", "vie"}
    english = song.get_translation(Locale.objects.get(language_code="en"))
    assert english.title == "A test song" and not english.live
    assert not EntryPage.objects.filter(title="Lễ hội thử nghiệm số 12 của người Tày").exists()

    after_real = counts()
    again = import_entries(collection_csv, media_folder, officer, dry_run=False)
    assert again.created == []
    assert again.plan.count("skip") == good
    assert {(error.row, error.column) for error in again.errors} == expected_errors
    assert counts() == after_real


def test_the_command_reports_rows_and_writes_nothing_on_a_dry_run(tmp_path, media_folder, db):
    path = tmp_path / "collection.csv"
    rows = [good_row(2), {**good_row(3), "ethnic_groups": "khong-co"}]
    with path.open("w", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMN_NAMES)
        writer.writeheader()
        writer.writerows(rows)
    output = io.StringIO()
    before = counts()
    call_command("import_entries", str(path), str(media_folder), "--dry-run", stdout=output)
    assert re.search(r"row 3, column ethnic_groups: .*“khong-co”", output.getvalue())
    assert "would create 1" in output.getvalue()
    assert counts() == before
    call_command("import_entries", str(path), str(media_folder), stdout=io.StringIO())
    assert counts()["entries"] == before["entries"] + 1


def test_a_file_without_the_required_columns_is_refused_as_a_whole(media_folder, officer):
    report = import_entries("title_vi,colour\nLễ hội,đỏ\n", media_folder, officer, dry_run=False)
    columns = {error.column for error in report.errors}
    assert {"type", "summary_vi", "ethnic_groups", "places", "attribution", "colour"} <= columns
    assert report.plan.rows == [] and report.created == []


def test_a_media_name_cannot_reach_outside_the_folder(tmp_path, media_folder, officer):
    outside = tmp_path / "secret.jpg"
    outside.write_bytes((media_folder / "anh-1.jpg").read_bytes())
    (media_folder / "link.jpg").unlink(missing_ok=True)
    (media_folder / "link.jpg").symlink_to(outside)
    try:
        for name in ["../secret.jpg", str(outside), "link.jpg"]:
            text = _csv([{**good_row(2), "media": name}])
            report = import_entries(text, media_folder, officer, dry_run=True)
            assert [(error.row, error.column) for error in report.errors] == [(2, "media")], name
        # Positive control: a file in the folder is accepted.
        report = import_entries(_csv([{**good_row(2), "media": "anh-1.jpg"}]), media_folder, officer, dry_run=True)
        assert report.errors == []
    finally:
        (media_folder / "link.jpg").unlink()


def _csv(rows: list[dict]) -> str:
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=COLUMN_NAMES)
    writer.writeheader()
    writer.writerows(rows)
    return output.getvalue()
