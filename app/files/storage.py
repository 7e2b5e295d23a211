"""Where file bytes live: a small interface with a local-disk implementation."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Protocol

from flask import current_app

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


def default_root() -> Path:
    return Path(current_app.root_path).parent / "instance" / "files"


def get_storage() -> Storage:
    """The configured backend (local disk under FILE_STORAGE_DIR by default)."""
    storage = current_app.extensions.get("gonghui_file_storage")
    root = Path(current_app.config.get("FILE_STORAGE_DIR") or default_root())
    if not isinstance(storage, LocalDiskStorage) or storage.root != root.resolve():
        storage = LocalDiskStorage(root)
        current_app.extensions["gonghui_file_storage"] = storage
    return storage
