"""The archive run as separate processes (manage.py commands, workers) on a throwaway
SQLite database, for tests that need real worker processes and real engines."""

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class ArchiveProject:
    folder: Path
    env: dict[str, str]
    processes: list[subprocess.Popen] = field(default_factory=list)

    def manage(self, *args: str, timeout: float = 600, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"manage.py {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )
        return result

    def python(self, code: str, timeout: float = 600) -> str:
        """Run Django code in the project; returns the last line it printed."""
        output = self.manage("shell", "--no-imports", "-c", code, timeout=timeout).stdout.strip().splitlines()
        return output[-1] if output else ""

    def start(self, *args: str, name: str) -> subprocess.Popen:
        log = (self.folder / f"{name}.log").open("w")
        # Each in a session of its own, so that a test can kill a worker with its children.
        process = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    def wait_for(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.5)
        raise AssertionError(f"Timed out after {timeout} s waiting for {what}")


def migrated_database(folder: Path) -> Path:
    """A migrated SQLite database with the reference data, made once and copied per test."""
    database = folder / "template.sqlite3"
    env = _environment(folder, database)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    return database


def archive_project(folder: Path, template: Path, **extra_env: str) -> ArchiveProject:
    """A project with its own database copy, media folder and temporary folder (so a test
    can see the temporary files and ffmpeg processes of its own workers)."""
    (folder / "tmp").mkdir(parents=True, exist_ok=True)
    database = folder / "db.sqlite3"
    shutil.copy(template, database)
    env = {**_environment(folder, database), "TMPDIR": str(folder / "tmp"), **extra_env}
    return ArchiveProject(folder=folder, env=env)


def _environment(folder: Path, database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{database}",
        "MEDIA_ROOT": str(folder / "media"),
        "PYTHONUNBUFFERED": "1",
        "LOG_LEVEL": "INFO",
    }


CREATE_ASSET = """
from django.core.files import File
from wagtail.models import Collection
from media_pipeline.models import MediaAsset
asset = MediaAsset(title={title!r}, type={media_type!r}, collection=Collection.get_first_root_node())
with open({path!r}, "rb") as handle:
    asset.file.save({name!r}, File(handle), save=False)
asset.save()
print(asset.pk)
"""


def create_asset(project: ArchiveProject, path: Path, media_type: str, name: str | None = None) -> int:
    """Store an upload as the admin does; saving it queues its media job."""
    code = CREATE_ASSET.format(title=path.stem, media_type=media_type, path=str(path), name=name or path.name)
    return int(project.python(code))


def asset_states(project: ArchiveProject) -> dict[int, tuple[str, int, int]]:
    """asset id → (status, progress, number of renditions), read straight from SQLite."""
    import sqlite3

    database = project.env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database, timeout=10) as connection:
        rows = connection.execute(
            "SELECT a.id, a.status, a.progress,"
            " (SELECT count(*) FROM media_pipeline_rendition r WHERE r.asset_id = a.id)"
            " FROM media_pipeline_mediaasset a"
        ).fetchall()
    return {row[0]: (row[1], row[2], row[3]) for row in rows}
