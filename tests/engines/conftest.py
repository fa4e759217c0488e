from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.engines.archive_project import migrated_database
from tests.engines.elasticsearch import ELASTICSEARCH, ENGINES, OPENSEARCH, Engine, running_search_node


@pytest.fixture(scope="session")
def database_template(tmp_path_factory) -> Path:
    return migrated_database(tmp_path_factory.mktemp("template"))


# One node of each engine per test session, shared by the modules that index into it (each with its own indices).
@pytest.fixture(scope="session")
def elasticsearch_node() -> Iterator[str]:
    with running_search_node(ELASTICSEARCH) as url:
        yield url


@pytest.fixture(scope="session")
def opensearch_node() -> Iterator[str]:
    with running_search_node(OPENSEARCH) as url:
        yield url


@pytest.fixture(params=ENGINES, ids=str)
def search_engine(request) -> Engine:
    """Each engine in turn, for tests that start nodes of their own."""
    return request.param
