"""Hostile tables cost bounded work: the import reads as a stream, refuses a sheet that runs
past the row cap (declared or real, blank rows included), a row too wide and a part that
unpacks too large before openpyxl builds it, and checks the columns before reading rows.
Every file is built here; nothing binary is committed."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from sqlalchemy import select

from app.core import tabular
from app.extensions import db
from app.stations.models import Station
from tests.stations.test_imports import CODE_HEADER, post, xlsx

HEADER = CODE_HEADER.split(",")
ROW = ["站一", "love_station", "bank", "路1号", "36.61", "101.77", "", ""]
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def cells(number: int, values: list[str]) -> str:
    return "".join(f'<c r="{chr(65 + index)}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
                   for index, value in enumerate(values) if value)


def with_sheet(body: str, *, dimension: str | None = None) -> bytes:
    """A real workbook (made by openpyxl) whose first sheet's XML is replaced by `body`."""
    source = zipfile.ZipFile(io.BytesIO(xlsx([["x"]])))
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">'
             + (f'<dimension ref="{dimension}"/>' if dimension else "")
             + f"<sheetData>{body}</sheetData></worksheet>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = sheet if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            archive.writestr(item.filename, data)
    return out.getvalue()


def good_rows() -> str:
    return f'<row r="1">{cells(1, HEADER)}</row><row r="2">{cells(2, ROW)}</row>'


def count_stations(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Station.id)).all())


def test_the_well_formed_hand_made_sheet_imports(client, tree, as_user, app):
    response = post(client, tree, as_user, with_sheet(good_rows()), "s.xlsx")
    assert response.status_code == 200, response.get_json()
    assert count_stations(app) == 1


def test_a_million_blank_rows_are_refused_not_walked(client, tree, as_user, app):
    """Two good rows, then a million blank ones: a few kilobytes zipped. The scan stops at the
    row cap (before, all million were walked and the two rows imported)."""
    payload = with_sheet(good_rows() + "<row/>" * 1_000_000)
    assert len(payload) < 200_000
    response = post(client, tree, as_user, payload, "s.xlsx")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["details"] == {"max_rows": tabular.last_row_read(5000)}
    assert "行" in error["message"]
    assert count_stations(app) == 0


def test_a_row_far_below_is_refused_without_filling_the_gap(client, tree, as_user):
    payload = with_sheet(good_rows() + f'<row r="1000000">{cells(1000000, ["x"])}</row>')
    response = post(client, tree, as_user, payload, "s.xlsx")
    assert response.status_code == 422
    assert response.get_json()["error"]["details"] == {"max_rows": tabular.last_row_read(5000)}


def test_a_declared_dimension_past_the_cap_is_refused_at_once(client, tree, as_user,
                                                               monkeypatch):
    built = []
    monkeypatch.setattr(tabular, "cell_text", lambda value: built.append(value) or "")
    payload = with_sheet(good_rows(), dimension="A1:H1048576")
    response = post(client, tree, as_user, payload, "s.xlsx")
    assert response.status_code == 422
    assert response.get_json()["error"]["details"]["max_rows"] == tabular.last_row_read(5000)
    assert built == []  # not one cell was read


def test_the_row_cap_comes_from_the_config(app, client, tree, as_user, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 3)
    rows = [HEADER] + [[f"站{index}", *ROW[1:]] for index in range(4)]
    response = post(client, tree, as_user, xlsx(rows), "s.xlsx")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["details"] == {"max_rows": 3} and "3" in error["message"]
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 4)
    assert post(client, tree, as_user, xlsx(rows), "s.xlsx").status_code == 200


def test_a_csv_is_read_as_a_stream_with_the_same_caps(app, client, tree, as_user, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 3)
    blank_tail = ("\r\n".join([CODE_HEADER, ",".join(ROW)]) + "\r\n" * 100).encode()
    response = post(client, tree, as_user, blank_tail)
    assert response.status_code == 422
    assert response.get_json()["error"]["details"] == {"max_rows": tabular.last_row_read(3)}
    wide = ("\r\n".join([CODE_HEADER + "," * 200 + "x", ",".join(ROW)])).encode()
    response = post(client, tree, as_user, wide)
    assert response.status_code == 422
    assert response.get_json()["error"]["details"] == {"max_columns": tabular.MAX_COLUMNS}


def test_missing_columns_are_refused_before_the_rows_are_read(client, tree, as_user,
                                                              monkeypatch):
    read = []
    real = tabular.cell_text
    monkeypatch.setattr(tabular, "cell_text", lambda value: read.append(value) or real(value))
    rows = [["name", "kind", "address"]] + [["站", "love_station", "路"]] * 3000
    response = post(client, tree, as_user, xlsx(rows), "s.xlsx")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "import_columns_invalid"
    assert len(read) <= 2 * tabular.MAX_COLUMNS  # the header row (and one read ahead)


@pytest.mark.parametrize("body", [
    '<row r="1">' + "<c/>" * 200_000 + "</row>",  # empty cells by the thousand
    f'<row r="1">{cells(1, HEADER)}<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>',
], ids=["200k-empty-cells", "value-in-column-XFD"])
def test_a_row_too_wide_is_refused(client, tree, as_user, body):
    response = post(client, tree, as_user, with_sheet(body), "s.xlsx")
    assert response.status_code == 422
    assert response.get_json()["error"]["details"] == {"max_columns": tabular.MAX_COLUMNS}
    assert "列" in response.get_json()["error"]["message"]


def test_a_wide_row_costs_little_memory():
    """openpyxl builds a whole row before it looks at it: 200,000 empty cells took tens of MB
    (Python objects: tracemalloc sees them). The scan refuses the row after 1,000 cells."""
    payload = with_sheet('<row r="1">' + "<c/>" * 200_000 + "</row>")
    tracemalloc.start()
    try:
        with pytest.raises(tabular.Invalid):
            tabular.read_table("s.xlsx", payload, max_rows=5000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10 * 1024 * 1024, peak


def test_a_zip_bomb_is_refused_by_its_unpacked_size(client, tree, as_user):
    """30 MB of zeros zip to ~30 KB; the declared sizes add up past MAX_UNPACKED (zipfile never
    inflates a part past the size it declares, so the sum binds)."""
    buffer = io.BytesIO(xlsx([HEADER, ROW]))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (30 * 1024 * 1024))
    assert len(buffer.getvalue()) < 100_000 and tabular.MAX_UNPACKED < 30 * 1024 * 1024
    response = post(client, tree, as_user, buffer.getvalue(), "s.xlsx")
    assert response.status_code == 422
    assert response.get_json()["error"]["message"] == "XLSX 文件无法读取，请检查文件后重新上传。"


def strings_bomb(count: int) -> bytes:
    """A workbook with a shared-string table of `count` empty strings (zips to a few KB)."""
    source = zipfile.ZipFile(io.BytesIO(with_sheet(good_rows())))
    table = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}">'
             + "<si><t/></si>" * count + "</sst>")
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" '
                                    f'ContentType="{kind}"/></Types>'.encode())
            archive.writestr(item.filename, data)
        archive.writestr("xl/sharedStrings.xml", table)
    return out.getvalue()


def test_a_shared_string_table_of_millions_is_refused_cheaply():
    """openpyxl keeps every shared string (and its parse keeps every element): 1.5 million
    empty ones took ~100 MB. They are counted in a stream and refused first."""
    payload = strings_bomb(1_500_000)
    assert len(payload) < 200_000
    tracemalloc.start()
    try:
        with pytest.raises(tabular.Invalid):
            tabular.read_table("s.xlsx", payload, max_rows=5000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10 * 1024 * 1024, peak


def test_a_normal_shared_string_table_is_read(client, tree, as_user, app):
    response = post(client, tree, as_user, strings_bomb(1000), "s.xlsx")
    assert response.status_code == 200, response.get_json()
