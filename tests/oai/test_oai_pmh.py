"""The OAI-PMH endpoint as a harvester meets it: an outside harvester library
(oaipmh-scythe) harvests the whole demo archive in both formats through resumption
tokens; entries that leave the public come back as deleted records; the spec's errors;
hostile arguments."""

from urllib.parse import urlencode
from xml.etree import ElementTree

import httpx2
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from oaipmh_scythe import Scythe

from django.contrib.auth.models import AnonymousUser
from django.core.wsgi import get_wsgi_application

from wagtail.models import Locale

from heritage.access import AccessLevel, apply_access_level
from heritage.consent import withdraw
from heritage.models import EntryPage, RecordingPage
from heritage.models.consent import ConsentRecord, ConsentScope
from oai.views import identifier_of

pytestmark = pytest.mark.django_db

OAI = "{http://www.openarchives.org/OAI/2.0/}"
OLAC = "{http://www.language-archives.org/OLAC/1.1/}"
DC = "{http://purl.org/dc/elements/1.1/}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
ERRORS = {"badVerb", "badArgument", "badResumptionToken", "cannotDisseminateFormat", "idDoesNotExist", "noRecordsMatch"}
PAGE_SIZE = 4


class InProcessScythe(Scythe):
    """The harvester, talking to the archive through WSGI in this process (and in the
    test's transaction) rather than over a socket; it counts its requests."""

    requests = 0

    @property
    def client(self) -> httpx2.Client:
        if self._client is None:
            self._client = httpx2.Client(
                transport=httpx2.WSGITransport(app=get_wsgi_application()),
                event_hooks={"request": [self._count]},
            )
        return self._client

    def _count(self, request) -> None:
        self.requests += 1


@pytest.fixture(autouse=True)
def small_pages(settings):
    settings.OAI_PAGE_SIZE = PAGE_SIZE


@pytest.fixture
def harvester():
    with InProcessScythe("http://testserver/oai/") as scythe:
        yield scythe


def public_keys(model=EntryPage) -> set[str]:
    entries = model.objects.visible_to(AnonymousUser())
    return {identifier_of(key) for key in entries.values_list("translation_key", flat=True)}


def ask(client, **arguments) -> ElementTree.Element:
    response = client.get("/oai/?" + urlencode(arguments))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return ElementTree.fromstring(response.content)


def error_code(root: ElementTree.Element) -> str | None:
    error = root.find(f"{OAI}error")
    return None if error is None else error.get("code")


def harvest(harvester, prefix: str) -> dict:
    return {record.header.identifier: record for record in harvester.list_records(metadata_prefix=prefix)}


def test_a_harvester_harvests_every_public_entry_in_oai_dc_through_resumption_tokens(harvester):
    records = harvest(harvester, "oai_dc")
    public = public_keys()
    hidden = set(EntryPage.objects.values_list("translation_key", flat=True))
    hidden = {identifier_of(key) for key in hidden} - public
    assert len(public) > 2 * PAGE_SIZE and hidden, "the demo needs public and restricted entries"
    assert harvester.requests >= len(public) / PAGE_SIZE
    assert {key for key, record in records.items() if not record.deleted} == public
    assert not hidden & set(records)
    entry = EntryPage.objects.visible_to(AnonymousUser()).filter(locale__language_code="vi").first()
    metadata = records[identifier_of(entry.translation_key)].metadata
    english = entry.get_translation(Locale.objects.get(language_code="en"))
    assert {entry.title, english.title} <= set(metadata["title"])
    assert entry.get_permalink() in metadata["identifier"]
    assert any(group.name_vi in metadata["subject"] for group in entry.ethnic_groups.all())


def test_a_harvester_harvests_every_public_recording_in_olac(harvester):
    records = harvest(harvester, "olac")
    recordings = public_keys(RecordingPage)
    assert recordings and recordings < public_keys()
    assert {key for key, record in records.items() if not record.deleted} == recordings
    recording = RecordingPage.objects.visible_to(AnonymousUser()).filter(locale__language_code="vi").first()
    xml = records[identifier_of(recording.translation_key)].xml
    languages = {
        element.get(f"{OLAC}code") for element in xml.iter(f"{DC}language") if element.get(XSI_TYPE) == "olac:language"
    }
    assert languages == {language.iso_639_3 for language in recording.content_languages.all()}
    types = {element.get(XSI_TYPE): element.get(f"{OLAC}code") for element in xml.iter(f"{DC}type")}
    assert types.get("olac:discourse-type") or recording.genre == RecordingPage.Genre.WORD_LIST
    fields = [e for e in xml.iter(f"{DC}subject") if e.get(XSI_TYPE) == "olac:linguistic-field"]
    assert fields and all(field.get(f"{OLAC}code") for field in fields)
    assert any(e.tag.endswith("license") and e.text == recording.licence_url for e in xml.iter())


def test_a_custom_is_not_offered_in_olac(client):
    entry = next(
        e for e in EntryPage.objects.visible_to(AnonymousUser()).specific() if not isinstance(e, RecordingPage)
    )
    root = ask(client, verb="GetRecord", identifier=identifier_of(entry.translation_key), metadataPrefix="olac")
    assert error_code(root) == "cannotDisseminateFormat"
    root = ask(client, verb="GetRecord", identifier=identifier_of(entry.translation_key), metadataPrefix="oai_dc")
    assert error_code(root) is None
    formats = ask(client, verb="ListMetadataFormats", identifier=identifier_of(entry.translation_key))
    assert [e.text for e in formats.iter(f"{OAI}metadataPrefix")] == ["oai_dc"]


def _get_record(client, entry, prefix="oai_dc"):
    root = ask(client, verb="GetRecord", identifier=identifier_of(entry.translation_key), metadataPrefix=prefix)
    return root.find(f"{OAI}GetRecord/{OAI}record")


def test_a_restricted_entry_becomes_a_deleted_record_and_disappears_from_metadata(client, harvester):
    entry, other = EntryPage.objects.visible_to(AnonymousUser()).filter(locale__language_code="vi")[:2]
    assert _get_record(client, entry).find(f"{OAI}header").get("status") is None
    EntryPage.objects.filter(translation_key=entry.translation_key).update(access_level=AccessLevel.RESTRICTED)
    apply_access_level(entry, AccessLevel.RESTRICTED)

    record = _get_record(client, entry)
    assert record.find(f"{OAI}header").get("status") == "deleted"
    assert record.find(f"{OAI}metadata") is None
    headers = {header.identifier: header for header in harvester.list_identifiers(metadata_prefix="oai_dc")}
    assert headers[identifier_of(entry.translation_key)].deleted
    assert not headers[identifier_of(other.translation_key)].deleted  # positive control
    records = harvest(harvester, "oai_dc")
    assert records[identifier_of(entry.translation_key)].deleted
    assert entry.title.encode() not in records[identifier_of(entry.translation_key)].raw.encode()


def test_withdrawn_consent_is_reported_as_deleted_since_the_withdrawal(client, harvester, django_user_model):
    record = ConsentRecord.objects.filter(
        entry__live=True, scope=ConsentScope.PUBLIC, withdrawn_at__isnull=True
    ).first()
    entry = record.entry
    assert identifier_of(entry.translation_key) in public_keys()
    before = ask(client, verb="Identify").find(f"{OAI}responseDate").text
    withdraw(record, django_user_model.objects.get(username="officer"))

    deleted = list(harvester.list_identifiers(metadata_prefix="oai_dc", from_=before))
    assert identifier_of(entry.translation_key) in {header.identifier for header in deleted if header.deleted}
    assert all(header.datestamp >= before for header in deleted)
    # Deleted for good: still reported on the next harvest.
    assert _get_record(client, entry).find(f"{OAI}header").get("status") == "deleted"


def test_people_who_may_not_be_named_are_left_out(client):
    entry = next(
        e
        for e in EntryPage.objects.visible_to(AnonymousUser()).filter(locale__language_code="vi")
        if e.contributors.count() >= 2
    )
    hidden, named = list(entry.contributors.all())[:2]
    hidden.may_be_named = False
    hidden.save()
    names = {e.text for e in _get_record(client, entry).iter(f"{DC}contributor")}
    assert named.contributor.name in names
    assert hidden.contributor.name not in names


def test_sets_by_group_type_and_province(harvester):
    specs = {item.setSpec for item in harvester.list_sets()}
    assert {"group", "type", "province", "type:festival", "type:custom", "type:recording"} <= specs
    recording = RecordingPage.objects.visible_to(AnonymousUser()).first()
    group = recording.ethnic_groups.first()
    province = recording.ordered_places[0].place.current_province()
    for spec in (f"group:{group.code}", f"province:{province.code}", "type:recording"):
        assert spec in specs
        headers = list(harvester.list_identifiers(metadata_prefix="oai_dc", set_=spec))
        assert identifier_of(recording.translation_key) in {header.identifier for header in headers}
        assert all(spec in header.setSpecs for header in headers)
    festivals = {
        header.identifier for header in harvester.list_identifiers(metadata_prefix="oai_dc", set_="type:festival")
    }
    assert identifier_of(recording.translation_key) not in festivals and festivals


def test_identify_and_date_ranges(client):
    root = ask(client, verb="Identify")
    identify = root.find(f"{OAI}Identify")
    assert identify.find(f"{OAI}deletedRecord").text == "persistent"
    assert identify.find(f"{OAI}granularity").text == "YYYY-MM-DDThh:mm:ssZ"
    earliest = identify.find(f"{OAI}earliestDatestamp").text
    assert (
        error_code(ask(client, verb="ListIdentifiers", metadataPrefix="oai_dc", until="1990-01-01")) == "noRecordsMatch"
    )
    everything = ask(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": earliest[:10]})
    assert error_code(everything) is None
    datestamps = [e.text for e in everything.iter(f"{OAI}datestamp")]
    assert datestamps and all(len(stamp) == 20 and stamp.endswith("Z") for stamp in datestamps)


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "Dance"}, "badVerb"),
        ({"verb": ["Identify", "Identify"]}, "badVerb"),
        ({"verb": "Identify", "set": "x"}, "badArgument"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": ["oai_dc", "olac"]}, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-01-01T00:00:00Z", "until": "2021-01-01"},
            "badArgument",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2021-01-01", "until": "2020-01-01"},
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "99999-01-01"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-13-45"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "x"}, "badArgument"),
        ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
        ({"verb": "ListSets", "resumptionToken": "x"}, "badResumptionToken"),
        ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
        ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:elsewhere:1"}, "idDoesNotExist"),
        ({"verb": "ListMetadataFormats", "identifier": "oai:x"}, "idDoesNotExist"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "group:nobody"}, "noRecordsMatch"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "GROUP"}, "noRecordsMatch"),
    ],
)
def test_each_error_of_the_spec(client, arguments, code):
    response = client.get("/oai/?" + urlencode(arguments, doseq=True))
    root = ElementTree.fromstring(response.content)
    assert error_code(root) == code
    if code in ("badVerb", "badArgument"):
        assert root.find(f"{OAI}request").attrib == {}


def test_a_restricted_entry_never_harvested_does_not_exist(client):
    restricted = EntryPage.objects.filter(access_level=AccessLevel.RESTRICTED).first()
    public = EntryPage.objects.visible_to(AnonymousUser()).first()
    for prefix in ("oai_dc", "olac"):
        root = ask(
            client, verb="GetRecord", identifier=identifier_of(restricted.translation_key), metadataPrefix=prefix
        )
        assert error_code(root) == "idDoesNotExist"
    assert (
        error_code(
            ask(client, verb="GetRecord", identifier=identifier_of(public.translation_key), metadataPrefix="oai_dc")
        )
        is None
    )


def test_a_token_for_another_verb_or_tampered_is_refused(client):
    root = ask(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = root.find(f"{OAI}ListIdentifiers/{OAI}resumptionToken").text
    assert error_code(ask(client, verb="ListIdentifiers", resumptionToken=token)) is None
    assert error_code(ask(client, verb="ListRecords", resumptionToken=token)) == "badResumptionToken"
    assert error_code(ask(client, verb="ListIdentifiers", resumptionToken=token[:-2] + "xx")) == "badResumptionToken"


def test_post_answers_as_get(client):
    root = ElementTree.fromstring(client.post("/oai/", {"verb": "Identify"}).content)
    assert root.find(f"{OAI}Identify") is not None


ARGUMENT_NAMES = st.sampled_from(
    ["verb", "metadataPrefix", "identifier", "from", "until", "set", "resumptionToken", "x"]
)
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "Identify",
            "ListRecords",
            "ListIdentifiers",
            "GetRecord",
            "ListSets",
            "ListMetadataFormats",
            "oai_dc",
            "olac",
            "9999-12-31",
            "0001-01-01T00:00:00Z",
            "2026-02-30",
            "group:co-tu",
        ]
    ),
)


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(ARGUMENT_NAMES, VALUES), max_size=5))
def test_hostile_arguments_never_break_the_endpoint(client, pairs):
    for method in (client.get, client.post):
        response = method("/oai/", {name: [value for n, value in pairs if n == name] for name, _ in pairs})
        assert response.status_code == 200
        root = ElementTree.fromstring(response.content)
        assert error_code(root) in ERRORS | {None}
