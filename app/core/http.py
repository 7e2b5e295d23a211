"""HTTP plumbing shared by every domain: blueprint with auth docs, the token check, error schema."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps

from flask import request
from flask_jwt_extended import verify_jwt_in_request
from flask_jwt_extended.exceptions import NoAuthorizationError
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, pre_load, validate
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter

from app.core.time import to_shanghai


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


class StrictSchema(Schema):
    """Request schemas reject unknown fields and NUL characters (PostgreSQL text refuses them)."""

    class Meta:
        unknown = RAISE

    @pre_load
    def refuse_nul_characters(self, data, **kwargs):
        if _has_nul(data):
            raise ValidationError("Text must not contain NUL characters.", "_schema")
        return data


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
