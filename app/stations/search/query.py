"""What a nearby request asks beyond its parsed arguments (`schemas.nearby_query_fast` /
`NearbyQuery` parse those): the answer's language."""

from __future__ import annotations

from flask import request

from app.core.i18n import ENGLISH, select_locale

_LANGUAGES: dict[str, bool] = {}  # Accept-Language header → English?


def wants_english() -> bool:
    """The request asks for English (core.i18n's choice), memoised by header: the hot path
    never runs the locale selector for a header it has seen."""
    header = request.headers.get("Accept-Language")
    if not header:
        return False
    found = _LANGUAGES.get(header)
    if found is None:
        if len(_LANGUAGES) > 1000:
            _LANGUAGES.clear()
        found = _LANGUAGES[header] = select_locale() == ENGLISH
    return found


