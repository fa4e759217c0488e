"""scripts/ensure-system-packages waits for another package manager run (apt's lock)
instead of giving up at once, and leaves apt alone when nothing is missing."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "ensure-system-packages"


def _fake_tools(folder: Path, installed: set[str]) -> Path:
    """dpkg-query that knows `installed`, and apt-get and sudo that write down their calls."""
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    calls = folder / "calls"
    known = " ".join(sorted(installed))
    tools = {
        "dpkg-query": f'case " {known} " in *" ${{@: -1}} "*) printf "install ok installed";; esac\n',
        "apt-get": f'echo "$*" >> {calls}\n',
        "sudo": 'exec "$@"\n',
    }
    for name, body in tools.items():
        tool = bin_dir / name
        tool.write_text("#!/usr/bin/env bash\n" + body)
        tool.chmod(0o755)
    return bin_dir


def _run(tmp_path: Path, installed: set[str], *packages: str) -> list[str]:
    bin_dir = _fake_tools(tmp_path, installed)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    subprocess.run([str(SCRIPT), *packages], env=env, check=True, capture_output=True, timeout=30)
    calls = tmp_path / "calls"
    return calls.read_text().splitlines() if calls.exists() else []


def test_every_apt_call_waits_for_the_package_managers_lock(tmp_path):
    calls = _run(tmp_path, {"ffmpeg"}, "ffmpeg", "espeak-ng")
    assert len(calls) == 2 and " update" in calls[0] and calls[1].endswith("install -y -qq espeak-ng")
    assert all("DPkg::Lock::Timeout=600" in call for call in calls)


def test_nothing_is_installed_when_nothing_is_missing(tmp_path):
    assert _run(tmp_path, {"ffmpeg", "espeak-ng"}, "ffmpeg", "espeak-ng") == []
