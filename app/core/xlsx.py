"""XLSX downloads (reports, rosters) built with openpyxl — the only place the product writes one."""

from __future__ import annotations

from io import BytesIO

from flask import Response
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
