"""The relevance set (tests/search/relevance_set.py) on a real search node (OpenSearch
2.19, started by the test), as an anonymous visitor on the search page: no entry a case
must not return comes back (for a group name, no entry outside the group), and recall@10
and P@1 are at least 0.95. Misspellings must be found by the node itself (fuzzy), not
through the "did you mean".

The node's project loads the same demo as the database side (tests/conftest.py), with
its audio and video, so the recordings' caption lines are indexed on both."""

import pytest

from tests.engines.archive_project import archive_project
from tests.engines.elasticsearch import running_elasticsearch
from tests.search.relevance_set import summary_from_json

MIN_SCORE = 0.95
ANSWERS = """
from django.test.utils import setup_test_environment
setup_test_environment()
from tests.search.relevance_set import answers_json
print(answers_json(follow_suggestion=False))
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory, database_template):
    with running_elasticsearch() as url:
        project = archive_project(
            tmp_path_factory.mktemp("search-relevance") / "archive", database_template, OPENSEARCH_URL=url
        )
        project.manage("load_demo_content", timeout=900)
        yield project


def test_the_relevance_set_on_the_search_node(project):
    backend = project.python(
        "from wagtail.search.backends import get_search_backend; print(type(get_search_backend()))"
    )
    assert "search.backends.OpenSearch2Backend" in backend
    summary = summary_from_json(project.python(ANSWERS))
    print(summary.report())
    assert not summary.forbidden, "\n".join(score.describe() for score in summary.forbidden)
    assert summary.recall >= MIN_SCORE, summary.report()
    assert summary.precision_at_1 >= MIN_SCORE, summary.report()
