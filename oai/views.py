"""The OAI-PMH endpoint (/oai/): one address for every verb, answering in XML with the
spec's errors; harvesting starts by bringing the harvest records up to date
(oai/records.py)."""

import uuid
from collections import defaultdict
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Min, Q
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from heritage.addresses import absolute_url
from heritage.models import EthnicGroup, Place

from .metadata import describe, xml_text
from .models import HarvestRecord
from .protocol import OaiError, format_datestamp, make_token, read_range, read_request, read_token
from .records import GROUP, PROVINCE, TYPE, public_entries, synchronise, type_code

FORMATS = {
    "oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", "http://www.openarchives.org/OAI/2.0/oai_dc/"),
    "olac": ("http://www.language-archives.org/OLAC/1.1/olac.xsd", "http://www.language-archives.org/OLAC/1.1/"),
}
# OLAC describes language resources: the archive's language recordings.
OLAC_SET = f"{TYPE}:recording"


def repository_identifier() -> str:
    return settings.OAI_REPOSITORY_IDENTIFIER or urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "localhost"


def identifier_of(translation_key) -> str:
    return f"oai:{repository_identifier()}:{translation_key}"


def key_of(identifier: str) -> uuid.UUID:
    prefix = f"oai:{repository_identifier()}:"
    try:
        if not identifier.startswith(prefix):
            raise ValueError(identifier)
        return uuid.UUID(identifier.removeprefix(prefix))
    except ValueError:
        raise OaiError("idDoesNotExist", "No item has this identifier.") from None


@csrf_exempt
@require_http_methods(["GET", "POST"])
def endpoint(request: HttpRequest) -> HttpResponse:
    query = request.POST if request.method == "POST" else request.GET
    base_url = absolute_url(reverse("oai"))
    context = {"base_url": base_url, "response_date": format_datestamp(timezone.now()), "request_arguments": {}}
    # Answers are the same whatever language the visitor's browser asks for.
    with translation.override(settings.LANGUAGE_CODE):
        try:
            oai_request = read_request(query)
            context["request_arguments"] = {"verb": oai_request.verb, **oai_request.arguments}
            template, values = VERB_HANDLERS[oai_request.verb](oai_request.arguments)
            context.update(values)
        except OaiError as error:
            if error.code in ("badVerb", "badArgument"):
                context["request_arguments"] = {}
            template = "oai/error.xml"
            context["error"] = error
        context["request_arguments"] = {name: xml_text(value) for name, value in context["request_arguments"].items()}
        body = render_to_string(template, context)
    return HttpResponse(body, content_type="text/xml; charset=utf-8")


def identify(arguments: dict) -> tuple[str, dict]:
    earliest = HarvestRecord.objects.aggregate(earliest=Min("datestamp"))["earliest"] or timezone.now()
    names = []
    for language in ("vi", "en"):
        with translation.override(language):
            names.append(str(settings.WAGTAIL_SITE_NAME))
    return "oai/identify.xml", {
        "repository_name": " / ".join(names),
        "admin_email": settings.OAI_ADMIN_EMAIL,
        "earliest_datestamp": format_datestamp(earliest),
        "repository_identifier": repository_identifier(),
        "sample_identifier": identifier_of(uuid.UUID(int=0)),
    }


def list_metadata_formats(arguments: dict) -> tuple[str, dict]:
    prefixes = list(FORMATS)
    if "identifier" in arguments:
        key = key_of(arguments["identifier"])
        synchronise([key])
        record = HarvestRecord.objects.filter(translation_key=key).first()
        if record is None:
            raise OaiError("idDoesNotExist", "No item has this identifier.")
        if f" {OLAC_SET} " not in record.set_specs:
            prefixes.remove("olac")
    return "oai/list_metadata_formats.xml", {
        "formats": [(prefix, *FORMATS[prefix]) for prefix in prefixes],
    }


def all_sets() -> list[tuple[str, str]]:
    """Every set spec with its name: entry types, ethnic groups and today's provinces."""
    from heritage.models import ENTRY_TYPES

    sets = [(TYPE, "Loại mục / Entry type")]
    for entry_class in ENTRY_TYPES:
        with translation.override("vi"):
            vi = str(entry_class._meta.verbose_name)
        with translation.override("en"):
            en = str(entry_class._meta.verbose_name)
        sets.append((f"{TYPE}:{type_code(entry_class)}", f"{vi} / {en}"))
    sets.append((GROUP, "Dân tộc / Ethnic group"))
    sets += [(f"{GROUP}:{group.code}", f"{group.name_vi} / {group.name_en}") for group in EthnicGroup.objects.all()]
    sets.append((PROVINCE, "Tỉnh, thành phố / Province"))
    provinces = Place.objects.filter(kind__in=[Place.Kind.CITY, Place.Kind.PROVINCE]).order_by("code")
    sets += [(f"{PROVINCE}:{place.code}", f"{place.name_vi} / {place.name_en or place.name_vi}") for place in provinces]
    return sets


def list_sets(arguments: dict) -> tuple[str, dict]:
    if "resumptionToken" in arguments:
        raise OaiError("badResumptionToken", "This repository lists all sets at once.")
    return "oai/list_sets.xml", {"sets": [(spec, xml_text(name)) for spec, name in all_sets()]}


def get_record(arguments: dict) -> tuple[str, dict]:
    prefix = arguments["metadataPrefix"]
    if prefix not in FORMATS:
        raise OaiError("cannotDisseminateFormat", "This repository offers oai_dc and olac.")
    key = key_of(arguments["identifier"])
    synchronise([key])
    record = HarvestRecord.objects.filter(translation_key=key).first()
    if record is None:
        raise OaiError("idDoesNotExist", "No item has this identifier.")
    if prefix == "olac" and f" {OLAC_SET} " not in record.set_specs:
        raise OaiError("cannotDisseminateFormat", "OLAC describes the archive's language recordings only.")
    return "oai/get_record.xml", {"record": records_of([record], prefix)[0], "prefix": prefix}


def list_identifiers(arguments: dict) -> tuple[str, dict]:
    return list_records(arguments, with_metadata=False)


def list_records(arguments: dict, with_metadata: bool = True) -> tuple[str, dict]:
    verb = "ListRecords" if with_metadata else "ListIdentifiers"
    state = list_state(arguments, verb)
    rows = HarvestRecord.objects.filter(datestamp__lte=datetime.fromisoformat(state["until"]))
    if state["from"]:
        rows = rows.filter(datestamp__gte=datetime.fromisoformat(state["from"]))
    for spec in filter(None, [state["set"], OLAC_SET if state["prefix"] == "olac" else None]):
        rows = rows.filter(set_specs__contains=f" {spec} ")
    total = rows.count()
    if total == 0:
        raise OaiError("noRecordsMatch", "No records match these arguments.")
    if state["after"]:
        after_date, after_key = datetime.fromisoformat(state["after"][0]), uuid.UUID(state["after"][1])
        rows = rows.filter(Q(datestamp__gt=after_date) | Q(datestamp=after_date, translation_key__gt=after_key))
    page = list(rows.order_by("datestamp", "translation_key")[: settings.OAI_PAGE_SIZE + 1])
    more, page = len(page) > settings.OAI_PAGE_SIZE, page[: settings.OAI_PAGE_SIZE]
    token = None
    if more:
        last = page[-1]
        next_state = {**state, "after": [last.datestamp.isoformat(), str(last.translation_key)]}
        next_state["cursor"] = state["cursor"] + len(page)
        token = make_token(next_state)
    template = "oai/list_records.xml" if with_metadata else "oai/list_identifiers.xml"
    return template, {
        "records": records_of(page, state["prefix"] if with_metadata else None),
        "prefix": state["prefix"],
        "token": token,
        # The spec asks for the (then empty) token element on the last page of a list
        # that was resumed.
        "show_token": more or state["after"] is not None,
        "complete_list_size": total,
        "cursor": state["cursor"],
    }


def list_state(arguments: dict, verb: str) -> dict:
    """Where a list starts or resumes: from the token, or from the arguments (then the
    harvest records are brought up to date and the list's end is fixed at now)."""
    if "resumptionToken" in arguments:
        state = read_token(arguments["resumptionToken"])
        if state.get("verb") != verb or state.get("prefix") not in FORMATS:
            raise OaiError("badResumptionToken", "The resumption token is not one for this verb.")
        return state
    prefix = arguments["metadataPrefix"]
    start, end = read_range(arguments)
    if prefix not in FORMATS:
        raise OaiError("cannotDisseminateFormat", "This repository offers oai_dc and olac.")
    spec = arguments.get("set")
    if spec is not None and spec not in {spec for spec, _ in all_sets()}:
        raise OaiError("noRecordsMatch", "This repository has no such set.")
    synchronise()
    end = min(end, timezone.now()) if end else timezone.now()
    return {
        "verb": verb,
        "prefix": prefix,
        "set": spec,
        "from": start.isoformat() if start else None,
        "until": end.astimezone(UTC).isoformat(),
        "after": None,
        "cursor": 0,
    }


def records_of(rows: list[HarvestRecord], prefix: str | None) -> list[dict]:
    """Header (and metadata, when `prefix` is given) of each row. A row recorded as public
    whose entry left the public since is reported deleted: nothing leaks between passes."""
    keys = [row.translation_key for row in rows if not row.deleted]
    translations = defaultdict(list)
    if keys:
        entries = public_entries().filter(translation_key__in=keys).select_related("locale").specific()
        for entry in entries:
            translations[entry.translation_key].append(entry)
    records = []
    for row in rows:
        pages = translations.get(row.translation_key)
        identifier = identifier_of(row.translation_key)
        record = {
            "identifier": identifier,
            "datestamp": format_datestamp(row.datestamp),
            "deleted": not pages,
            "set_specs": row.set_specs.split(),
        }
        if pages and prefix:
            record["metadata"] = describe(pages, identifier)
        records.append(record)
    return records


VERB_HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}
