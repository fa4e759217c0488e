"""The OAI-PMH 2.0 grammar: which arguments each verb takes, how dates and resumption
tokens are read, and the spec's error codes. No database here."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core import signing

VERBS = {
    # verb: (required, optional, exclusive)
    "Identify": (set(), set(), None),
    "ListMetadataFormats": (set(), {"identifier"}, None),
    "ListSets": (set(), set(), "resumptionToken"),
    "GetRecord": ({"identifier", "metadataPrefix"}, set(), None),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
}
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
SECOND = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
TOKEN_SALT = "oai.resumption"


class OaiError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass
class Request:
    verb: str
    arguments: dict[str, str]


def read_request(query) -> Request:
    """The verb and arguments of `query` (a QueryDict), or the error that refuses them."""
    verbs = query.getlist("verb")
    if len(verbs) != 1 or verbs[0] not in VERBS:
        raise OaiError("badVerb", "The verb is missing, repeated or not an OAI-PMH verb.")
    verb = verbs[0]
    required, optional, exclusive = VERBS[verb]
    arguments = {}
    for name in query:
        if name == "verb":
            continue
        values = query.getlist(name)
        if name not in required | optional | {exclusive} or len(values) != 1:
            raise OaiError("badArgument", "An argument is not allowed for this verb, or repeated.")
        arguments[name] = values[0]
    if exclusive and exclusive in arguments:
        if len(arguments) > 1:
            raise OaiError("badArgument", "The resumption token must be the only argument.")
    elif not required <= set(arguments):
        raise OaiError("badArgument", "A required argument is missing.")
    return Request(verb, arguments)


def read_range(arguments: dict[str, str]) -> tuple[datetime | None, datetime | None]:
    """`from` and `until` as an inclusive range of UTC datetimes (a day means all of it)."""
    bounds = []
    for name in ("from", "until"):
        value = arguments.get(name)
        if value is None:
            bounds.append((None, None))
            continue
        try:
            if DAY.fullmatch(value):
                moment = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
                if name == "until":
                    moment += timedelta(days=1) - timedelta(seconds=1)
                bounds.append((moment, "day"))
            elif SECOND.fullmatch(value):
                bounds.append((datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC), "second"))
            else:
                raise ValueError(value)
        except (ValueError, OverflowError):
            raise OaiError("badArgument", "Dates are YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ.") from None
    (start, start_kind), (end, end_kind) = bounds
    if start_kind and end_kind and start_kind != end_kind:
        raise OaiError("badArgument", "from and until must have the same granularity.")
    if start and end and start > end:
        raise OaiError("badArgument", "from is later than until.")
    return start, end


def make_token(state: dict) -> str:
    return signing.dumps(state, salt=TOKEN_SALT, compress=True)


def read_token(token: str) -> dict:
    try:
        state = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        raise OaiError("badResumptionToken", "The resumption token is not one this repository issued.") from None
    if not isinstance(state, dict):
        raise OaiError("badResumptionToken", "The resumption token is not one this repository issued.")
    return state


def format_datestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
