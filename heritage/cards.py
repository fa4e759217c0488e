"""What an entry card shows besides the entry's own fields, its ethnic groups and places,
read for a whole list of cards in one query: listings, home, group and place pages and
search results all show cards, 20 at a time."""

from collections.abc import Iterable

from django.db.models import Value

from heritage.models.entries import EntryPage, EntryPlace
from heritage.models.reference import EthnicGroup, Place, groups_by_id, places_by_id


def groups_and_places_of(ids: list[int]) -> dict[int, tuple[list[EthnicGroup], list[Place]]]:
    """Entry id → its groups (in the groups' order) and places (in the entry's order), read
    in one query for all the entries."""
    if not ids:
        return {}
    groups, places = groups_by_id(), places_by_id()
    entry_groups = EntryPage.ethnic_groups.through.objects.filter(entrypage_id__in=ids).order_by()
    entry_places = EntryPlace.objects.filter(entry_id__in=ids).order_by()
    rows = entry_groups.values_list("entrypage_id", "ethnicgroup_id", Value(0), "pk", Value("group")).union(
        entry_places.values_list("entry_id", "place_id", "sort_order", "pk", Value("place")), all=True
    )
    found: dict[int, tuple[list[EthnicGroup], list[Place]]] = {pk: ([], []) for pk in ids}
    # Places in the entry's order (as `Orderable` sorts them: unsorted ones first, then by id).
    in_order = sorted(rows, key=lambda row: (row[2] is not None, row[2] or 0, row[3]))
    for entry_id, item_id, _order, _pk, kind in in_order:
        if kind == "group" and item_id in groups:
            found[entry_id][0].append(groups[item_id])
        elif kind == "place" and item_id in places:
            found[entry_id][1].append(places[item_id])
    for entry_groups_found, _places in found.values():
        entry_groups_found.sort(key=lambda group: group.number)
    return found


def with_card_lines(entries: Iterable[EntryPage]) -> list[EntryPage]:
    """The entries, each with `card_groups` and `card_places` set for its card."""
    entries = list(entries)
    lines = groups_and_places_of([entry.pk for entry in entries])
    for entry in entries:
        entry.card_groups, entry.card_places = lines[entry.pk]
    return entries
