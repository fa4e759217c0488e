from heritage.access import AccessLevel

from .consent import ConsentRecord, ConsentScope
from .contributors import Contributor
from .entries import (
    ENTRY_TYPES,
    ContributorRole,
    CustomPage,
    EntryContributor,
    EntryPage,
    EntryPlace,
    EntryTag,
    FestivalPage,
    Licence,
    RecordingPage,
)
from .notices import SensitivityNotice
from .reference import EthnicGroup, Language, LanguageFamily, Place
from .site import (
    CustomIndexPage,
    EthnicGroupIndexPage,
    FestivalIndexPage,
    HomePage,
    PlaceIndexPage,
    RecordingIndexPage,
)

__all__ = [
    "ENTRY_TYPES",
    "AccessLevel",
    "ConsentRecord",
    "ConsentScope",
    "Contributor",
    "ContributorRole",
    "CustomIndexPage",
    "CustomPage",
    "EntryContributor",
    "EntryPage",
    "EntryPlace",
    "EntryTag",
    "EthnicGroup",
    "EthnicGroupIndexPage",
    "FestivalIndexPage",
    "FestivalPage",
    "HomePage",
    "Language",
    "LanguageFamily",
    "Licence",
    "Place",
    "PlaceIndexPage",
    "RecordingIndexPage",
    "RecordingPage",
    "SensitivityNotice",
]
