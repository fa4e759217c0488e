"""Search on a real search node (OpenSearch 2.19 from Maven Central, started by the test):
entries are indexed as they are published, folded queries find them, hidden entries stay
out, and rebuilding the index swaps an alias instead of emptying search."""

import json

import pytest

from tests.engines.archive_project import archive_project
from tests.engines.elasticsearch import ENGINE, ENGINE_VERSION, running_elasticsearch

SEARCH = """
import json
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
from wagtail.search.backends import get_search_backend
client = Client(HTTP_HOST="localhost")
found = {}
for query in QUERIES:
    response = client.get("/vi/search/", {"q": query})
    found[query] = [entry.slug for entry in response.context["results"] or []]
print(json.dumps({"backend": type(get_search_backend()).__module__, "found": found}))
"""


@pytest.fixture(scope="module")
def search_node():
    with running_elasticsearch() as url:
        yield url


@pytest.fixture
def project(search_node, tmp_path, database_template):
    project = archive_project(tmp_path / "archive", database_template, OPENSEARCH_URL=search_node)
    project.manage("update_index", timeout=300)
    project.manage("load_demo_content", "--without-audio-video", timeout=600)
    return project


def search(project, *queries: str) -> dict:
    return json.loads(project.python(f"QUERIES = {list(queries)!r}\n" + SEARCH))


def test_published_entries_are_found_on_the_search_node_with_or_without_marks(project):
    print(f"Search engine: {ENGINE} {ENGINE_VERSION}")
    answer = search(project, "le hoi long tong", "Lễ hội Lồng Tồng", "Mèo")
    assert answer["backend"] == "modelsearch.backends.opensearch2"
    assert "long-tong-tay-tuyen-quang" in answer["found"]["le hoi long tong"]
    assert "long-tong-tay-tuyen-quang" in answer["found"]["Lễ hội Lồng Tồng"]
    assert answer["found"]["Mèo"], "other names of a group find its entries"


def test_hidden_entries_stay_out_and_a_rebuild_keeps_search_answering(project):
    restricted = json.loads(
        project.python(
            "import json; from heritage.models import EntryPage; "
            "page = EntryPage.objects.filter(access_level='restricted', locale__language_code='vi').first(); "
            "print(json.dumps([page.slug, page.title]))"
        )
    )
    slug, title = restricted
    assert slug not in search(project, title)["found"][title]
    project.manage("update_index", timeout=300)
    aliases = json.loads(
        project.python(
            "import json; from wagtail.search.backends import get_search_backend; "
            "client = get_search_backend().es; print(json.dumps(sorted(client.indices.get_alias(index='*').keys())))"
        )
    )
    assert any(name.startswith("heritage_") for name in aliases)
    assert "long-tong-tay-tuyen-quang" in search(project, "le hoi long tong")["found"]["le hoi long tong"]
