"""XLSX downloads (reports, rosters) built with openpyxl — the only place the product writes one."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import Any

from flask import Response
from flask.views import MethodView
from flask_jwt_extended import get_jwt_identity
from openpyxl import Workbook

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# OWASP CSV/formula injection: a text cell starting with one of these is run by spreadsheet
# programs (=HYPERLINK(...) next to a bank account sends it away when clicked)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text that a spreadsheet would take as a formula is shown as text: a leading `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_response(sheets: dict[str, list[list]], filename: str) -> Response:
    """Each sheet is a list of rows, the first row being the header."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title=title[:31])
        for row in rows:
            sheet.append([neutralise(value) for value in row])
        for column in sheet.columns:
            width = max(len(str(cell.value or "")) for cell in column) + 4
            sheet.column_dimensions[column[0].column_letter].width = min(width, 60)
    buffer = BytesIO()
    workbook.save(buffer)
    return Response(
        buffer.getvalue(),
        mimetype=XLSX_MIME,
        # reports and rosters hold personal data: no browser or proxy keeps a copy
        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                 "Cache-Control": "private, no-store"},
    )


def report_routes(blp, rule: str, *, query, schema, compute: Callable[..., Any],
                  sheets: Callable[[Any], dict[str, list[list]]],
                  filename: str | Callable[..., str], doc: str,
                  names: tuple[str, str], xlsx_doc: str = "The same statistics as an Excel "
                  "file.") -> None:
    """The pair every statistics screen has: `GET rule` answers `compute(actor_id=…,
    **path, **query)` as `schema` (JSON), `GET rule.xlsx` the same figures through
    `sheets` as a workbook named `filename.format(**path, **query)` (or `filename(**path,
    **query)`). Both take `query` from the query string (no query when it is None), need a
    login and document 404; `names` are the two view classes (their endpoint names), `doc`
    and `xlsx_doc` their OpenAPI descriptions."""

    def figures(query_args: dict, path: dict):
        # blp.auth() has verified the token (and that its user is live) before this runs
        return compute(actor_id=int(get_jwt_identity()), **path, **query_args)

    def get_json(self, *query_args, **path):
        return figures(query_args[0] if query_args else {}, path)

    def get_xlsx(self, *query_args, **path):
        query_args = query_args[0] if query_args else {}
        name = (filename(**path, **query_args) if callable(filename)
                else filename.format(**path, **query_args))
        return xlsx_response(sheets(figures(query_args, path)), name)

    get_json.__doc__, get_xlsx.__doc__ = doc, xlsx_doc
    for name, url, get, response in (
            (names[0], rule, get_json, blp.response(200, schema)),
            (names[1], f"{rule}.xlsx", get_xlsx, blp.response(200, content_type=XLSX_MIME))):
        get = response(blp.errors(404)(get))
        if query is not None:
            get = blp.arguments(query, location="query")(get)
        get = blp.auth()(get)
        blp.route(url)(type(name, (MethodView,), {"get": get, "__module__": blp.import_name}))
