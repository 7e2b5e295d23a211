"""Domain exceptions and the one error envelope every failure uses."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, g, jsonify
from werkzeug.exceptions import HTTPException

from app.core.i18n import (
    FIELDS_INVALID,
    FIELDS_TO_CHECK,
    INVALID_JSON,
    UNEXPECTED,
    http_message,
    translate,
    translate_details,
)
from app.core.labels import field_list

log = logging.getLogger("gonghui.errors")


class AppError(Exception):
    """A failure the client can act on: carries status, code, message and details.

    `message` is the English message id, constant per kind of failure: variable parts are
    `%(name)s` placeholders filled from `params`, so the envelope can look the id up in the
    request's language (`app/translations`) and fill in the same values. `self.message` is
    the English text with the values filled in (a `core.labels.Code` value shows its label in
    the request's language); show people `translate(exc.msgid, exc.params)`."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        params: dict[str, Any] | None = None,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.msgid = message
        self.params = params or {}
        self.message = message % params if params else message
        super().__init__(self.message)
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


def envelope(status: int, code: str, message: str, details: dict | None = None, headers=None,
             params: dict | None = None):
    """Build the JSON error response used for every 4xx and 5xx; `message` (an English
    message id, `%(name)s` filled from `params`) and the messages under `details["fields"]`
    come out in the request's language."""
    details = translate_details(details) if details else {}
    body = {
        "error": {
            "code": code,
            "message": translate(message, params),
            "details": details,
            "request_id": getattr(g, "request_id", None),
        }
    }
    response = jsonify(body)
    response.status_code = status
    response.vary.add("Accept-Language")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _from_http_exception(exc: HTTPException):
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    details: dict[str, Any] = {}
    params = None
    message = http_message(exc)
    messages = data.get("messages")
    if messages is not None:
        # webargs/flask-smorest validation: {"json": {"field": ["msg"]}} → flatten locations
        details = {"fields": _flatten_locations(messages)}
        if status == 422:
            message, params = _fields_message(details["fields"])
    if status == 400 and messages is not None and "Invalid JSON" in str(messages):
        message = INVALID_JSON
    headers = {}
    for name, value in (exc.get_headers() or []):
        if name.lower() in ("allow", "retry-after", "www-authenticate"):
            headers[name] = value
    code = HTTP_CODES.get(status, "http_error" if status < 500 else "internal_error")
    if status == 400 and messages is not None:
        code = "malformed_request"
    return envelope(status, code, message, details, headers, params)


def _fields_message(fields: Any) -> tuple[str, dict | None]:
    """"Check: Budget, Start date." naming the invalid fields by their labels."""
    names = [name for name in fields if name != "_schema"] if isinstance(fields, dict) else []
    if not names:
        return FIELDS_INVALID, None
    return FIELDS_TO_CHECK, {"fields": field_list(names)}


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
        return envelope(exc.status, exc.code, exc.msgid, exc.details, exc.headers, exc.params)

    @app.errorhandler(HTTPException)
    def handle_http_exception(exc: HTTPException):
        return _from_http_exception(exc)

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        log.exception("unhandled error")
        return envelope(500, "internal_error", UNEXPECTED)
