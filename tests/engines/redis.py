"""Start a throwaway Redis server from Debian's package on the loopback."""

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_ping(url: str, server: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    deadline = time.monotonic() + timeout
    try:
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"redis-server exited with code {server.returncode}:\n{log.read_text()[-3000:]}")
            try:
                if client.ping():
                    return
            except redis.exceptions.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not answer PING within {timeout} s:\n{log.read_text()[-3000:]}")
            time.sleep(0.05)
    finally:
        client.close()


@contextmanager
def running_redis() -> Iterator[str]:
    """Yield a Redis URL for a fresh server without persistence; stop it and delete its files afterwards."""
    executable = shutil.which("redis-server")
    if executable is None:
        raise RuntimeError("Redis is not installed: run `make install-test-system` (Debian package redis-server).")
    folder = Path(tempfile.mkdtemp(prefix="heritage-redis-"))
    log = folder / "redis.log"
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    command = [
        executable,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        str(folder),
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        "--logfile",
        str(log),
    ]
    server = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        _wait_for_ping(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
