"""Reading an import CSV into a plan: for every row, what would be created, or every
error with its row and column. Nothing is written here; the dry run shows the plan and
the real run (bulk_import/importer.py) carries out the rows without errors."""

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from PIL import Image

from django.utils.translation import gettext as _

from heritage.access import AccessLevel
from heritage.models import (
    Contributor,
    CustomPage,
    EntryPage,
    EthnicGroup,
    FestivalPage,
    Language,
    Place,
    RecordingPage,
)
from heritage.models.entries import ContributorRole, Licence
from media_pipeline.failures import MediaRejectedError
from media_pipeline.intake import FORMATS_BY_EXTENSION, Limits, check_image, extension_of, inspect_original

from .columns import COLUMN_NAMES, REQUIRED_COLUMNS, SEPARATOR
from .models import ImportedRow

ENTRY_TYPES = {"festival": FestivalPage, "custom": CustomPage, "recording": RecordingPage}
IMAGE_FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "tif": "TIFF", "tiff": "TIFF"}
IMAGE_EXTENSIONS = set(IMAGE_FORMATS)
MEDIA_EXTENSIONS = set(FORMATS_BY_EXTENSION) | IMAGE_EXTENSIONS
MAX_ROWS = 5000


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class PlannedPerson:
    name: str
    role: str
    existing: Contributor | None


@dataclass
class PlannedRow:
    """One CSV row (numbered as a spreadsheet shows it: the header is row 1)."""

    number: int
    key: str
    values: dict[str, str]
    errors: list[RowError] = field(default_factory=list)
    already_imported: bool = False
    model: type[EntryPage] | None = None
    groups: list[EthnicGroup] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    languages: list[Language] = field(default_factory=list)
    people: list[PlannedPerson] = field(default_factory=list)
    documented_on: date | None = None
    media_files: list[Path] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.values.get("title_vi", "")

    @property
    def status(self) -> str:
        if self.already_imported:
            return "skip"
        return "error" if self.errors else "create"

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))


@dataclass
class ImportPlan:
    rows: list[PlannedRow]
    file_errors: list[RowError]

    @property
    def to_create(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.status == "create"]

    @property
    def errors(self) -> list[RowError]:
        return self.file_errors + [error for row in self.rows for error in row.errors if not row.already_imported]

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)


def row_key(values: dict[str, str]) -> str:
    """The row's own import_key, or a hash of its content (the same row gives the same key)."""
    if values.get("import_key"):
        return "key:" + values["import_key"]
    content = json.dumps({name: values.get(name, "") for name in COLUMN_NAMES}, sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(content.encode()).hexdigest()


def split(value: str) -> list[str]:
    return [part.strip() for part in value.split(SEPARATOR) if part.strip()]


def read_rows(text: str) -> tuple[list[dict[str, str]], list[RowError]]:
    """The CSV's rows as {column: stripped value}; errors about the file as a whole."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or []]
    errors = [
        RowError(1, name, _("The column “%(column)s” is missing.") % {"column": name})
        for name in REQUIRED_COLUMNS
        if name not in header
    ]
    errors += [
        RowError(1, name, _("Unknown column “%(column)s”.") % {"column": name})
        for name in header
        if name not in COLUMN_NAMES
    ]
    reader.fieldnames = header
    rows = []
    try:
        for values in reader:
            if len(rows) >= MAX_ROWS:
                errors.append(RowError(len(rows) + 2, "", _("At most %(count)d rows per file.") % {"count": MAX_ROWS}))
                break
            rows.append({name: (value or "").strip() for name, value in values.items() if isinstance(name, str)})
    except csv.Error as error:
        errors.append(RowError(len(rows) + 2, "", _("The file is not a readable CSV: %(error)s") % {"error": error}))
    return rows, errors


def parse_date(value: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


class Lookups:
    """The reference data every row is checked against, read once per plan."""

    def __init__(self) -> None:
        self.groups = {group.code: group for group in EthnicGroup.objects.all()}
        self.places = {place.code: place for place in Place.objects.all()}
        self.languages = {}
        for language in Language.objects.all():
            self.languages[language.code.lower()] = language
            if language.iso_639_3:
                self.languages[language.iso_639_3.lower()] = language
        self.people = {person.name.casefold(): person for person in Contributor.objects.order_by("-pk")}
        self.imported_keys = set(ImportedRow.objects.values_list("key", flat=True))
        self.titles = {
            title.casefold()
            for title in EntryPage.objects.filter(locale__language_code="vi").values_list("title", flat=True)
        }


def make_plan(text: str, media_folder: Path | None) -> ImportPlan:
    rows, file_errors = read_rows(text)
    if any(error.row == 1 and error.column in REQUIRED_COLUMNS for error in file_errors):
        return ImportPlan([], file_errors)
    lookups = Lookups()
    planned: list[PlannedRow] = []
    titles_in_file: dict[str, int] = {}
    keys_in_file: dict[str, int] = {}
    for index, values in enumerate(rows):
        row = PlannedRow(number=index + 2, key=row_key(values), values=values)
        planned.append(row)
        if row.key in lookups.imported_keys:
            row.already_imported = True
            continue
        if row.key in keys_in_file:
            row.error("import_key", _("The same row as row %(row)d.") % {"row": keys_in_file[row.key]})
        keys_in_file.setdefault(row.key, row.number)
        _check_row(row, lookups, media_folder)
        title = row.title.casefold()
        if title and title in lookups.titles:
            row.error("title_vi", _("An entry with this title already exists."))
        elif title in titles_in_file:
            row.error("title_vi", _("The same title as row %(row)d.") % {"row": titles_in_file[title]})
        if title:
            titles_in_file.setdefault(title, row.number)
    return ImportPlan(planned, file_errors)


def _check_row(row: PlannedRow, lookups: Lookups, media_folder: Path | None) -> None:
    values = row.values
    for name in REQUIRED_COLUMNS:
        if not values.get(name):
            row.error(name, _("Required."))
    row.model = ENTRY_TYPES.get(values.get("type", ""))
    if values.get("type") and row.model is None:
        row.error("type", _("Unknown type “%(value)s”: festival, custom or recording.") % {"value": values["type"]})
    for name, limit in (("title_vi", 255), ("title_en", 255), ("summary_vi", 600), ("summary_en", 600)):
        if len(values.get(name, "")) > limit:
            row.error(name, _("Longer than %(limit)d characters.") % {"limit": limit})
    row.groups = _look_up(row, "ethnic_groups", lookups.groups, _("Unknown ethnic group code “%(code)s”."))
    row.places = _look_up(row, "places", lookups.places, _("Unknown place code “%(code)s”."))
    row.languages = _look_up(row, "languages", lookups.languages, _("Unknown language code “%(code)s”."), lower=True)
    _check_people(row, lookups)
    if values.get("documented_on"):
        try:
            row.documented_on = parse_date(values["documented_on"])
        except ValueError:
            row.error("documented_on", _("Not a date: “%(value)s” (YYYY-MM-DD).") % {"value": values["documented_on"]})
    _check_choice(row, "access_level", AccessLevel.values)
    _check_choice(row, "licence", Licence.values)
    if row.model is CustomPage:
        _check_choice(row, "category", CustomPage.Category.values, required=True)
    if row.model is RecordingPage:
        _check_choice(row, "genre", RecordingPage.Genre.values, required=True)
    _check_media(row, media_folder)


def _look_up(row: PlannedRow, column: str, table: dict, message: str, lower: bool = False) -> list:
    found = []
    for code in split(row.values.get(column, "")):
        item = table.get(code.lower() if lower else code)
        if item is None:
            row.error(column, message % {"code": code})
        elif item not in found:
            found.append(item)
    return found


def _check_people(row: PlannedRow, lookups: Lookups) -> None:
    for part in split(row.values.get("contributors", "")):
        name, _bracket, role = part.partition("(")
        name, role = name.strip(), role.rstrip(")").strip()
        if not name or role not in ContributorRole.values:
            row.error(
                "contributors",
                _("“%(value)s”: give a name and a role in brackets, one of %(roles)s.")
                % {"value": part, "roles": ", ".join(ContributorRole.values)},
            )
            continue
        row.people.append(PlannedPerson(name, role, lookups.people.get(name.casefold())))


def _check_choice(row: PlannedRow, column: str, allowed: list[str], required: bool = False) -> None:
    value = row.values.get(column, "")
    if (value or required) and value not in allowed:
        row.error(
            column,
            _("“%(value)s” is not one of: %(allowed)s.") % {"value": value, "allowed": ", ".join(allowed)},
        )


def _check_media(row: PlannedRow, media_folder: Path | None) -> None:
    for name in split(row.values.get("media", "")):
        if extension_of(name) not in MEDIA_EXTENSIONS:
            row.error("media", _("“%(name)s” is not an audio, video or image file.") % {"name": name})
            continue
        path = media_folder / name if media_folder is not None and Path(name).name == name else None
        # A link out of the folder is not in it.
        if path is None or not path.is_file() or path.resolve().parent != media_folder.resolve():
            row.error("media", _("The file “%(name)s” is not in the media folder.") % {"name": name})
            continue
        try:
            if extension_of(name) in IMAGE_EXTENSIONS:
                _check_image_file(path)
            else:
                inspect_original(path, name, Limits.from_settings())
        except MediaRejectedError as rejection:
            row.error("media", f"{name}: {rejection}")
            continue
        row.media_files.append(path)


def _check_image_file(path: Path) -> None:
    """As the image upload form checks: a readable image whose content matches its name."""
    with path.open("rb") as handle:
        check_image(handle)
        with Image.open(handle) as image:
            found = image.format
    if found != IMAGE_FORMATS[extension_of(path.name)]:
        raise MediaRejectedError("type_mismatch", extension=extension_of(path.name), container=found or "?")
