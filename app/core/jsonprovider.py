"""The app's JSON responses encoded by orjson, byte for byte what Flask's encoder writes.

Flask's provider (sorted keys, compact separators, UTF-8 instead of \\uXXXX, dates as HTTP
dates, Decimal and UUID as strings, dataclasses as objects) spent ~0.3–0.7 ms on a list
screen's 5–18 kB answer on the 2-core machine; orjson writes the same bytes in a tenth of
that (bench/bench_mixed.py, issue 22). Anything orjson would write differently goes to
Flask's encoder instead, so the answer never changes:

* types orjson does not take or would write otherwise — dates, times, dataclasses (passed
  through to Flask's `default`), integers beyond 64 bits, non-string keys, nesting deeper
  than 254 levels, lone surrogates — make orjson raise, and the stdlib encodes the object;
* floats below 1e-4 in magnitude, which Python writes as `1e-05` and orjson as `0.00001`:
  when the bytes show such a number (or text that looks like one) and the object holds
  such a float, the stdlib encodes it.

One difference is kept: NaN and infinities, which the stdlib writes as `NaN` / `Infinity`
(not JSON: `JSON.parse` in the mini-program refuses the whole answer), come out as `null`.
No answer holds one — request schemas refuse them (marshmallow's `allow_nan=False`) and the
database columns are numbers the API wrote.

Requests are still parsed by the stdlib (`loads`): the parser's errors are part of the API.
Pretty-printed output (debug mode, `compact = False`) is the stdlib's as well.
"""

from __future__ import annotations

import typing as t

import orjson
from flask.json.provider import DefaultJSONProvider

_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_DIGITS = frozenset(b"0123456789")


class OrjsonProvider(DefaultJSONProvider):
    ensure_ascii = False  # Chinese text as UTF-8, not \uXXXX: half the bytes

    def dumps_bytes(self, obj: t.Any) -> bytes:
        """`obj` as the compact, key-sorted UTF-8 bytes Flask's `dumps` would give."""
        try:
            found = orjson.dumps(obj, default=self.default, option=_OPTIONS)
        except (orjson.JSONEncodeError, TypeError):
            found = None
        if found is None or _looks_small_float(found) and _has_small_float(obj):
            return self.dumps(obj, separators=(",", ":")).encode()
        return found

    def response(self, *args: t.Any, **kwargs: t.Any):
        if (self.compact is None and self._app.debug) or self.compact is False:
            return super().response(*args, **kwargs)
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(self.dumps_bytes(obj) + b"\n", mimetype=self.mimetype)


def _looks_small_float(data: bytes) -> bool:
    """Whether `data` shows a small float as orjson writes it (0.0000x, 2.5e-7) — or text
    that looks like one. Substring searches: a regular expression scanned 18 kB in ~0.3 ms."""
    if b"0.0000" in data:
        return True
    at = data.find(b"e-")
    while at > 0:
        if data[at - 1] in _DIGITS:
            return True
        at = data.find(b"e-", at + 2)
    return False


def _has_small_float(value: t.Any) -> bool:
    """Whether a float 0 < |x| < 1e-4 sits anywhere in `value` (asked only when the bytes
    show something like one)."""
    if isinstance(value, float):
        return 0 < abs(value) < 1e-4
    if isinstance(value, dict):
        return any(_has_small_float(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_has_small_float(item) for item in value)
    return False
