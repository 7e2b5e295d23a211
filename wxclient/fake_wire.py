"""Wire helpers of the fake WeChat server: replies, WeChat-style errors and a tiny PNG encoder."""

from __future__ import annotations

import hashlib
import json
import secrets
import struct
import zlib
from dataclasses import dataclass
from typing import Any

__all__ = ["Reply", "err", "json_body", "json_reply", "make_png", "request_id"]


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, body bytes and content type."""

    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"


def json_reply(obj: Any, status: int = 200) -> Reply:
    """Encode ``obj`` as UTF-8 JSON (non-ASCII kept as is, like WeChat)."""
    return Reply(status, json.dumps(obj, ensure_ascii=False).encode("utf-8"))


def request_id() -> str:
    return f"{secrets.token_hex(4)}-{secrets.token_hex(4)}-{secrets.token_hex(4)}"


def err(errcode: int, errmsg: str) -> Reply:
    """A WeChat-style error body with a request id, answered with HTTP 200."""
    return json_reply({"errcode": errcode, "errmsg": f"{errmsg} rid: {request_id()}"})


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def make_png(seed: str, width: int = 430) -> bytes:
    """A valid 8-bit grayscale PNG: a bordered 16x16 grid drawn from sha256(seed)."""
    bits = int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest(), "big")
    modules = 18  # 16 data modules plus a one-module quiet zone on each side
    scale = max(1, width // modules)
    size = modules * scale
    raw = bytearray()
    for my in range(modules):
        row = bytearray()
        for mx in range(modules):
            inner = 0 < mx < modules - 1 and 0 < my < modules - 1
            dark = inner and (bits >> ((my - 1) * 16 + (mx - 1))) & 1
            row += (b"\x00" if dark else b"\xff") * scale
        raw += (b"\x00" + bytes(row)) * scale
    ihdr = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + _chunk(b"IEND", b"")
    )


def json_body(body: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(body.decode("utf-8")) if body else None
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
