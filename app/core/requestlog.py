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
    """One JSON object per line, with the request id when there is a request."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if has_request_context():
            entry["request_id"] = getattr(g, "request_id", None)
        extra = getattr(record, "fields", None)
        if extra:
            entry.update(extra)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
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


# Runs of 11+ digits (phone, ID and card numbers are 11-19 long; row ids are far shorter)
# are masked wherever a client can put them: in the path and in query values.
LONG_NUMBER = re.compile(r"\d{11,}")


def mask_long_numbers(text: str) -> str:
    """139****5678-style masking of any long digit run a client sent."""
    return LONG_NUMBER.sub(lambda m: m[0][:3] + "*" * (len(m[0]) - 7) + m[0][-4:], text)


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
        safe[key] = mask_long_numbers(value[:64])
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
        if app.config.get("REQUEST_LOG", True):
            started = getattr(g, "request_started", time.perf_counter())
            log.info(
                "request",
                extra={
                    "fields": {
                        "method": request.method,
                        "path": mask_long_numbers(request.path),
                        "query": safe_query(request.args),
                        "status": response.status_code,
                        "ms": round((time.perf_counter() - started) * 1000, 2),
                        "user_id": getattr(g, "user_id", None),
                    }
                },
            )
        return response
