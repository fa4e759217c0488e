"""The relevance set (tests/search/relevance_set.py) on the database index, as an
anonymous visitor on the search page: no entry a case must not return comes back (for a
group name, no entry outside the group), and recall@10 and P@1 are at least 0.95.
Misspellings count as found when the page's "did you mean" finds them."""

import pytest

from tests.search.relevance_set import CASES, run

pytestmark = pytest.mark.django_db

MIN_SCORE = 0.95


def test_the_set_is_big_enough_and_names_only_demo_entries():
    import json

    from heritage.demo.loader import ENTRIES_FILE

    slugs = {entry["slug"] for entry in json.loads(ENTRIES_FILE.read_text(encoding="utf-8"))["entries"]}
    assert len(CASES) >= 60
    assert {case.language for case in CASES} == {"vi", "en"}
    for case in CASES:
        assert set(case.must) | set(case.must_not) <= slugs, case.key
        assert case.first is None or case.first in case.must, case.key


def test_the_relevance_set_on_the_database_index(client):
    summary = run(client, follow_suggestion=True)
    print(summary.report())
    assert not summary.forbidden, "\n".join(score.describe() for score in summary.forbidden)
    assert summary.recall >= MIN_SCORE, summary.report()
    assert summary.precision_at_1 >= MIN_SCORE, summary.report()
