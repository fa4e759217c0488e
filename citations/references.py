"""What a citation of an entry says, whatever its format: read from the entry as the
visitor sees it, naming only the people who agreed to be named."""

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

if TYPE_CHECKING:
    from heritage.models import EntryPage

# Line breaks and other control characters end a field in RIS and BibTeX: a value is one line.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def one_line(text: str) -> str:
    return " ".join(CONTROL_CHARACTERS.sub(" ", text or "").split())


@dataclass(frozen=True)
class Reference:
    key: str
    entry_type: str  # "festival", "custom" or "recording"
    title: str
    native_title: str
    # People named as consent allows; the entry's credit line when nobody may be named.
    authors: list[str]
    authors_are_people: bool
    issued: date | None
    ethnic_groups: list[str]
    places: list[str]
    language: str
    url: str
    publisher: str
    licence: str
    accessed: date


def reference_for(entry: "EntryPage") -> Reference:
    """The reference to `entry` (a specific, live translation the visitor may open)."""
    people = [one_line(credit.contributor.name) for credit in entry.public_contributors]
    issued = entry.documented_on or (
        timezone.localtime(entry.first_published_at).date() if entry.first_published_at else None
    )
    return Reference(
        key=f"heritage-{entry.translation_key}",
        entry_type=entry.specific_class._meta.model_name.removesuffix("page"),
        title=one_line(entry.title),
        native_title=one_line(entry.native_title),
        authors=people or [one_line(entry.attribution)],
        authors_are_people=bool(people),
        issued=issued,
        ethnic_groups=[one_line(group.name) for group in entry.ethnic_groups.all()],
        places=[one_line(str(entry_place.place)) for entry_place in entry.ordered_places],
        language=entry.locale.language_code,
        url=entry.get_permalink(),
        publisher=one_line(str(settings.WAGTAIL_SITE_NAME)),
        licence=one_line(str(entry.get_licence_display())),
        accessed=timezone.localdate(),
    )
