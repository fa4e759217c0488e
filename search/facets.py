"""Facets of a result set: what the matching entries have, with counts, and the filters a
visitor picked. Each entry's facet keys are indexed with it on a search node, which counts
them; on the database index they are filtered and counted here in SQL, one GROUP BY per
facet over the whole set of matches the visitor may see (given as a queryset, never as a
list of ids). Either way entries hidden from the visitor never reach a count."""

import json
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import CharField, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast, ExtractYear
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from heritage.models import EntryPage, EntryPlace, EthnicGroup, Language, Place, RecordingPage, SensitivityNotice
from media_pipeline.models import CaptionTrack, MediaAsset
from page_cache.memo import per_generation_function

FACET_NAMES = ("group", "province", "type", "language", "decade", "has", "notice")
HAS_LABELS = {"video": _("video"), "audio": _("audio"), "transcript": _("transcript")}
FACET_LABELS = {
    "group": _("Ethnic group"),
    "province": _("Province"),
    "type": _("Entry type"),
    "language": _("Language"),
    "decade": _("Decade recorded"),
    "has": _("Has"),
    "notice": _("Sensitivity notice"),
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
    notices = EntryPage.notices.through.objects.filter(entrypage_id__in=ids)
    for entry_id, code in notices.values_list("entrypage_id", "sensitivitynotice__code"):
        values["notice"][entry_id].add(code)
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


def filter_entries(entries: QuerySet, selected: dict[str, list[str]]) -> QuerySet:
    """The entries having every selected value, in SQL, except "has" (see `media_keys`);
    values within a facet combine with "or"."""
    for name, keys in selected.items():
        if name == "group":
            through = EntryPage.ethnic_groups.through.objects.filter(ethnicgroup__code__in=keys)
            entries = entries.filter(pk__in=through.values("entrypage_id"))
        elif name == "notice":
            through = EntryPage.notices.through.objects.filter(sensitivitynotice__code__in=keys)
            entries = entries.filter(pk__in=through.values("entrypage_id"))
        elif name == "language":
            through = RecordingPage.content_languages.through.objects.filter(language__code__in=keys)
            entries = entries.filter(pk__in=through.values("recordingpage_id"))
        elif name == "province":
            places = [place for place, province in _place_provinces().items() if province in keys]
            entries = entries.filter(pk__in=EntryPlace.objects.filter(place_id__in=places).values("entry_id"))
        elif name == "type":
            types = {code: pk for pk, code in _type_codes().items()}
            entries = entries.filter(content_type_id__in=[types[key] for key in keys if key in types])
        elif name == "decade":
            years = [int(key) for key in keys if key.isascii() and key.isdigit()]
            years = [year for year in years if date.min.year <= year <= date.max.year - 9]
            entries = entries.filter(_decade_filter(years))
    return entries


def count_entries(entries: QuerySet) -> dict[str, Counter]:
    """For each facet but "has", key → how many of the entries have it, in one query: a
    GROUP BY per facet, joined by UNION ALL. Provinces are counted here from the entries'
    places (an entry with two places in one province counts once)."""
    pks = entries.values("pk")
    groups = EntryPage.ethnic_groups.through.objects.filter(entrypage_id__in=pks)
    notices = EntryPage.notices.through.objects.filter(entrypage_id__in=pks)
    languages = RecordingPage.content_languages.through.objects.filter(recordingpage_id__in=pks)
    parts = {
        "group": groups.values("ethnicgroup__code").annotate(count=Count("entrypage_id", distinct=True)),
        "notice": notices.values("sensitivitynotice__code").annotate(count=Count("entrypage_id", distinct=True)),
        "language": languages.values("language__code").annotate(count=Count("recordingpage_id", distinct=True)),
        "type": entries.values(key=Cast("content_type_id", CharField())).annotate(count=Count("pk")),
        "decade": entries.exclude(documented_on=None)
        # An integer first: PostgreSQL's EXTRACT gives a numeric, which divides exactly.
        .values(key=Cast(Cast(ExtractYear("documented_on"), IntegerField()) / 10 * 10, CharField()))
        .annotate(count=Count("pk")),
        # Not counted: each of the entries' places, as (place, entry), mapped to provinces below.
        "place": EntryPlace.objects.filter(entry_id__in=pks).values(
            key=Cast("place_id", CharField()), count=F("entry_id")
        ),
    }
    selects, params = [], []
    for name, part in parts.items():
        try:
            sql, part_params = part.order_by().query.sql_with_params()
        except EmptyResultSet:  # an empty list of ids (outside SQLite, see `id_set`)
            continue
        # The names are this module's own constants, not input.
        selects.append(f"SELECT '{name}', facet_part.* FROM ({sql}) facet_part")
        params += part_params
    counts = {name: Counter() for name in FACET_NAMES if name != "has"}
    types, provinces = _type_codes(), _place_provinces()
    province_entries: dict[str, set[int]] = defaultdict(set)
    rows = []
    if selects:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(selects), params)
            rows = cursor.fetchall()
    for name, key, count in rows:
        if key is None:
            continue
        if name == "place":
            if provinces.get(int(key)):
                province_entries[provinces[int(key)]].add(count)
        elif name == "type":
            counts["type"][types.get(int(key), "entry")] += count
        else:
            counts[name][str(key)] += count
    counts["province"] = Counter({code: len(ids) for code, ids in province_entries.items()})
    return counts


@per_generation_function
def _media_keys_of_every_entry() -> dict[int, frozenset[str]]:
    """Entry id → its "has" keys (video, audio, transcript), for every entry with media:
    the media live in each entry's block list, so they are read here, once per generation."""
    media_ids: dict[int, set[int]] = defaultdict(set)
    keys: dict[int, set[str]] = defaultdict(set)
    with_recordings = EntryPage.objects.annotate(raw=Cast("media", TextField())).filter(raw__contains='"audio_video"')
    for entry_id, raw in with_recordings.values_list("pk", "raw").order_by():
        for block in json.loads(raw) if raw else []:
            if block.get("type") == "audio_video" and block["value"].get("media"):
                media_ids[entry_id].add(block["value"]["media"])
                if (block["value"].get("transcript") or "").strip():
                    keys[entry_id].add("transcript")
    used = {asset_id for assets in media_ids.values() for asset_id in assets}
    captioned = Exists(CaptionTrack.objects.filter(asset_id=OuterRef("pk")))
    asset_types, with_captions = {}, set()
    assets = MediaAsset.objects.filter(pk__in=used).values_list("pk", "type", captioned)
    for asset_id, asset_type, has_captions in assets:
        asset_types[asset_id] = asset_type
        if has_captions:
            with_captions.add(asset_id)
    for entry_id, assets in media_ids.items():
        keys[entry_id].update(asset_types[asset_id] for asset_id in assets if asset_id in asset_types)
        if assets & with_captions:
            keys[entry_id].add("transcript")
    return {entry_id: frozenset(found) for entry_id, found in keys.items() if found}


def media_keys(ids: Collection[int]) -> dict[int, frozenset[str]]:
    """Entry id → its "has" keys (video, audio, transcript), for those of the entries with
    media."""
    every = _media_keys_of_every_entry()
    return {pk: every[pk] for pk in ids if pk in every}


def _decade_filter(years: list[int]) -> Q:
    condition = Q(pk__in=[])
    for year in years:
        condition |= Q(documented_on__year__gte=year, documented_on__year__lt=year + 10)
    return condition


def _type_codes() -> dict[int, str]:
    """Content type id → entry type key ("festival", "custom", "recording")."""
    return {
        content_type.pk: content_type.model.removesuffix("page")
        for content_type in ContentType.objects.get_for_models(*EntryPage.__subclasses__()).values()
    }


@per_generation_function
def _place_provinces() -> dict[int, str | None]:
    """Place id → the code of today's province it lies in (None outside any): all places
    in one query, the chain of parents and successors followed here."""
    places = {place.pk: place for place in Place.objects.all()}
    provinces: dict[int, str | None] = {}
    for pk, place in places.items():
        current, seen = place, set()
        while current is not None and current.pk not in seen and not current.is_current_province:
            seen.add(current.pk)
            current = places.get(current.successor_id or current.parent_id)
        provinces[pk] = current.code if current is not None and current.is_current_province else None
    return provinces


def selected_filters(params) -> dict[str, list[str]]:
    return {name: [value for value in params.getlist(name) if value] for name in FACET_NAMES if params.getlist(name)}


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


@per_generation_function
def _named_by_code() -> dict[str, dict[str, object]]:
    """Groups, places, languages and notices by code: their names are read in the
    visitor's language when shown."""
    return {
        "group": {group.code: group for group in EthnicGroup.objects.all()},
        "province": {place.code: place for place in Place.objects.all()},
        "language": {language.code: language for language in Language.objects.all()},
        "notice": {notice.code: notice for notice in SensitivityNotice.objects.all()},
    }


def _labels(codes: dict[str, set[str]]) -> dict[str, dict[str, str]]:
    named = _named_by_code()
    return {
        "group": {code: named["group"][code].name for code in codes["group"] if code in named["group"]},
        "province": {code: named["province"][code].name for code in codes["province"] if code in named["province"]},
        "language": {code: named["language"][code].name for code in codes["language"] if code in named["language"]},
        "type": {
            model.__name__.lower().removesuffix("page"): str(model._meta.verbose_name)
            for model in EntryPage.__subclasses__()
        },
        "decade": {decade: pgettext("decade", "%(decade)ss") % {"decade": decade} for decade in codes["decade"]},
        "has": {key: str(label) for key, label in HAS_LABELS.items()},
        "notice": {code: named["notice"][code].label for code in codes["notice"] if code in named["notice"]},
    }
