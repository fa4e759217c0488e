"""An entry's search document holds data of the objects it uses: its ethnic groups (names
and code; other names are read from the query, search/group_names.py), places (names, and
the province each lies in, a facet), languages (names, ISO 639-3 code, code), tags and
recordings (captions, type, access level) and sensitivity notices (code, a facet). When
one of those changes, the live entries that use it (in every locale) are written to every
search backend again, a chunk at a time (`add_bulk`), so the change is found at once
without republishing or `update_index`.

A few entries (`INLINE_LIMIT`) are rewritten in the request that made the change: about
30 ms an entry on the database index (measured on the demo, 22 queries an entry to build
its document). More (a group or a province used by a whole archive) would hold the
officer's request for seconds to minutes, so they go, once the change is committed, to
the archive's background worker (the "media" task backend: the database queue or RQ,
`manage.py media_worker`), which writes them a chunk at a time; until it does, searches
see the old text."""

import logging
from collections import defaultdict
from collections.abc import Iterable

from django_tasks import task

from django.db import transaction
from django.db.models import Model, Q

from modelsearch.backends import get_search_backends_with_name
from taggit.models import Tag

from heritage.files import pages_using
from heritage.models import (
    EntryPage,
    EntryPlace,
    EntryTag,
    EthnicGroup,
    Language,
    Place,
    RecordingPage,
    SensitivityNotice,
)
from media_pipeline.models import MediaAsset

logger = logging.getLogger(__name__)

INLINE_LIMIT = 50
CHUNK_SIZE = 200

# The fields of each related object that reach an entry's search document or facets: a
# save that changes none of them leaves the index alone.
INDEXED_FIELDS: dict[type[Model], tuple[str, ...]] = {
    EthnicGroup: ("code", "name_vi", "name_en"),
    Language: ("code", "iso_639_3", "name_vi", "name_en"),
    Place: ("code", "name_vi", "name_en", "kind", "parent_id", "successor_id"),
    Tag: ("name",),
    SensitivityNotice: ("code",),
}


def entries_using(related: Model) -> list[int]:
    """Ids of the entries (live or not, every locale) whose search document holds data of
    `related`."""
    if isinstance(related, EthnicGroup):
        ids = EntryPage.ethnic_groups.through.objects.filter(ethnicgroup=related).values_list("entrypage_id")
    elif isinstance(related, Language):
        ids = EntryPage.objects.filter(
            Q(native_title_language=related)
            | Q(pk__in=RecordingPage.objects.filter(Q(content_languages=related) | Q(described_language=related)))
        ).values_list("pk")
    elif isinstance(related, Place):
        ids = EntryPlace.objects.filter(place_id__in=_places_within(related)).values_list("entry_id")
    elif isinstance(related, Tag):
        ids = EntryTag.objects.filter(tag=related).values_list("content_object_id")
    elif isinstance(related, SensitivityNotice):
        ids = EntryPage.notices.through.objects.filter(sensitivitynotice=related).values_list("entrypage_id")
    elif isinstance(related, MediaAsset):
        return pages_using(related)
    else:
        return []
    return sorted({pk for (pk,) in ids})


def _places_within(place: Place) -> set[int]:
    """The place and every place whose province is found through it (its communes and
    villages, and the former units merged into it), whose entries' province facet follows it."""
    below: dict[int, list[int]] = defaultdict(list)
    for pk, parent_id, successor_id in Place.objects.values_list("pk", "parent_id", "successor_id"):
        for above in {parent_id, successor_id} - {None}:
            below[above].append(pk)
    found, waiting = {place.pk}, [place.pk]
    while waiting:
        for pk in below[waiting.pop()]:
            if pk not in found:
                found.add(pk)
                waiting.append(pk)
    return found


def reindex_entries(entry_ids: Iterable[int]) -> None:
    """Write the live entries among `entry_ids` to every search backend again: now when
    they are few, in a background task after the commit when they are many."""
    ids = sorted(set(entry_ids))
    if not ids:
        return
    if len(ids) <= INLINE_LIMIT:
        update_entries(ids)
    else:
        transaction.on_commit(lambda: reindex_entries_task.enqueue(ids))


@task(backend="media", queue_name="media")
def reindex_entries_task(entry_ids: list[int]) -> int:
    return update_entries(entry_ids)


def update_entries(entry_ids: list[int]) -> int:
    """Rewrite the documents of the live entries among `entry_ids` on every backend, one
    bulk request per chunk and entry type; returns how many entries were written."""
    written = 0
    for start in range(0, len(entry_ids), CHUNK_SIZE):
        by_type: dict[type, list[EntryPage]] = defaultdict(list)
        for entry in EntryPage.objects.filter(pk__in=entry_ids[start : start + CHUNK_SIZE]).live().specific():
            by_type[type(entry)].append(entry)
        for name, backend in get_search_backends_with_name(with_auto_update=True):
            for model, entries in by_type.items():
                try:
                    backend.add_bulk(model, entries)
                except Exception:
                    # As modelsearch does for one object: a node that cannot be reached must
                    # not fail the officer's save (the node backend remembers the change).
                    logger.exception("Could not reindex %d entries in the %r search backend", len(entries), name)
                    if not backend.catch_indexing_errors:
                        raise
        written += sum(len(entries) for entries in by_type.values())
    return written
