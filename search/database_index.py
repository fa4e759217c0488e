"""The database index's side of a search (search/query.py): every match of a query, best
first, on SQLite FTS5 in one query.

modelsearch's SQLite backend ranks by annotating each matching row with a subquery that runs
the FTS5 MATCH again for that row, so ranking N matches costs N searches (7.7 s for 2,000 at
10,000 entries). Here the MATCH runs once, returning each match's id with its BM25 score, and
the visitor's access and the filters apply to it as a subquery."""

import json
from collections.abc import Collection

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from modelsearch.query import MatchAll, Not
from modelsearch.utils import get_descendants_content_types_pks


def _index_rows(results) -> QuerySet | None:
    """The FTS5 rows matching lazy database-index results, scored as modelsearch scores
    them; None when the results are not plain SQLite FTS5 matches."""
    if connection.vendor != "sqlite":
        return None
    # Only on SQLite: importing these defines modelsearch's FTS5 model, which exists nowhere else.
    from modelsearch.backends.database.sqlite.query import MatchExpression, SQLiteFTSIndexEntry, normalize
    from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchQueryCompiler

    compiler = getattr(results, "query_compiler", None)
    if type(compiler) is not SQLiteSearchQueryCompiler:
        return None
    query = normalize(compiler.query)
    if isinstance(query, (MatchAll, Not)):
        return None
    config = compiler.get_config(results.backend)
    match = MatchExpression(compiler.fields or compiler.FTS_TABLE_FIELDS, compiler.build_search_query(query, config))
    content_types = get_descendants_content_types_pks(compiler.queryset.model)
    return (
        SQLiteFTSIndexEntry.objects.filter(match)
        .filter(index_entry__content_type__in=content_types)
        .annotate(score=compiler._build_rank_expression(compiler.get_search_vectors(), config))
    )


def match_ids(results) -> QuerySet | None:
    """Every matching id as a subquery (text, as the index stores ids), to filter by."""
    rows = _index_rows(results)
    return None if rows is None else rows.values("index_entry__object_id")


def ranked_ids(results) -> list[int] | None:
    """Every matching id, best first, in modelsearch's order (BM25, then newest id)."""
    rows = _index_rows(results)
    if rows is None:
        return None
    # A plain cursor: Django's per-row conversions cost more than the search at 10,000 matches.
    sql, params = rows.values_list("index_entry__object_id", "score").query.sql_with_params()
    best: dict[int, float] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for object_id, score in cursor.fetchall():
            pk = int(object_id)
            best[pk] = min(score, best.get(pk, score))
    return sorted(best, key=lambda pk: (best[pk], -pk))


def id_set(ids: Collection[int]) -> RawSQL | list[int]:
    """The ids for `pk__in`: on SQLite one JSON parameter read by `json_each`, so that a
    match set of any size is one parameter and the FTS5 MATCH is not run again per count."""
    if connection.vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(sorted(ids))])
    return list(ids)
