"""Facets of a result set: what the matching entries have, with counts, and the filters a
visitor picked. Each entry's facet keys are indexed with it on a search node, which counts
them; on the database index they are counted here from the ids of entries the visitor may
see. Either way entries hidden from the visitor never reach a count."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from heritage.models import EntryPage, EntryPlace, EthnicGroup, Language, Place, RecordingPage
from media_pipeline.models import MediaAsset

FACET_NAMES = ("group", "province", "type", "language", "decade", "has")
HAS_LABELS = {"video": _("video"), "audio": _("audio"), "transcript": _("transcript")}
FACET_LABELS = {
    "group": _("Ethnic group"),
    "province": _("Province"),
    "type": _("Entry type"),
    "language": _("Language"),
    "decade": _("Decade recorded"),
    "has": _("Has"),
}


@dataclass
class FacetValue:
    key: str
    label: str
    count: int
    selected: bool = False
    url: str = ""


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue] = field(default_factory=list)


def entry_values(ids: list[int]) -> dict[str, dict[int, set[str]]]:
    """For each facet, entry id → the facet keys it has."""
    values: dict[str, dict[int, set[str]]] = {name: defaultdict(set) for name in FACET_NAMES}
    groups = EntryPage.ethnic_groups.through.objects.filter(entrypage_id__in=ids)
    for entry_id, code in groups.values_list("entrypage_id", "ethnicgroup__code"):
        values["group"][entry_id].add(code)
    provinces = {}
    for entry_place in EntryPlace.objects.filter(entry_id__in=ids).select_related("place"):
        if entry_place.place_id not in provinces:
            province = entry_place.place.current_province()
            provinces[entry_place.place_id] = province.code if province else None
        if provinces[entry_place.place_id]:
            values["province"][entry_place.entry_id].add(provinces[entry_place.place_id])
    models = {
        content_type.pk: content_type.model
        for content_type in ContentType.objects.get_for_models(*EntryPage.__subclasses__()).values()
    }
    media_ids: dict[int, set[int]] = defaultdict(set)
    transcripts: set[int] = set()
    rows = EntryPage.objects.filter(pk__in=ids).values_list("pk", "content_type_id", "documented_on", "media")
    for entry_id, content_type_id, documented_on, media in rows:
        values["type"][entry_id].add(models.get(content_type_id, "entry").removesuffix("page"))
        if documented_on:
            values["decade"][entry_id].add(str(documented_on.year // 10 * 10))
        for block in media.raw_data if hasattr(media, "raw_data") else media or []:
            if block.get("type") == "audio_video" and block["value"].get("media"):
                media_ids[entry_id].add(block["value"]["media"])
                if (block["value"].get("transcript") or "").strip():
                    transcripts.add(entry_id)
    all_media = {asset_id for assets in media_ids.values() for asset_id in assets}
    asset_types = dict(MediaAsset.objects.filter(pk__in=all_media).values_list("pk", "type"))
    captioned = set(MediaAsset.objects.filter(pk__in=all_media, captions__isnull=False).values_list("pk", flat=True))
    for entry_id, assets in media_ids.items():
        for asset_id in assets:
            if asset_id in asset_types:
                values["has"][entry_id].add(asset_types[asset_id])
            if asset_id in captioned:
                transcripts.add(entry_id)
    for entry_id in transcripts:
        values["has"][entry_id].add("transcript")
    languages = RecordingPage.content_languages.through.objects.filter(recordingpage_id__in=ids)
    for entry_id, code in languages.values_list("recordingpage_id", "language__code"):
        values["language"][entry_id].add(code)
    return values


def entry_keys(ids: list[int]) -> dict[int, dict[str, list[str]]]:
    """For each entry id, facet name → its keys: what a search node indexes with the entry."""
    values = entry_values(ids)
    return {entry_id: {name: sorted(values[name][entry_id]) for name in FACET_NAMES} for entry_id in ids}


def count_values(ids: list[int], values: dict[str, dict[int, set[str]]]) -> dict[str, Counter]:
    return {name: Counter(key for entry_id in ids for key in values[name][entry_id]) for name in FACET_NAMES}


def selected_filters(params) -> dict[str, list[str]]:
    return {name: [value for value in params.getlist(name) if value] for name in FACET_NAMES if params.getlist(name)}


def apply_filters(ids: list[int], values: dict[str, dict[int, set[str]]], selected: dict[str, list[str]]) -> list[int]:
    """The ids (order kept) having every selected value; values within a facet combine with "or"."""
    return [entry_id for entry_id in ids if all(values[name][entry_id] & set(keys) for name, keys in selected.items())]


def build_facets(counts: dict[str, Counter], selected: dict[str, list[str]], params) -> list[Facet]:
    """The counts of the filtered results, each value labelled and with the URL that toggles it."""
    labels = _labels({name: set(counts.get(name, ())) for name in FACET_NAMES})
    facets = []
    for name in FACET_NAMES:
        facet = Facet(name=name, label=str(FACET_LABELS[name]))
        named = labels[name]
        ordered = sorted(counts.get(name, Counter()).items(), key=lambda item: (-item[1], named.get(item[0], item[0])))
        for key, count in ordered:
            chosen = key in selected.get(name, [])
            facet.values.append(
                FacetValue(key, labels[name].get(key, key), count, chosen, _toggle_url(params, name, key, chosen))
            )
        if facet.values:
            facets.append(facet)
    return facets


def _toggle_url(params, name: str, key: str, chosen: bool) -> str:
    pairs = [(param, value) for param, value in params.lists() for value in value if param != "page"]
    pairs = [(param, value) for param, value in pairs if not (param == name and value == key)]
    if not chosen:
        pairs.append((name, key))
    return "?" + urlencode(pairs)


def _labels(codes: dict[str, set[str]]) -> dict[str, dict[str, str]]:
    return {
        "group": {group.code: group.name for group in EthnicGroup.objects.filter(code__in=codes["group"])},
        "province": {place.code: place.name for place in Place.objects.filter(code__in=codes["province"])},
        "language": {language.code: language.name for language in Language.objects.filter(code__in=codes["language"])},
        "type": {
            model.__name__.lower().removesuffix("page"): str(model._meta.verbose_name)
            for model in EntryPage.__subclasses__()
        },
        "decade": {decade: pgettext("decade", "%(decade)ss") % {"decade": decade} for decade in codes["decade"]},
        "has": {key: str(label) for key, label in HAS_LABELS.items()},
    }
