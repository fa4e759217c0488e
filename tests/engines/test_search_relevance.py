"""The relevance set (tests/search/relevance_set.py) on each real search node
(Elasticsearch 8.19 and OpenSearch 2.19, started by the test session), as an anonymous
visitor on the search page: no entry a case must not return comes back (for a group name,
no entry outside the group), and recall@10 and P@1 are at least 0.95. Misspellings must be
found by the node itself (fuzzy), not through the "did you mean".

The demo is loaded once, with its audio and video as on the database side
(tests/conftest.py), so the recordings' caption lines are indexed; each engine indexes a
copy of it."""

import shutil

import pytest

from tests.engines.archive_project import ArchiveProject, archive_project
from tests.engines.elasticsearch import ENGINES
from tests.search.relevance_set import summary_from_json

MIN_SCORE = 0.95
ANSWERS = """
from django.test.utils import setup_test_environment
setup_test_environment()
from tests.search.relevance_set import answers_json
print(answers_json(follow_suggestion=False))
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory, database_template) -> ArchiveProject:
    demo = archive_project(tmp_path_factory.mktemp("relevance-demo") / "archive", database_template)
    demo.manage("load_demo_content", timeout=900)
    return demo


@pytest.fixture(scope="module", params=ENGINES, ids=str)
def project(request, tmp_path_factory, demo):
    engine = request.param
    url = request.getfixturevalue(f"{engine.name}_node")
    folder = tmp_path_factory.mktemp(f"search-relevance-{engine.name}") / "archive"
    project = archive_project(folder, demo.folder / "db.sqlite3", **engine.settings(url))
    shutil.copytree(demo.folder / "media", folder / "media")
    project.manage("update_index", timeout=300)
    return engine, project


def test_the_relevance_set_on_the_search_node(project):
    engine, project = project
    backend = project.python(
        "from wagtail.search.backends import get_search_backend; print(type(get_search_backend()))"
    )
    assert f"search.backends.{engine.backend}" in backend
    summary = summary_from_json(project.python(ANSWERS))
    print(summary.report())
    assert not summary.forbidden, "\n".join(score.describe() for score in summary.forbidden)
    assert summary.recall >= MIN_SCORE, summary.report()
    assert summary.precision_at_1 >= MIN_SCORE, summary.report()
