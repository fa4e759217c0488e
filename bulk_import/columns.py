"""The columns of an import CSV: the template offered in the admin, the help beside the
upload form and docs/bulk-import.md all read this list."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Several values in one cell (groups, places, languages, people, files) are separated by ";".
SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: Promise
    example: str


COLUMNS = [
    Column("import_key", False, _("Any text unique to the row; without it, the row's content is its key."), "hue-001"),
    Column("type", True, _("festival, custom or recording."), "festival"),
    Column("title_vi", True, _("Title in Vietnamese."), "Lễ hội Lồng Tồng của người Tày"),
    Column("title_en", False, _("Title in English: makes an English translation draft."), "Lồng Tồng festival"),
    Column("summary_vi", True, _("One or two sentences in Vietnamese."), "Lễ xuống đồng đầu năm."),
    Column("summary_en", False, _("The summary in English."), "The first ploughing of the year."),
    Column("ethnic_groups", True, _("Group codes, e.g. tay; nung."), "tay"),
    Column("places", True, _("Place codes (province, commune or village), e.g. tuyen-quang."), "tuyen-quang"),
    Column("languages", False, _("ISO 639-3 codes, e.g. tyz; vie."), "tyz"),
    Column(
        "contributors",
        False,
        _("People by name, each with a role in brackets: Hoàng Văn A (singer); Lò Thị B (collector)."),
        "Hoàng Văn A (singer)",
    ),
    Column("documented_on", False, _("Date recorded: YYYY-MM-DD or DD/MM/YYYY."), "2024-02-10"),
    Column("access_level", False, _("public, on_request, researchers or restricted (public when empty)."), "public"),
    Column("licence", False, _("A licence code such as cc-by-nc-4.0 (the default when empty)."), "cc-by-nc-4.0"),
    Column("attribution", True, _("Who must be credited."), "Phòng Văn hóa huyện Chiêm Hóa"),
    Column("category", False, _("For customs: life_cycle, beliefs, farming, crafts…"), ""),
    Column("genre", False, _("For recordings: song, tale, epic, prayer…"), ""),
    Column("media", False, _("File names in the media folder or zip: audio, video or images."), "long-tong.mp4"),
]
COLUMN_NAMES = [column.name for column in COLUMNS]
REQUIRED_COLUMNS = [column.name for column in COLUMNS if column.required]
