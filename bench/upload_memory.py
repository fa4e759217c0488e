"""Memory of a 2 GB resumable upload: how much the Django web process and tusd grow while a
generated 2 GB file goes through tusd (file store) and the archive's finishing hook (checksum,
the document form, the copy into media storage).

Run with `make bench-upload` (or `.venv/bin/python bench/upload_memory.py --size-mb 2048`). It
makes a throwaway archive in a temporary folder (SQLite, one officer), starts runserver and
`manage.py run_tusd` on free loopback ports, uploads a sparse file of zeros as a PDF document
(the document form checks the extension, so the whole file reaches storage) in 64 MiB PATCH
requests, and samples the resident memory (VmRSS) of both processes every 0.1 s. Prints a
Markdown table; the result goes into docs/benchmarks.md by hand."""

import argparse
import base64
import hashlib
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PATCH_BYTES = 64 * 1024 * 1024
CHECKSUM_CHUNK_BYTES = 8 * 1024 * 1024


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def child_named(parent: int, name: str) -> int | None:
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("Name", "").strip() == name and int(fields.get("PPid", "0")) == parent:
            return int(status.parent.name)
    return None


class Sampler(threading.Thread):
    def __init__(self, pids: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.pids = pids
        self.peaks = {name: 0 for name in pids}
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            for name, pid in self.pids.items():
                self.peaks[name] = max(self.peaks[name], rss_kib(pid))
            time.sleep(0.1)


def chunked_sha256(path: Path) -> str:
    digests = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHECKSUM_CHUNK_BYTES):
            digests.update(hashlib.sha256(chunk).digest())
    return digests.hexdigest()


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def wait_for(url: str, timeout: float = 120) -> None:
    parts = urlsplit(url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
            connection.request("OPTIONS" if "files" in parts.path else "GET", parts.path)
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {timeout} s")


def tus_upload(endpoint: str, path: Path, metadata: dict[str, str]) -> tuple[int, dict[str, str], str]:
    parts = urlsplit(endpoint)
    size = path.stat().st_size
    header = ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in metadata.items())
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=3600)
    connection.request(
        "POST", parts.path, headers={"Tus-Resumable": "1.0.0", "Upload-Length": str(size), "Upload-Metadata": header}
    )
    created = connection.getresponse()
    created.read()
    if created.status != 201:
        raise SystemExit(f"creation refused: {created.status}")
    location = urlsplit(created.getheader("Location")).path
    offset = 0
    with path.open("rb") as handle:
        while offset < size:
            length = min(PATCH_BYTES, size - offset)
            handle.seek(offset)
            connection.putrequest("PATCH", location)
            for name, value in {
                "Tus-Resumable": "1.0.0",
                "Upload-Offset": str(offset),
                "Content-Type": "application/offset+octet-stream",
                "Content-Length": str(length),
            }.items():
                connection.putheader(name, value)
            connection.endheaders()
            remaining = length
            while remaining:
                block = handle.read(min(1024 * 1024, remaining))
                connection.send(block)
                remaining -= len(block)
            answer = connection.getresponse()
            body = answer.read().decode()
            if answer.status != 204:
                return answer.status, dict(answer.getheaders()), body
            offset = int(answer.getheader("Upload-Offset"))
    return 204, dict(answer.getheaders()), ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=2048)
    arguments = parser.parse_args()
    size = arguments.size_mb * 1024 * 1024
    with tempfile.TemporaryDirectory(prefix="heritage-bench-upload-") as folder_name:
        folder = Path(folder_name)
        port, upload_port = free_port(), free_port()
        env = {
            **{key: value for key, value in os.environ.items() if not key.startswith("AWS_")},
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "MEDIA_ROOT": str(folder / "media"),
            "BASE_URL": f"http://127.0.0.1:{port}",
            "UPLOADS_TUSD_URL": f"http://127.0.0.1:{upload_port}/files/",
            "UPLOADS_TUSD_LISTEN": f"127.0.0.1:{upload_port}",
            "UPLOADS_DIR": str(folder / "tus"),
            "MAX_DOCUMENT_UPLOAD_MB": str(arguments.size_mb + 1),
        }
        manage(env, "migrate", "--no-input", "-v", "0")
        token = manage(
            env,
            "shell",
            "-c",
            "from django.contrib.auth import get_user_model; from uploads.tokens import issue_token; "
            "u = get_user_model().objects.create_superuser('bench', 'bench@example.org', 'x'); "
            "print(issue_token(u, 'document'))",
        ).split()[-1]
        source = folder / "field-recordings.pdf"
        with source.open("wb") as handle:
            handle.truncate(size)  # sparse: costs no disk until tusd writes it
        checksum = chunked_sha256(source)
        logs = (folder / "web.log").open("w"), (folder / "tusd.log").open("w")
        web = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=logs[0],
            stderr=subprocess.STDOUT,
        )
        runner = subprocess.Popen(
            [sys.executable, "manage.py", "run_tusd"], cwd=ROOT, env=env, stdout=logs[1], stderr=subprocess.STDOUT
        )
        try:
            wait_for(f"http://127.0.0.1:{port}/healthz")
            wait_for(env["UPLOADS_TUSD_URL"])
            tusd_pid = child_named(runner.pid, "tusd")
            pids = {"Django web process": web.pid, "tusd": tusd_pid}
            before = {name: rss_kib(pid) for name, pid in pids.items()}
            sampler = Sampler(pids)
            sampler.start()
            started = time.monotonic()
            status, headers, body = tus_upload(
                env["UPLOADS_TUSD_URL"],
                source,
                {"kind": "document", "filename": source.name, "sha256": checksum, "token": token},
            )
            elapsed = time.monotonic() - started
            sampler.stopped.set()
            sampler.join()
        finally:
            for process in (web, runner):
                process.terminate()
                process.wait(timeout=30)
        if status != 204 or "Upload-Result-Url" not in headers:
            raise SystemExit(f"upload failed: {status} {body}\n{(folder / 'web.log').read_text()[-3000:]}")
        rows = [
            f"| {name} | {before[name] / 1024:.0f} MB | {sampler.peaks[name] / 1024:.0f} MB | "
            f"{(sampler.peaks[name] - before[name]) / 1024:.0f} MB |"
            for name in pids
        ]
        print(
            f"{arguments.size_mb} MB upload in {elapsed:.0f} s ({arguments.size_mb / elapsed:.0f} MB/s), item at "
            f"{headers['Upload-Result-Url']}"
        )
        print("| process | before | peak during the upload | growth |\n| --- | --- | --- | --- |")
        print("\n".join(rows))
        print(json.dumps({"before_kib": before, "peak_kib": sampler.peaks, "seconds": round(elapsed, 1)}))


if __name__ == "__main__":
    main()
