"""Request ids and structured JSON logs; coordinates and personal data are kept out."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
# Query parameters never logged as given: positions are rounded, secrets dropped.
COORDINATE_PARAMS = {"lat", "lng", "latitude", "longitude"}
DROPPED_PARAMS = {"code", "token", "access_token", "refresh_token", "secret"}

log = logging.getLogger("gonghui.request")


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the request id when there is a request; personal
    numbers masked in the whole line (`mask_numbers`)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        extra = getattr(record, "fields", None)
        if extra:
            entry.update(extra)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        entry = _masked(entry)
        if has_request_context():
            entry["request_id"] = getattr(g, "request_id", None)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str) -> None:
    """Send every logger to stderr as JSON lines (idempotent across app instances)."""
    root = logging.getLogger()
    if not any(getattr(h, "_gonghui", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler._gonghui = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


# Numbers a person could be found by — phone, ID, bank card, landline with area code: ten
# or more digits, written in one run or in groups split by single spaces or hyphens
# (138-1234-5678, 6222 0212 3456 7890 123, 110101 19900307 1234), an ID number's final X
# included, glued to letters or not (q=tel13912345678). The request id is hex and logged
# as it is: it is the one field that is never masked.
PERSONAL_NUMBER = re.compile(r"(?<!\d)\d(?:[ -]?\d){9,}(?:[Xx](?![A-Za-z]))?(?!\d)")


def _star(match: re.Match) -> str:
    number = match[0]
    digits = sum(1 for char in number if char not in " -")
    shown, starred, out = 0, digits - 4, []
    for char in number:
        if char in " -":
            out.append(char)
        else:
            out.append("*" if shown < starred else char)
            shown += 1
    return "".join(out)


def _masked(value):
    if isinstance(value, str):
        return mask_numbers(value)
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(item) for item in value]
    return value


def mask_numbers(text: str) -> str:
    """Every personal-looking number in `text` starred but its last four digits — the one
    rule for every log line (the app's own, tracebacks, gunicorn's access log)."""
    return PERSONAL_NUMBER.sub(_star, text)


def safe_query(args) -> dict[str, str]:
    """The query string as it may be logged: coordinates rounded to ~1 km, secrets dropped."""
    safe = {}
    for key, value in args.items():
        if key in DROPPED_PARAMS:
            continue
        if key in COORDINATE_PARAMS:
            try:
                value = f"{float(value):.2f}"
            except ValueError:
                value = "?"
        # masked before it is cut: a cut number would keep its birth date unmasked
        safe[key] = mask_numbers(value)[:64]
    return safe


def register_request_logging(app: Flask) -> None:
    """Give every request an id (the client's when well-formed) and log one line per response."""

    @app.before_request
    def assign_request_id() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if REQUEST_ID_PATTERN.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def finish_request(response):
        request_id = getattr(g, "request_id", None) or uuid.uuid4().hex
        g.request_id = request_id
        response.headers["X-Request-ID"] = request_id
        # the line's fields are built only when it is written (LOG_LEVEL INFO or lower)
        if app.config.get("REQUEST_LOG", True) and log.isEnabledFor(logging.INFO):
            started = getattr(g, "request_started", time.perf_counter())
            log.info(
                "request",
                extra={
                    "fields": {
                        "method": request.method,
                        "path": mask_numbers(request.path),
                        "query": safe_query(request.args),
                        "status": response.status_code,
                        "ms": round((time.perf_counter() - started) * 1000, 2),
                        "user_id": getattr(g, "user_id", None),
                    }
                },
            )
        return response

