"""Start a throwaway S3-compatible server (MinIO built from the Go module proxy) on the loopback."""

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ROOT = Path(__file__).resolve().parents[2]
ENSURE_MINIO = ROOT / "scripts" / "ensure-minio"
BUILD_TIMEOUT = 900
START_TIMEOUT = 60


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str
    access_key: str
    secret_key: str
    bucket: str
    engine: Literal["minio"]
    region: str = "us-east-1"

    def client(self) -> Any:
        """A boto3 S3 client for this server (path-style addressing, SigV4 as for presigned URLs)."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )

    def archive_settings(self) -> dict[str, str]:
        """The environment that points the archive's storage at this server's bucket."""
        return {
            "AWS_STORAGE_BUCKET_NAME": self.bucket,
            "AWS_S3_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_S3_REGION_NAME": self.region,
            "AWS_S3_ADDRESSING_STYLE": "path",
        }


def _free_ports(count: int) -> list[int]:
    # Hold every probe open until all are chosen so the ports differ.
    with ExitStack() as stack:
        probes = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]


def _build_minio() -> tuple[Path | None, str]:
    """The MinIO binary, or None and the reason when it cannot be built."""
    try:
        result = subprocess.run([str(ENSURE_MINIO)], capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    except subprocess.TimeoutExpired as error:
        raise RuntimeError(f"scripts/ensure-minio did not finish within {BUILD_TIMEOUT} s.") from error
    if result.returncode != 0:
        return None, result.stderr[-3000:]
    return Path(result.stdout.strip().splitlines()[-1]), ""


def _create_bucket(server: S3Server, deadline: float) -> None:
    client = server.client()
    while True:
        try:
            client.create_bucket(Bucket=server.bucket)
            return
        except ClientError as error:
            # MinIO answers "live" a moment before its object layer accepts requests (503 until then).
            if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) < 500 or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _wait_until_live(url: str, process: subprocess.Popen, log: Path, deadline: float) -> None:
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"minio exited with code {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"minio was not live within {START_TIMEOUT} s:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)


@contextmanager
def _running_minio(binary: Path, bucket: str) -> Iterator[S3Server]:
    folder = Path(tempfile.mkdtemp(prefix="heritage-minio-"))
    log = folder / "minio.log"
    port, console_port = _free_ports(2)
    server = S3Server(
        endpoint_url=f"http://127.0.0.1:{port}",
        access_key="heritage-test",
        secret_key=secrets.token_hex(16),
        bucket=bucket,
        engine="minio",
    )
    environment = {
        **os.environ,
        "MINIO_ROOT_USER": server.access_key,
        "MINIO_ROOT_PASSWORD": server.secret_key,
        "MINIO_UPDATE": "off",
    }
    command = [
        str(binary),
        "server",
        str(folder / "data"),
        "--address",
        f"127.0.0.1:{port}",
        "--console-address",
        f"127.0.0.1:{console_port}",
        # The default certs folder is under $HOME; keep everything in the throwaway folder.
        "--certs-dir",
        str(folder / "certs"),
    ]
    with log.open("wb") as log_file:
        process = subprocess.Popen(command, env=environment, stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        _wait_until_live(f"{server.endpoint_url}/minio/health/live", process, log, deadline)
        _create_bucket(server, deadline)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def running_s3(bucket: str = "heritage-test") -> Iterator[S3Server]:
    """Yield a fresh S3 server with an empty bucket; stop it and delete its files afterwards.

    MinIO is built once by scripts/ensure-minio (a few minutes the first time, then cached). When it
    cannot be built the tests fail: a stand-in that pretends to be S3 would hide the real store's behaviour.
    """
    binary, reason = _build_minio()
    if binary is None:
        raise RuntimeError(f"MinIO could not be built:\n{reason}")
    with _running_minio(binary, bucket) as server:
        yield server
