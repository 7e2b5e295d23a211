"""HTTP plumbing shared by every domain: blueprint with auth docs, the token check, error schema."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from functools import wraps

from flask import after_this_request, request
from flask_jwt_extended import verify_jwt_in_request
from flask_jwt_extended.exceptions import NoAuthorizationError
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, pre_load, validate
from webargs.core import missing
from webargs.flaskparser import FlaskParser, abort
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter

from app.core.time import to_shanghai

# NUL (PostgreSQL text refuses it) and lone UTF-16 surrogates (JSON's "\ud800" decodes to
# one; no UTF-8 encoder — database driver, log, WeChat — can write it)
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


def _bad_text(value) -> str | None:
    """The first NUL or lone surrogate anywhere in a loaded request body, else None."""
    if isinstance(value, str):
        found = _BAD_TEXT.search(value)
        return found.group() if found else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = _bad_text(key) or _bad_text(item)
            if found:
                return found
    elif isinstance(value, list | tuple):
        for item in value:
            found = _bad_text(item)
            if found:
                return found
    return None


class StrictSchema(Schema):
    """Request schemas reject unknown fields, NUL characters and lone surrogates."""

    class Meta:
        unknown = RAISE

    @pre_load
    def refuse_unwritable_characters(self, data, **kwargs):
        found = _bad_text(data)
        if found == "\x00":
            raise ValidationError("Text must not contain NUL characters.", "_schema")
        if found:
            raise ValidationError("Text contains a broken character; remove it and try again.",
                                  "_schema")
        return data


def refuse_nul_in_path() -> None:
    """`before_request`: a path with a NUL (`%00`) names nothing; answered 404 before a
    string path parameter reaches PostgreSQL, whose text type refuses NUL."""
    if "\x00" in request.path:
        from app.errors import NotFound

        raise NotFound("Nothing was found at this address.")


class ApiParser(FlaskParser):
    """webargs' parser, with a JSON body nested past Python's recursion limit answered as
    invalid JSON (400) instead of escaping as a RecursionError (500); a missing JSON body is
    refused the same way (every JSON body the API takes is `required` in the document, even
    one whose fields are all optional), and an upload's other form fields reach the schema,
    which refuses them as unknown."""

    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "files": RAISE}

    def load_json(self, req, schema):
        found = super().load_json(req, schema)
        if found is missing:
            abort(400, messages={"json": ["Invalid JSON body."]})
        return found

    def load_files(self, req, schema):
        if not req.form:
            return super().load_files(req, schema)
        both = MultiDict(req.files)
        for key, value in req.form.items(multi=True):
            both.add(key, value)
        return self._makeproxy(both, schema)

    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except RecursionError:
            raise json.JSONDecodeError("nested too deeply", "<body>", 0) from None


class ErrorBodySchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    details = fields.Dict(required=True)
    request_id = fields.String(allow_none=True)


class ErrorEnvelopeSchema(Schema):
    """`{"error": {"code", "message", "details", "request_id"}}` — the only error shape."""

    class Meta:
        unknown = EXCLUDE

    error = fields.Nested(ErrorBodySchema, required=True)


class OrgRef(Schema):
    """An org as other resources show it: id and name."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)


def secret_response(func: Callable) -> Callable:
    """The view's answer carries secrets (tokens, whole personal numbers): it is sent with
    `Cache-Control: no-store`, so no browser, proxy or the idempotency store keeps it."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        @after_this_request
        def no_store(response):
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
            return response

        return func(*args, **kwargs)

    return wrapper


def verify_token(*, refresh: bool = False, optional: bool = False) -> bool:
    """Verify the request's bearer token once per request (and kind: access or refresh).

    The write rate limit (keyed by the user), idempotency keys, `blp.auth()` and
    `optional_user()` all ask; the first call decodes the token and runs the revocation check,
    later ones reuse its answer (the same error for a bad token). True when a valid token came;
    without one, `NoAuthorizationError` (401) unless `optional`.
    """
    # kept in the WSGI environ: per request even where one app context spans several (tests)
    checks = request.environ.setdefault("gonghui.token_checks", {})
    if refresh not in checks:
        try:
            checks[refresh] = verify_jwt_in_request(optional=True, refresh=refresh) is not None
        except Exception as exc:  # kept and raised again to every later caller
            checks[refresh] = exc
    found = checks[refresh]
    if isinstance(found, Exception):
        raise found
    if not found and not optional:
        raise NoAuthorizationError("Missing Authorization Header")
    return found


def token_required(func: Callable, *, refresh: bool, optional: bool) -> Callable:
    @wraps(func)
    def wrapper(*args, **kwargs):
        verify_token(refresh=refresh, optional=optional)
        return func(*args, **kwargs)

    wrapper.token_refresh = refresh  # the rate limiter verifies the kind this endpoint takes
    return wrapper


class ApiBlueprint(Blueprint):
    """flask-smorest blueprint that also documents bearer auth and its 401/403 answers."""

    ARGUMENTS_PARSER = ApiParser()

    def arguments(self, schema, *args, fast: Callable[[MultiDict], dict | None] | None = None,
                  **kwargs):
        """Build argument schemas once: webargs would instantiate a class on every request.

        `fast` (query strings on hot paths): a function of `request.args` that returns exactly
        what the schema would load for the common well-formed request, or None to let the
        schema parse it and word any error. The schema stays the documented contract; a
        property test holds the two to the same answers.
        """
        documented = super().arguments(schema() if isinstance(schema, type) else schema,
                                       *args, **kwargs)
        if fast is None:
            return documented

        def decorator(func):
            parsed = documented(func)

            @wraps(parsed)
            def wrapper(*f_args, **f_kwargs):
                found = fast(request.args)
                if found is None:
                    return parsed(*f_args, **f_kwargs)
                return func(*f_args, found, **f_kwargs)

            return wrapper

        return decorator

    def auth(self, *, refresh: bool = False, optional: bool = False, forbidden: bool = True):
        def decorator(func):
            func = token_required(func, refresh=refresh, optional=optional)
            func = self.alt_response(401, schema=ErrorEnvelopeSchema, description="Not logged in")(
                func
            )
            if forbidden:
                func = self.alt_response(403, schema=ErrorEnvelopeSchema, description="Forbidden")(
                    func
                )
            security = [{"bearerAuth": []}] + ([{}] if optional else [])
            return self.doc(security=security)(func)

        return decorator

    def errors(self, *statuses: int):
        """Document the error statuses a route can answer with the envelope."""

        def decorator(func):
            for status in statuses:
                func = self.alt_response(status, schema=ErrorEnvelopeSchema)(func)
            return func

        return decorator


class ShanghaiDateTime(fields.DateTime):
    """Times leave the API as ISO 8601 in Asia/Shanghai (+08:00); they are stored in UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(to_shanghai(value), attr, obj, **kwargs)


MAX_ID = 2**63 - 1


def id_field(**kwargs) -> fields.Integer:
    """A row id in a request: positive and within a 64-bit integer."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class IdConverter(IntegerConverter):
    """`<int:…>` URL parts: ids beyond 64 bits do not match (404) instead of overflowing."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)
