from pathlib import Path

import pytest

from tests.engines.archive_project import migrated_database


@pytest.fixture(scope="session")
def database_template(tmp_path_factory) -> Path:
    return migrated_database(tmp_path_factory.mktemp("template"))
