"""Domain exceptions and the one error envelope every failure uses."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from typing import Any

from flask import Flask, g, jsonify
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from app.core.i18n import (
    FIELDS_INVALID,
    FIELDS_TO_CHECK,
    INVALID_JSON,
    N_,
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


class FieldMessage(str):
    """One field's message: the English text with its values filled in (what the JSON shows
    in English) that also keeps its message id and values, so the envelope translates it
    with the values (`core.i18n.translate_details`)."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, params: dict[str, Any] | None = None) -> FieldMessage:
        made = super().__new__(cls, msgid % params if params else msgid)
        made.msgid, made.params = msgid, dict(params or {})
        return made


class FieldProblems:
    """Every field problem of one request, raised together as one 422.

    A service checks each rule and collects instead of raising at the first:
    `problems.invalid(field, message, params)` for its own checks, `with problems.check():`
    around a step that raises `Invalid` with `details["fields"]` (its fields are merged, the
    step's other effects stay as far as it got), then `problems.raise_if_any()`. One problem
    keeps its own message and code; several are "Some fields are invalid." listing all.
    """

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}
        self.details: dict[str, Any] = {}
        self._first: tuple[str, dict[str, Any] | None, str | None] | None = None
        self._count = 0

    def __bool__(self) -> bool:
        return bool(self.fields)

    def has(self, *names: str) -> bool:
        """True when one of these fields already has a problem (skip the checks that need it)."""
        return any(name in self.fields for name in names)

    def invalid(self, field: str, message: str, params: dict[str, Any] | None = None, *,
                code: str | None = None, details: dict[str, Any] | None = None) -> None:
        self._add(field, FieldMessage(message, params), (message, params, code), details)

    def _add(self, field: str, text: str, first, details: dict[str, Any] | None) -> None:
        listed = self.fields.setdefault(field, [])
        if text in listed:  # the same rule reached twice (e.g. a shared lookup)
            return
        listed.append(text)
        self._count += 1
        if self._first is None:
            self._first = first
        self.details.update(details or {})

    def merge(self, exc: Invalid) -> None:
        """An `Invalid` raised by a step: its fields join the others."""
        fields = exc.details.get("fields") or {"_schema": [FieldMessage(exc.msgid, exc.params)]}
        rest = {key: value for key, value in exc.details.items() if key != "fields"}
        first = (exc.msgid, exc.params, exc.code if exc.code != Invalid.code else None)
        for field, messages in fields.items():
            for text in messages if isinstance(messages, list) else [messages]:
                self._add(field, text, first, rest)

    def check(self) -> _Collecting:
        return _Collecting(self)

    def raise_if_any(self) -> None:
        if not self.fields:
            return
        details = {**self.details, "fields": self.fields}
        if self._count == 1 and self._first is not None:
            message, params, code = self._first
            raise Invalid(message, params=params, code=code, details=details)
        raise Invalid(FIELDS_INVALID, details=details)


class _Collecting:
    def __init__(self, problems: FieldProblems) -> None:
        self.problems = problems

    def __enter__(self) -> FieldProblems:
        return self.problems

    def __exit__(self, kind, exc, traceback) -> bool:
        if isinstance(exc, Invalid) and type(exc) is Invalid:
            self.problems.merge(exc)
            return True
        return False


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


DATABASE_DOWN = N_("The service is unavailable for a moment; try again in a few seconds.")
DATABASE_BUSY = N_("The service is busy; try again in a few seconds.")


class DatabaseUnavailable(ServiceUnavailable):
    """The database cannot be reached (or every pooled connection is busy): retry shortly."""

    code = "database_unavailable"
    RETRY_AFTER_S = 5

    def __init__(self, message: str = DATABASE_DOWN, **kwargs) -> None:
        kwargs.setdefault("headers", {"Retry-After": str(self.RETRY_AFTER_S)})
        super().__init__(message, **kwargs)




class _IncidentLog:
    """One log line per database incident, not one traceback per refused request: the first
    refusal is logged, then at most one line per `every_s` with how many were refused."""

    def __init__(self, every_s: float = 30.0) -> None:
        self.every_s, self.lock = every_s, threading.Lock()
        self.last, self.refused = float("-inf"), 0

    def refused_one(self, exc: BaseException) -> None:
        with self.lock:
            self.refused += 1
            now = time.monotonic()
            if now - self.last < self.every_s:
                return
            refused, self.refused, self.last = self.refused, 0, now
        # the exception's type only: its text holds the SQL and its parameters
        cause = getattr(exc, "orig", None) or exc
        log.error("database unavailable", extra={"fields": {
            "error": type(cause).__name__, "refused_since_last_line": refused}})


database_incidents = _IncidentLog()


def is_database_unavailable(exc: BaseException) -> bool:
    """A lost or refusing database (connection errors, the pool's wait timing out)."""
    return isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError
                      ) or (isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated)


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
    from app.extensions import db

    def discard_transaction() -> None:
        """The refused use case's transaction is discarded here, before the after_request
        handlers run: on SQLite its write lock (a refusal after a write, e.g. a unique index
        refusing a savepoint) would block the idempotency record's update until the busy
        timeout and turn the 409 into a 500."""
        # the database may be gone: then teardown discards the session anyway
        with contextlib.suppress(sa_exc.SQLAlchemyError):
            db.session.rollback()

    @app.errorhandler(AppError)
    def handle_app_error(exc: AppError):
        discard_transaction()
        return envelope(exc.status, exc.code, exc.msgid, exc.details, exc.headers, exc.params)

    @app.errorhandler(HTTPException)
    def handle_http_exception(exc: HTTPException):
        return _from_http_exception(exc)

    @app.errorhandler(sa_exc.SQLAlchemyError)
    def handle_database_error(exc: sa_exc.SQLAlchemyError):
        if not is_database_unavailable(exc):
            return handle_unexpected(exc)
        database_incidents.refused_one(exc)
        busy = isinstance(exc, sa_exc.TimeoutError)
        unavailable = DatabaseUnavailable(DATABASE_BUSY) if busy else DatabaseUnavailable()
        return handle_app_error(unavailable)

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        log.exception("unhandled error")
        return envelope(500, "internal_error", UNEXPECTED)
