"""The archive on PostgreSQL, as it runs past one machine (DATABASE_URL)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from heritage.demo.loader import ENTRIES_FILE
from tests.engines.postgresql import running_postgresql

ROOT = Path(__file__).resolve().parents[2]
# The modules whose queries depend most on the database: access filtering over page
# paths and group restrictions, workflow and permissions.
MODULES_ON_POSTGRESQL = ["tests/heritage/test_access.py", "tests/heritage/test_permissions_and_workflow.py"]


@pytest.fixture(scope="module")
def database_url():
    with running_postgresql() as url:
        yield url


def run(command: list[str], database_url: str, tmp_path: Path) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=900)


def test_migrations_and_demo_content_load_on_postgresql(database_url, tmp_path):
    migrate = run([sys.executable, "manage.py", "migrate", "--no-input"], database_url, tmp_path)
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    demo = run([sys.executable, "manage.py", "load_demo_content", "--without-audio-video"], database_url, tmp_path)
    assert demo.returncode == 0, demo.stderr[-3000:]
    expected = len(json.loads(ENTRIES_FILE.read_text(encoding="utf-8"))["entries"])
    assert f"Loaded {expected} sample entries" in demo.stdout
    counts = run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from heritage.models import EntryPage, EthnicGroup; from django.db import connection; "
            "print(connection.vendor, EthnicGroup.objects.count(), EntryPage.objects.live().count())",
        ],
        database_url,
        tmp_path,
    )
    vendor, groups, entries = counts.stdout.split()[-3:]
    assert vendor == "postgresql"
    assert int(groups) == 54
    assert int(entries) > 0


def test_access_and_workflow_suites_pass_on_postgresql(database_url, tmp_path):
    result = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *MODULES_ON_POSTGRESQL],
        database_url,
        tmp_path,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
