"""The import page in the admin: officers check a CSV and a zip, then import; the
template names every column; people outside the admin never reach it."""

import csv
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from bulk_import.columns import COLUMN_NAMES
from bulk_import.models import ImportedRow
from heritage.demo import sample_media
from heritage.models import EntryPage

URL = "/admin/import/"


def upload(rows: list[dict], media: dict[str, bytes] | None = None, dry_run: bool = True) -> dict:
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=COLUMN_NAMES, restval="")
    writer.writeheader()
    writer.writerows(rows)
    data = {"csv_file": SimpleUploadedFile("huyen.csv", output.getvalue().encode(), "text/csv")}
    if media is not None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as bundle:
            for name, content in media.items():
                bundle.writestr(name, content)
        data["media_zip"] = SimpleUploadedFile("media.zip", buffer.getvalue(), "application/zip")
    if dry_run:
        data["dry_run"] = "on"
    return data


ROW = {
    "type": "custom",
    "category": "crafts",
    "title_vi": "Nghề dệt thổ cẩm của người Thái ở Mai Châu",
    "summary_vi": "Dệt thổ cẩm.",
    "ethnic_groups": "thai",
    "places": "phu-tho",
    "attribution": "Thử nghiệm",
    "media": "det.jpg",
}


def test_officer_checks_then_imports_with_a_zip(client, officer):
    client.force_login(officer)
    page = client.get(URL)
    assert page.status_code == 200
    assert all(name in page.content.decode() for name in COLUMN_NAMES)
    media = {"tho-cam/det.jpg": sample_media.draw_image("Dệt", "Thổ cẩm", 3, size=(320, 200))}
    bad = {**ROW, "title_vi": "Khác", "places": "khong-co", "media": ""}

    checked = client.post(URL, upload([ROW, bad], media))
    html = checked.content.decode()
    assert checked.status_code == 200
    assert "<td>3</td><td><code>places</code></td>" in html
    assert not EntryPage.objects.filter(title=ROW["title_vi"]).exists()

    imported = client.post(URL, upload([ROW, bad], media, dry_run=False))
    assert imported.status_code == 200
    entry = EntryPage.objects.get(title=ROW["title_vi"]).specific
    assert not entry.live and entry.owner == officer
    assert entry.media[0].block_type == "image"
    assert ImportedRow.objects.filter(entry=entry, imported_by=officer).exists()


def test_a_zip_with_a_path_out_of_the_folder_is_refused(client, officer):
    client.force_login(officer)
    response = client.post(URL, upload([ROW], {"../../det.jpg": b"x"}, dry_run=False))
    assert response.status_code == 200
    assert response.context["form"].errors["media_zip"]
    assert not EntryPage.objects.filter(title=ROW["title_vi"]).exists()


def test_the_template_lists_every_column(client, officer):
    client.force_login(officer)
    response = client.get("/admin/import/template.csv")
    assert response["Content-Type"].startswith("text/csv")
    header, example = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == COLUMN_NAMES and len(example) == len(COLUMN_NAMES)


def test_researchers_and_visitors_never_reach_the_import(client, researcher):
    for url in (URL, "/admin/import/template.csv"):
        assert client.get(url).status_code == 302  # to the admin's sign-in
        client.force_login(researcher)
        response = client.get(url)
        assert response.status_code in (302, 403) and "import" not in response.get("Location", "")
        client.logout()
    client.force_login(researcher)
    client.post(URL, upload([ROW], dry_run=False))
    assert not EntryPage.objects.filter(title=ROW["title_vi"]).exists()
