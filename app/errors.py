"""Domain exceptions and the one error envelope every failure uses."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, g, jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger("gonghui.errors")


class AppError(Exception):
    """A failure the client can act on: carries status, code, message and details."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.details = details or {}
        self.headers = headers or {}


class Invalid(AppError):
    status = 422
    code = "validation_error"


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"


class Forbidden(AppError):
    status = 403
    code = "forbidden"


class NotFound(AppError):
    status = 404
    code = "not_found"


class Conflict(AppError):
    status = 409
    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class PayloadTooLarge(AppError):
    status = 413
    code = "payload_too_large"


class ServiceUnavailable(AppError):
    status = 503
    code = "service_unavailable"


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


def envelope(status: int, code: str, message: str, details: dict | None = None, headers=None):
    """Build the JSON error response used for every 4xx and 5xx."""
    body = {
        "error": {
            "code": code,
            "message": message,
            "details": details or {},
            "request_id": getattr(g, "request_id", None),
        }
    }
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _from_http_exception(exc: HTTPException):
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    details: dict[str, Any] = {}
    message = exc.description or exc.name
    messages = data.get("messages")
    if messages is not None:
        # webargs/flask-smorest validation: {"json": {"field": ["msg"]}} → flatten locations
        details = {"fields": _flatten_locations(messages)}
        message = "Some fields are invalid." if status == 422 else message
    if status == 400 and messages is not None and "Invalid JSON" in str(messages):
        message = "The request body is not valid JSON."
    headers = {}
    for name, value in (exc.get_headers() or []):
        if name.lower() in ("allow", "retry-after", "www-authenticate"):
            headers[name] = value
    code = HTTP_CODES.get(status, "http_error" if status < 500 else "internal_error")
    if status == 400 and messages is not None:
        code = "malformed_request"
    return envelope(status, code, message, details, headers)


def _flatten_locations(messages: dict) -> dict:
    if isinstance(messages, dict) and set(messages) <= {"json", "query", "path", "form", "files",
                                                          "headers", "cookies", "json_or_form"}:
        flat: dict[str, Any] = {}
        for fields in messages.values():
            if isinstance(fields, dict):
                flat.update(fields)
            else:
                flat["_schema"] = fields
        return flat
    return messages


def register_error_handlers(app: Flask) -> None:
    """Turn domain errors, HTTP errors and bugs into the envelope."""

    @app.errorhandler(AppError)
    def handle_app_error(exc: AppError):
        return envelope(exc.status, exc.code, exc.message, exc.details, exc.headers)

    @app.errorhandler(HTTPException)
    def handle_http_exception(exc: HTTPException):
        return _from_http_exception(exc)

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        log.exception("unhandled error")
        return envelope(500, "internal_error", "Something went wrong on our side.")
