"""Languages: Chinese (zh_CN) by default, English when the request asks for it.

Messages are written in English in the code and are the message ids of the catalogs in
`app/translations/<locale>/LC_MESSAGES/messages.po` (compiled to `.mo` by `make`). Only the
error envelope translates, so a successful request never chooses a locale nor reads a
catalog. Variable parts are `%(name)s` placeholders filled after the lookup, so the message id
stays constant: `Conflict("Not possible while the project is %(status)s.", params={...})`.

Validation messages are produced by marshmallow and webargs in English with the values
already filled in ("Length must be between 1 and 80."); `translate_details` matches them back
to their templates (the `N_` ids below) and fills the values into the translation.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, g, has_request_context, request
from flask_babel import get_locale, get_translations
from werkzeug.exceptions import HTTPException

DEFAULT_LOCALE = "zh_CN"
ENGLISH = "en"
# the tags we answer in, best first when the client has no preference between them
_OFFERED = ("zh-CN", "en")


# the callables whose argument is a message id, as `pybabel extract -k` takes them (`make
# messages`; tests/core/test_i18n.py checks the catalog holds every one of them)
MESSAGE_KEYWORDS = (
    "AppError", "Invalid", "Unauthorized", "Forbidden", "NotFound", "Conflict",
    "InvalidTransition", "PayloadTooLarge", "ServiceUnavailable", "RateLimited",
    "ValidationError", "N_", "envelope:3", "unauthorized:2", "_invalid:2", "require_leader:3",
    "invalid:2", "FieldMessage",
)


def N_(message: str) -> str:
    """Mark `message` as a message id for `pybabel extract` without translating it here."""
    return message


def select_locale() -> str:
    """`Accept-Language` naming English (en, en-US, en-GB …) above Chinese → en; else zh_CN."""
    if not has_request_context():
        return DEFAULT_LOCALE
    best = request.accept_languages.best_match(_OFFERED, default="zh-CN")
    return ENGLISH if best == "en" else DEFAULT_LOCALE


def init_app(app: Flask) -> None:
    from app.extensions import babel

    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")
    babel.init_app(app, locale_selector=select_locale)

    @app.after_request
    def vary_by_language(response):
        """A response whose words followed the request's language (labels, messages) says so
        to caches; one that never chose a language (most successful reads) does not."""
        chosen = getattr(g, "_flask_babel", None)
        if chosen is not None and getattr(chosen, "babel_locale", None) is not None:
            response.vary.add("Accept-Language")
        return response


def is_english() -> bool:
    locale = get_locale()  # None outside an app context: then the catalog is not read either
    return locale is not None and locale.language == ENGLISH


def translate(message: str, params: dict[str, Any] | None = None) -> str:
    """`message` (an English message id) in the request's language, `params` filled in; a
    message the catalog lacks stays English."""
    if not message:
        return message
    if is_english():
        return message % params if params else message
    translated = get_translations().gettext(message)
    if not params:
        return translated
    try:
        return translated % params
    except (KeyError, TypeError, ValueError):  # a broken translation must not hide the error
        return message % params


def translate_details(details: dict) -> dict:
    """`details` with the messages under `fields` (nested dicts and lists of strings, as
    marshmallow builds them) and under each import row's `fields` in the request's language,
    each Chinese message naming its field ("预算金额：请填写整数。"); the keys stay the field
    names clients map to inputs. Other details are data, untouched."""
    if is_english():
        return details
    translated = dict(details)
    if details.get("fields") is not None:
        translated["fields"] = _translate_messages(details["fields"], None)
    rows = details.get("rows")
    if isinstance(rows, list) and all(isinstance(row, dict) for row in rows):
        translated["rows"] = [{**row, "fields": _translate_messages(row["fields"], None)}
                              if isinstance(row.get("fields"), dict) else row for row in rows]
    return translated


def _translate_messages(value: Any, field: str | None) -> Any:
    if isinstance(value, str):
        if hasattr(value, "msgid"):  # errors.FieldMessage: a message id with its values
            message = translate(value.msgid, value.params)
        else:
            message = translate_validation_message(value)
        if field is None:
            return message
        from app.core.labels import field_label  # labels import this module

        return f"{field_label(field)}：{message}"
    if isinstance(value, dict):
        return {key: _translate_messages(item, _leaf(key, field)) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_translate_messages(item, field) for item in value]
    return value


def _leaf(key: Any, field: str | None) -> str | None:
    """The field a message under `key` is about: a list index or `_schema` keeps the parent."""
    key = str(key)
    if key.isdigit() or key == "_schema":
        return field
    return key


# --- HTTP errors raised by Flask/werkzeug (routing, body size, method) ---------------------

FIELDS_INVALID = N_("Some fields are invalid.")
FIELDS_TO_CHECK = N_("Some fields are invalid; check: %(fields)s.")
HTTP_MESSAGES = {
    400: N_("The request could not be understood; check its format."),
    401: N_("Log in first."),
    403: N_("You may not do this."),
    404: N_("Nothing was found at this address."),
    405: N_("This method is not allowed here."),
    409: N_("This conflicts with the current state; reload and try again."),
    413: N_("The request is too large."),
    415: N_("This content type is not supported; send JSON."),
    422: N_("The request could not be processed; check what you entered."),
    429: N_("Too many requests; wait a moment and try again."),
    500: N_("Something went wrong on our side."),
    503: N_("The service is unavailable for a moment; try again later."),
}
INVALID_JSON = N_("The request body is not valid JSON.")
UNEXPECTED = HTTP_MESSAGES[500]


def http_message(exc: HTTPException) -> str:
    """Our message id for a werkzeug error: its own per status unless the raiser wrote one."""
    status = exc.code or 500
    default = type(exc).description
    if exc.description and exc.description != default:
        return exc.description
    return HTTP_MESSAGES.get(status) or exc.name


# --- marshmallow / webargs validation messages -------------------------------------------

# messages without values: looked up as they are
N_("Missing data for required field.")
N_("Field may not be null.")
N_("Invalid value.")
N_("Unknown field.")
N_("Invalid input type.")
N_("Invalid input.")
N_("Invalid type.")
N_("Not a valid integer.")
N_("Not a valid string.")
N_("Not a valid utf-8 string.")
N_("Not a valid number.")
N_("Number too large.")
N_("Special numeric values (nan or infinity) are not permitted.")
N_("Not a valid boolean.")
N_("Not a valid datetime.")
N_("Not a valid aware datetime.")
N_("Not a valid naive datetime.")
N_("Not a valid date.")
N_("Not a valid time.")
N_("Not a valid period of time.")
N_("Not a valid list.")
N_("Not a valid tuple.")
N_("Not a valid mapping type.")
N_("Not a valid email address.")
N_("Not a valid URL.")
N_("Not a valid UUID.")
N_("String does not match expected pattern.")
N_("Invalid JSON body.")
N_("Text must not contain NUL characters.")
N_("Text contains a broken character; remove it and try again.")
N_("must not contain control characters")

# messages with values: marshmallow's templates, `{name}` written as `%(name)s`
_TEMPLATES = (
    N_("Shorter than minimum length %(min)s."),
    N_("Longer than maximum length %(max)s."),
    N_("Length must be between %(min)s and %(max)s."),
    N_("Length must be %(equal)s."),
    N_("Must be greater than or equal to %(min)s."),
    N_("Must be greater than %(min)s."),
    N_("Must be less than or equal to %(max)s."),
    N_("Must be less than %(max)s."),
    N_("Must be greater than or equal to %(min)s and less than or equal to %(max)s."),
    N_("Must be greater than or equal to %(min)s and less than %(max)s."),
    N_("Must be greater than %(min)s and less than or equal to %(max)s."),
    N_("Must be greater than %(min)s and less than %(max)s."),
    N_("Must be one of: %(choices)s."),
    N_("Must be equal to %(other)s."),
    N_("One or more of the choices you made was not in: %(choices)s."),
    N_("One or more of the choices you made was in: %(values)s."),
    # our own field messages with values
    N_("Unknown to-do kind; use one of %(kinds)s."),
    N_("%(cell)s is not opening hours the import reads: %(format)s"),
)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _pattern(template: str) -> re.Pattern:
    parts = _PLACEHOLDER.split(template)  # literal, name, literal, name, …, literal
    regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)"
                    for i, part in enumerate(parts))
    return re.compile(f"^{regex}$", re.DOTALL)


_PATTERNS = tuple((_pattern(template), template) for template in _TEMPLATES)


def translate_validation_message(message: str) -> str:
    """A filled-in validation message in the request's language: matched to its template when
    it has values, else looked up as it is (our own schemas' messages are catalog ids too)."""
    if is_english():
        return message
    translated = get_translations().gettext(message)
    if translated != message:
        return translated
    for pattern, template in _PATTERNS:
        found = pattern.match(message)
        if found:  # a value that is a message id itself (a format hint) is translated too
            values = {name: get_translations().gettext(value)
                      for name, value in found.groupdict().items()}
            return translate(template, values)
    return message
