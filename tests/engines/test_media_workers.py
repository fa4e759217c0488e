"""Media jobs in real worker processes: the database worker on one machine, RQ workers on
a real Redis server at scale. Workers are killed here the hard way."""

import glob
import json
import os
import signal
import subprocess
from contextlib import nullcontext

import pytest

from tests.engines.archive_project import archive_project, asset_states, create_asset
from tests.engines.redis import running_redis
from tests.media_pipeline import sample_files


@pytest.fixture(params=["database", "redis"])
def project(request, tmp_path, database_template):
    engine = running_redis() if request.param == "redis" else nullcontext()
    with engine as redis_url:
        extra = {"REDIS_URL": redis_url} if redis_url else {}
        project = archive_project(tmp_path / "archive", database_template, **extra)
        project.backend = request.param
        try:
            yield project
        finally:
            project.stop_all()


def python_descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = open(stat).read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.split("/")[2]))
    found, pending = [], list(children.get(pid, []))
    while pending:
        child = pending.pop()
        try:
            command = open(f"/proc/{child}/cmdline", "rb").read()
        except OSError:
            continue
        if b"python" in command:
            found.append(child)
            pending.extend(children.get(child, []))
    return found


def ffmpeg_processes(project) -> list[str]:
    """ffmpeg processes working in the project's temporary folder."""
    found = subprocess.run(["pgrep", "-af", project.env["TMPDIR"]], capture_output=True, text=True)
    return [line for line in found.stdout.splitlines() if "ffmpeg" in line]


def test_a_killed_worker_leaves_nothing_half_published_and_its_job_is_picked_up_again(project, tmp_path):
    clip = sample_files.make_video(tmp_path, seconds=40, width=1280, height=720)
    asset_id = create_asset(project, clip, "video")
    worker = project.start("media_worker", name="first-worker")
    project.wait_for(
        lambda: asset_states(project)[asset_id][0] == "processing" and asset_states(project)[asset_id][1] >= 10,
        timeout=120,
        what=f"the first worker to report progress\n{project.log('first-worker')}",
    )
    assert ffmpeg_processes(project), "ffmpeg should be running for the job"
    # The worker and any process it forked to run the job (RQ's work horse), but not
    # ffmpeg: ffmpeg must die with its parent rather than write on for nobody.
    for pid in [worker.pid, *python_descendants(worker.pid)]:
        os.kill(pid, signal.SIGKILL)
    worker.wait()
    project.wait_for(lambda: not ffmpeg_processes(project), timeout=10, what="ffmpeg to stop")
    status, _, renditions = asset_states(project)[asset_id]
    assert (status, renditions) == ("processing", 0)

    # A new worker treats the job as abandoned once its heartbeat is older than allowed.
    project.env["MEDIA_STALE_JOB_SECONDS"] = "0"
    second = project.start("media_worker", name="second-worker")
    project.wait_for(
        lambda: asset_states(project)[asset_id][0] in ("ready", "failed"),
        timeout=240,
        what=f"the job to be picked up again\n{project.log('second-worker')}",
    )
    assert asset_states(project)[asset_id][0] == "ready", project.log("second-worker")
    assert "Requeued interrupted media jobs" in project.log("second-worker")
    # The worker removes its temporary folder just after it records the job as ready.
    project.wait_for(
        lambda: not glob.glob(os.path.join(project.env["TMPDIR"], "heritage-media-*")),
        timeout=15,
        what="temporary files to be removed",
    )
    folders = f"Rendition.objects.filter(asset_id={asset_id}).values_list('folder', flat=True)"
    published = json.loads(
        project.python(
            f"import json; from media_pipeline.models import Rendition; print(json.dumps(sorted(set({folders}))))"
        )
    )
    assert len(published) == 1
    run_folders = os.listdir(os.path.join(project.env["MEDIA_ROOT"], "renditions", str(asset_id)))
    assert [f"renditions/{asset_id}/{folder}" for folder in run_folders] == published
    second.terminate()


def test_workers_keep_serving_after_bad_files_and_report_health(project, tmp_path):
    bad = create_asset(project, sample_files.make_random_bytes(tmp_path), "video")
    channels = create_asset(project, sample_files.make_many_channels(tmp_path), "audio")
    video = create_asset(project, sample_files.make_video(tmp_path, seconds=3), "video")
    audio = create_asset(project, sample_files.make_audio(tmp_path, seconds=3), "audio")
    workers = [project.start("media_worker", name=f"worker-{number}") for number in (1, 2)]
    project.wait_for(
        lambda: all(state[0] in ("ready", "failed") for state in asset_states(project).values()),
        timeout=180,
        what=f"all jobs to finish\n{project.log('worker-1')}\n{project.log('worker-2')}",
    )
    states = {asset_id: state[0] for asset_id, state in asset_states(project).items()}
    assert states == {bad: "failed", channels: "failed", video: "ready", audio: "ready"}
    # The details (queue figures) are for monitoring holding the token.
    project.env["HEALTHZ_TOKEN"] = "engines-test-token"
    health = json.loads(
        project.python(
            "import json; from django.test import Client; "
            "response = Client(HTTP_HOST='localhost', HTTP_AUTHORIZATION='Bearer engines-test-token')"
            ".get('/healthz'); print(json.dumps(response.json()))"
        )
    )
    worker_check = health["checks"]["worker"]
    assert worker_check["ok"] is True, health
    if project.backend == "redis":
        assert worker_check["backend"] == "redis" and worker_check["workers"] == 2
    else:
        assert worker_check["backend"] == "database" and worker_check["queued"] == 0
    for worker in workers:
        assert worker.poll() is None, "a worker stopped"
