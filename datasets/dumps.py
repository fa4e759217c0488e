"""The open datasets: every entry an anonymous visitor may see (`heritage.access.visible_to`),
one row per entry and language (an entry in Vietnamese and English is two rows sharing
`entry_key`), as CSV (UTF-8 with a byte-order mark, so that Excel shows Vietnamese
letters) and JSON Lines; the whole archive and one pair of files per ethnic group; and the
data dictionary of the columns. Contributors appear only when they may be named.

Each build writes its files into a new folder of the default storage (local disk or S3)
and only then points `DatasetBuild` at it, in one update: a download reads either the old
complete build or the new complete one, never a half-written file."""

import csv
import hashlib
import io
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from heritage.access import visible_to
from heritage.addresses import absolute_url
from heritage.models import EntryPage, RecordingPage

STORAGE_FOLDER = "datasets"
WHOLE = "entries"
TYPE_CODES = {"festivalpage": "festival", "custompage": "custom", "recordingpage": "recording"}
LIST_SEPARATOR = "; "


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    description: str


COLUMNS = [
    Column(
        "id", "integer", _("Identifier of this language version of the entry (as in the API, /api/v2/pages/<id>/).")
    ),
    Column("entry_key", "uuid", _("Identifier of the entry, the same for its Vietnamese and English versions.")),
    Column("language", "code", _("Language of this row: vi or en.")),
    Column("type", "code", _("Entry type: festival, custom or recording.")),
    Column("title", "text", _("Title.")),
    Column("native_title", "text", _("Title in the community's language.")),
    Column("native_title_language", "code", _("ISO 639-3 code of the language of native_title.")),
    Column("summary", "text", _("Summary.")),
    Column("ethnic_groups", "list of codes", _('Codes of the ethnic groups, separated by "; ".')),
    Column("places", "list of codes", _('Codes of the places, separated by "; ".')),
    Column(
        "languages", "list of codes", _('ISO 639-3 codes of the languages spoken in a recording, separated by "; ".')
    ),
    Column("tags", "list", _('Tags, separated by "; ".')),
    Column("documented_on", "date", _("Date the heritage was documented (YYYY-MM-DD).")),
    Column("licence", "code", _("Licence code (cc-by-4.0, ...).")),
    Column("licence_url", "url", _("Address of the licence.")),
    Column("attribution", "text", _("How to credit the entry.")),
    Column("contributors", "list", _('Contributors who agreed to be named, as "name (role)", separated by "; ".')),
    Column("url", "url", _("Address of the entry's page.")),
    Column("first_published_at", "date-time", _("When the entry was first published (ISO 8601, UTC).")),
]
COLUMN_NAMES = [column.name for column in COLUMNS]


def public_entries():
    return (
        visible_to(EntryPage.objects.all(), AnonymousUser())
        .select_related("locale")
        .order_by("translation_key", "locale__language_code")
    )


def entry_rows() -> list[tuple[dict, list[str]]]:
    """Each public entry's row, with the codes of its ethnic groups."""
    rows = []
    for entry in (
        public_entries()
        .specific()
        .prefetch_related("ethnic_groups", "places__place", "contributors__contributor", "tags")
    ):
        groups = sorted(group.code for group in entry.ethnic_groups.all())
        languages = []
        if isinstance(entry, RecordingPage):
            languages = sorted({language.iso_639_3 or language.code for language in entry.content_languages.all()})
        row = {
            "id": entry.pk,
            "entry_key": str(entry.translation_key),
            "language": entry.locale.language_code,
            "type": TYPE_CODES.get(type(entry).__name__.lower(), "entry"),
            "title": entry.title,
            "native_title": entry.native_title,
            "native_title_language": (
                entry.native_title_language.iso_639_3 or entry.native_title_language.code
                if entry.native_title_language
                else ""
            ),
            "summary": entry.summary,
            "ethnic_groups": LIST_SEPARATOR.join(groups),
            "places": LIST_SEPARATOR.join(row.place.code for row in entry.places.all()),
            "languages": LIST_SEPARATOR.join(languages),
            "tags": LIST_SEPARATOR.join(sorted(tag.name for tag in entry.tags.all())),
            "documented_on": entry.documented_on.isoformat() if entry.documented_on else "",
            "licence": entry.licence,
            "licence_url": entry.licence_url,
            "attribution": entry.attribution,
            "contributors": LIST_SEPARATOR.join(
                f"{row.contributor.name} ({row.role})" for row in entry.contributors.all() if row.may_be_named
            ),
            "url": absolute_url(entry.url or ""),
            "first_published_at": entry.first_published_at.isoformat() if entry.first_published_at else "",
        }
        rows.append((row, groups))
    return rows


def as_csv(rows: list[dict], columns: list[str] = COLUMN_NAMES) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode("utf-8-sig")


def as_json_lines(rows: list[dict]) -> bytes:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")


def data_dictionary() -> list[dict]:
    """The columns, described in both languages."""
    described = []
    for column in COLUMNS:
        texts = {}
        for language in ("en", "vi"):
            with translation.override(language):
                texts[f"description_{language}"] = str(column.description)
        described.append({"column": column.name, "type": column.kind, **texts})
    return described


def build() -> "DatasetBuild":  # noqa: F821
    """Write every file into a new folder, then serve it, unless a change that may have
    taken something out of the public view came after this build began (it stays stale:
    the build queued by that change serves). Earlier builds' folders are deleted."""
    from datasets.models import DatasetBuild

    started_generation = DatasetBuild.current().generation
    folder = f"{STORAGE_FOLDER}/{timezone.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:12]}"
    rows = entry_rows()
    files = [_write(folder, WHOLE, "", [row for row, _ in rows])]
    by_group: dict[str, list[dict]] = defaultdict(list)
    for row, groups in rows:
        for group in groups:
            by_group[group].append(row)
    for group in sorted(by_group):
        files.append(_write(folder, f"{WHOLE}-{group}", group, by_group[group]))
    dictionary = data_dictionary()
    files.append(
        _stored(folder, "data-dictionary.csv", "text/csv", as_csv(dictionary, list(dictionary[0])), len(dictionary), "")
    )
    with transaction.atomic():
        current = DatasetBuild.objects.select_for_update().get(pk=1)
        old_folder = current.folder
        current.folder, current.files, current.built_at = (
            folder,
            [f for pair in files for f in _flat(pair)],
            timezone.now(),
        )
        if current.generation == started_generation:
            current.stale = False
        current.save()
    if old_folder:
        _delete_folder(old_folder)
    return current


def _flat(item) -> list[dict]:
    return item if isinstance(item, list) else [item]


def _write(folder: str, stem: str, group: str, rows: list[dict]) -> list[dict]:
    return [
        _stored(folder, f"{stem}.csv", "text/csv", as_csv(rows), len(rows), group),
        _stored(folder, f"{stem}.jsonl", "application/jsonl", as_json_lines(rows), len(rows), group),
    ]


def _stored(folder: str, name: str, media_type: str, content: bytes, rows: int, group: str) -> dict:
    path = default_storage.save(f"{folder}/{name}", ContentFile(content))
    return {
        "name": name,
        "path": path,
        "media_type": media_type,
        "rows": rows,
        "bytes": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "ethnic_group": group,
    }


def _delete_folder(folder: str) -> None:
    directories, names = default_storage.listdir(folder)
    for name in names:
        default_storage.delete(f"{folder}/{name}")
    for directory in directories:
        _delete_folder(f"{folder}/{directory}")
