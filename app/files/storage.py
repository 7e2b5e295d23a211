"""Where file bytes live: a small interface, local disk (the embedded default) or an
S3-compatible object store (FILE_STORAGE=s3: Tencent COS, Aliyun OSS, MinIO, SeaweedFS...).

Every instance behind a load balancer reads the same bucket, so a file uploaded on one is
served by any other. The app always proxies the bytes (public pictures too): the bucket stays
private, URLs stay the app's own, and the access checks and audit of `files.service` apply.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Protocol

from flask import current_app

from app.errors import ServiceUnavailable

log = logging.getLogger(__name__)


class StorageUnavailable(ServiceUnavailable):
    """The object store does not answer (or refuses our keys): 503, retry shortly."""

    code = "file_storage_unavailable"

    def __init__(self) -> None:
        super().__init__("Files cannot be reached for a moment; try again in a few seconds.",
                         headers={"Retry-After": "5"})

KEY_PATTERN = re.compile(r"^[0-9a-f]{32}\.(jpg|png|pdf)$")


class Storage(Protocol):
    def save(self, key: str, data: bytes) -> None: ...

    def load(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


class LocalDiskStorage:
    """Files under `root/<first two chars of key>/<key>`; keys are generated, never given."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        if not KEY_PATTERN.match(key):
            raise ValueError("storage keys are generated names")
        path = (self.root / key[:2] / key).resolve()
        # Belt and braces: the key pattern already forbids separators and dots.
        if self.root not in path.parents:
            raise ValueError("storage path escapes the root")
        return path

    def save(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(path.suffix + ".part")
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)

    def load(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class S3Storage:
    """Objects `<prefix><first two chars of key>/<key>` in one bucket (boto3 client)."""

    def __init__(self, *, bucket: str, endpoint_url: str | None, region: str | None,
                 access_key_id: str | None, secret_access_key: str | None,
                 prefix: str = "", addressing_style: str = "auto",
                 timeout_seconds: float = 5.0) -> None:
        import boto3  # imported only when configured: local disk never pays for it
        from botocore.config import Config

        self.bucket, self.prefix = bucket, prefix
        self.settings = {"bucket": bucket, "endpoint_url": endpoint_url, "region": region,
                         "access_key_id": access_key_id, "secret_access_key": secret_access_key,
                         "prefix": prefix, "addressing_style": addressing_style}
        # a session of its own: boto3's default session is not safe to build clients from
        # in several threads at once; the client itself is thread-safe
        self.client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url or None, region_name=region or None,
            aws_access_key_id=access_key_id or None,
            aws_secret_access_key=secret_access_key or None,
            config=Config(signature_version="s3v4", s3={"addressing_style": addressing_style},
                          connect_timeout=timeout_seconds, read_timeout=timeout_seconds,
                          retries={"max_attempts": 3, "mode": "standard"}))

    def _key(self, key: str) -> str:
        if not KEY_PATTERN.match(key):
            raise ValueError("storage keys are generated names")
        return f"{self.prefix}{key[:2]}/{key}"

    def _call(self, operation: str, key: str, **params):
        """One S3 call; an absent object is FileNotFoundError, any other failure (down,
        timing out, refusing the keys) is logged by its kind only and answered 503."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.client, operation)(Bucket=self.bucket, Key=self._key(key),
                                                   **params)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code in ("NoSuchKey", "404", "NotFound"):
                raise FileNotFoundError(key) from None
            log.error("file storage refused a call", extra={"fields": {
                "operation": operation, "error": code}})
            raise StorageUnavailable() from None
        except BotoCoreError as exc:
            log.error("file storage unavailable", extra={"fields": {
                "operation": operation, "error": type(exc).__name__}})
            raise StorageUnavailable() from None

    def save(self, key: str, data: bytes) -> None:
        # one PUT: an object is whole or absent, like the local rename
        self._call("put_object", key, Body=data)

    def load(self, key: str) -> bytes:
        response = self._call("get_object", key)
        from botocore.exceptions import BotoCoreError

        try:
            with response["Body"] as body:
                return body.read()
        except BotoCoreError as exc:  # the connection dropped mid-body
            log.error("file storage unavailable", extra={"fields": {
                "operation": "read", "error": type(exc).__name__}})
            raise StorageUnavailable() from None

    def delete(self, key: str) -> None:
        # deleting an absent object succeeds in S3, as `unlink(missing_ok=True)` does here
        self._call("delete_object", key)


def s3_settings(config) -> dict:
    return {
        "bucket": config["FILE_STORAGE_S3_BUCKET"],
        "endpoint_url": config.get("FILE_STORAGE_S3_ENDPOINT") or None,
        "region": config.get("FILE_STORAGE_S3_REGION") or None,
        "access_key_id": config.get("FILE_STORAGE_S3_ACCESS_KEY_ID") or None,
        "secret_access_key": config.get("FILE_STORAGE_S3_SECRET_ACCESS_KEY") or None,
        "prefix": config.get("FILE_STORAGE_S3_PREFIX") or "",
        "addressing_style": config.get("FILE_STORAGE_S3_ADDRESSING") or "auto",
    }


def default_root() -> Path:
    return Path(current_app.root_path).parent / "instance" / "files"


def get_storage() -> Storage:
    """The configured backend: FILE_STORAGE=s3 for the object store, else local disk under
    FILE_STORAGE_DIR."""
    storage = current_app.extensions.get("gonghui_file_storage")
    if current_app.config.get("FILE_STORAGE", "local") == "s3":
        settings = s3_settings(current_app.config)
        if not isinstance(storage, S3Storage) or storage.settings != settings:
            storage = S3Storage(**settings)
            current_app.extensions["gonghui_file_storage"] = storage
        return storage
    root = Path(current_app.config.get("FILE_STORAGE_DIR") or default_root())
    if not isinstance(storage, LocalDiskStorage) or storage.root != root.resolve():
        storage = LocalDiskStorage(root)
        current_app.extensions["gonghui_file_storage"] = storage
    return storage
