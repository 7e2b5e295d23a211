"""gzip for JSON answers over 1 KB when the client accepts it (a list screen on a weak signal).

One `after_request`, registered before every other so that it runs last: idempotency keys
store (and replay) the plain body, and the request log and metrics see the real status.
Small answers and clients that do not send `Accept-Encoding: gzip` get the plain body; every
JSON answer says `Vary: Accept-Encoding`, so a shared cache keeps the two apart.
"""

from __future__ import annotations

import zlib

from flask import Flask, Response, request

MIN_BYTES = 1024  # below this gzip saves too little to be worth the client's time
# zlib level 1: 20 nearby cards (18 kB) → 2.7 kB in ~30 µs; level 5 gives 2.4 kB in ~65 µs
# and level 9 2.3 kB in ~90 µs (bench/bench_nearby_size.py body) — the hot path takes speed
LEVEL = 1
_JSON_TYPES = ("application/json", "application/geo+json", "application/problem+json")


def accepts_gzip() -> bool:
    header = request.headers.get("Accept-Encoding")
    return bool(header) and "gzip" in header and request.accept_encodings["gzip"] > 0


def gzip_bytes(data: bytes, level: int = LEVEL) -> bytes:
    """A gzip member without a timestamp (the same body gives the same bytes)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def compress(response: Response) -> Response:
    if (response.mimetype not in _JSON_TYPES or response.direct_passthrough
            or response.is_streamed or "Content-Encoding" in response.headers
            or response.status_code in (204, 304) or request.method == "HEAD"):
        return response
    vary = response.headers.get("Vary")
    if vary is None:
        response.headers["Vary"] = "Accept-Encoding"  # the common case, without a HeaderSet
    else:
        response.vary.add("Accept-Encoding")
    if not accepts_gzip():
        return response
    data = response.get_data()
    if len(data) <= MIN_BYTES:
        return response
    response.set_data(gzip_bytes(data))
    response.headers["Content-Encoding"] = "gzip"
    return response


def register_compression(app: Flask) -> None:
    app.after_request(compress)
