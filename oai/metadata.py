"""What a harvester reads of one entry, in both of its languages: the values behind the
oai_dc and OLAC templates (templates/oai/). Only what an anonymous visitor may see of
the entry, and only the people whose consent lets them be named."""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation

from heritage.consent import records_in_force
from heritage.models import EntryPage, RecordingPage
from heritage.models.consent import ConsentScope

# OLAC 1.1 vocabularies (http://www.language-archives.org/REC/).
DISCOURSE_TYPES = {
    RecordingPage.Genre.SONG: "singing",
    RecordingPage.Genre.TALE: "narrative",
    RecordingPage.Genre.EPIC: "narrative",
    RecordingPage.Genre.PRAYER: "formulaic",
    RecordingPage.Genre.CONVERSATION: "dialogue",
    RecordingPage.Genre.ORAL_HISTORY: "narrative",
}
LINGUISTIC_FIELDS = {RecordingPage.Genre.WORD_LIST: ["language_documentation", "lexicography"]}
DEFAULT_LINGUISTIC_FIELDS = ["language_documentation", "anthropological_linguistics"]
OLAC_ROLES = {
    "knowledge_keeper": "consultant",
    "speaker": "speaker",
    "singer": "singer",
    "performer": "performer",
    "narrator": "speaker",
    "artisan": "participant",
    "interviewer": "interviewer",
    "translator": "translator",
    "collector": "researcher",
}
DCMI_TYPES = {"festival": "Event", "custom": "Text", "recording": "Sound"}
# XML 1.0 cannot carry these characters at all, even escaped.
NOT_IN_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value) -> str:
    return NOT_IN_XML.sub("", str(value))


@dataclass
class Text:
    value: str
    language: str


@dataclass
class Person:
    name: str
    role: str
    olac_role: str


@dataclass
class EntryMetadata:
    identifier: str
    titles: list[Text] = field(default_factory=list)
    descriptions: list[Text] = field(default_factory=list)
    subjects: list[Text] = field(default_factory=list)
    coverage: list[Text] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    dcmi_types: list[str] = field(default_factory=list)
    date: str = ""
    urls: list[str] = field(default_factory=list)
    licence: str = ""
    licence_url: str = ""
    attribution: str = ""
    publishers: list[Text] = field(default_factory=list)
    content_languages: list[tuple[str, str]] = field(default_factory=list)
    subject_languages: list[tuple[str, str]] = field(default_factory=list)
    discourse_type: str = ""
    linguistic_fields: list[str] = field(default_factory=list)
    is_recording: bool = False


def describe(translations: list[EntryPage], identifier: str) -> EntryMetadata:
    """The metadata of one entry from its public translations (specific pages), the
    Vietnamese one first."""
    translations = sorted(translations, key=lambda page: page.locale.language_code != settings.LANGUAGE_CODE)
    source = translations[0]
    data = EntryMetadata(identifier=identifier, is_recording=isinstance(source, RecordingPage))
    for page in translations:
        language = page.locale.language_code
        data.titles.append(Text(xml_text(page.title), language))
        data.descriptions.append(Text(xml_text(page.summary), language))
        data.urls.append(page.full_url)
    if source.native_title:
        code = source.native_title_language.iso_639_3 if source.native_title_language else ""
        data.titles.append(Text(xml_text(source.native_title), code))
    for group in source.ethnic_groups.all():
        data.subjects += [Text(xml_text(group.name_vi), "vi"), Text(xml_text(group.name_en), "en")]
    for page in translations:
        data.subjects += [Text(xml_text(tag.name), page.locale.language_code) for tag in page.tags.all()]
    for entry_place in source.ordered_places:
        data.coverage += [Text(xml_text(entry_place.place.name_vi), "vi")]
        if entry_place.place.name_en:
            data.coverage.append(Text(xml_text(entry_place.place.name_en), "en"))
    data.people = named_people(translations)
    code = type(source)._meta.model_name.removesuffix("page")
    data.dcmi_types = [DCMI_TYPES.get(code, "Text")]
    if any(block.value["media"].type == "video" for block in source.shared_audio_video_blocks if block.value["media"]):
        data.dcmi_types.append("MovingImage")
    data.date = source.documented_on.isoformat() if source.documented_on else ""
    data.urls.insert(0, source.get_permalink())
    data.licence, data.licence_url = source.get_licence_display(), source.licence_url
    data.attribution = xml_text(source.attribution)
    for language in ("vi", "en"):
        with translation.override(language):
            data.publishers.append(Text(xml_text(settings.WAGTAIL_SITE_NAME), language))
    if data.is_recording:
        data.content_languages = [(lang.iso_639_3, xml_text(lang.name_en)) for lang in source.content_languages.all()]
        described = source.described_language
        subject = [described] if described else list(source.content_languages.all())
        data.subject_languages = [(lang.iso_639_3, xml_text(lang.name_en)) for lang in subject]
        data.discourse_type = DISCOURSE_TYPES.get(source.genre, "")
        data.linguistic_fields = LINGUISTIC_FIELDS.get(source.genre, DEFAULT_LINGUISTIC_FIELDS)
    return data


def named_people(translations: list[EntryPage]) -> list[Person]:
    """The entry's people who may be named: marked so in every translation, and whose
    consent in force agrees to publication (not withdrawn, ended or unpublished)."""
    refused = set()
    for record in records_in_force(translations[0].translation_key):
        if record.withdrawn_at is not None or record.has_ended() or record.scope == ConsentScope.NOT_PUBLISHED:
            refused.add(record.contributor_id)
    rows = [row for page in translations for row in page.contributors.select_related("contributor")]
    refused |= {row.contributor_id for row in rows if not row.may_be_named}
    people, seen = [], set()
    for row in rows:
        if row.contributor_id not in refused and (row.contributor_id, row.role) not in seen:
            seen.add((row.contributor_id, row.role))
            people.append(Person(xml_text(row.contributor.name), row.role, OLAC_ROLES.get(row.role, "participant")))
    return people
