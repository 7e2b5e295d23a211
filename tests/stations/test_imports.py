"""Station imports as officers make them: Excel's encodings, the XLSX template filled in and
uploaded back, every bad cell named by row and column in Chinese, nothing half-written."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.stations import hours
from app.stations.models import Station
from tests.stations.test_access_matrix import ADMINS_OK

EN = {"Accept-Language": "en"}
CJK = re.compile(r"[\u4e00-\u9fff]")
ZH_HEADER = "站点名称,站点类型,依托单位类型,地址,纬度,经度,服务项目,开放时间"
CODE_HEADER = "name,kind,host_type,address,lat,lng,services,opening_hours"
ZH_ROWS = ["城关街道户外劳动者服务站,户外劳动者服务站,工会,城关街道人民路1号,36.61,101.77,"
           "饮用水、热水、卫生间,周一至周五 08:00-20:00；周六 休息",
           "农行西门爱心驿站,爱心驿站,银行,西门大街8号,36.62,101.78,wifi|toilet,24小时"]


def url(tree, *, dry_run: bool = False) -> str:
    return (f"/api/v1/orgs/{tree['village1']}/stations/import"
            + ("?dry_run=true" if dry_run else ""))


def post(client, tree, as_user, payload: bytes, filename="stations.csv", *, headers=None,
         dry_run=False, who="county_admin"):
    return client.post(url(tree, dry_run=dry_run), headers={**as_user(who), **(headers or {})},
                       data={"file": (io.BytesIO(payload), filename)},
                       content_type="multipart/form-data")


def names(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(Station.name)))


def csv_text(header: str, rows: list[str]) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


# --- encodings ------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig", "utf-16"])
def test_a_csv_as_excel_saves_it_is_read_in_its_encoding(client, tree, as_user, app, encoding):
    payload = csv_text(ZH_HEADER, ZH_ROWS).encode(encoding)
    if encoding == "gbk":
        assert payload.decode("gbk") and b"\xb3\xc7\xb9\xd8" in payload  # 城关 in GBK bytes
        with pytest.raises(UnicodeDecodeError):
            payload.decode("utf-8")
    response = post(client, tree, as_user, payload)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"rows": 2, "created": 2, "dry_run": False}
    assert names(app) == sorted(["城关街道户外劳动者服务站", "农行西门爱心驿站"])
    with app.app_context():
        station = db.session.scalar(select(Station).where(Station.name.like("城关%")))
        assert (station.kind, station.host_type) == ("outdoor_worker_station", "union")
        assert station.services == ["drinking_water", "hot_water", "toilet"]
        assert station.opening_hours == {"weekly": {day: [["08:00", "20:00"]] for day in
                                                    ("mon", "tue", "wed", "thu", "fri")}}


def test_a_tab_separated_unicode_text_file_is_read(client, tree, as_user, app):
    """Excel's "Unicode text" (*.txt): UTF-16 with BOM, separated by tabs."""
    text = "\r\n".join(line.replace(",", "\t") for line in [CODE_HEADER, ZH_ROWS[1]])
    response = post(client, tree, as_user, text.encode("utf-16"), "stations.txt")
    assert response.status_code == 200, response.get_json()
    assert names(app) == ["农行西门爱心驿站"]


@pytest.mark.parametrize(("payload", "code", "words"), [
    (b"name,kind\n\x80\x80abc\xff\n", "file_encoding_unknown", "CSV UTF-8"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "file_unreadable", ".xls"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file_unreadable", "CSV"),
])
def test_a_file_that_is_no_table_text_is_a_chinese_422(client, tree, as_user, app, payload,
                                                       code, words):
    response = post(client, tree, as_user, payload)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == code and CJK.search(error["message"]) and words in error["message"]
    english = post(client, tree, as_user, payload, headers=EN).get_json()["error"]
    assert english["code"] == code and not CJK.search(english["message"])
    assert names(app) == []


# --- columns and rows -----------------------------------------------------------------------

def test_every_bad_cell_of_every_row_is_named_in_chinese_and_nothing_is_written(
        client, tree, as_user, app):
    rows = [ZH_ROWS[0],
            "",  # a blank row keeps the spreadsheet's numbering
            ",宇宙飞船,银行,西门大街8号,95,101.78,饮用水、桑拿,9点到6点",
            ZH_ROWS[1].replace("36.62", "abc")]
    response = post(client, tree, as_user, csv_text(ZH_HEADER, rows).encode("gbk"))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "import_rows_invalid"
    assert error["message"] == "有 2 行数据有误，本次未导入任何数据，请修改后重新导入。"
    bad = {row["row"]: {e["column"]: e for e in row["errors"]} for row in
           error["details"]["rows"]}
    assert list(bad) == [4, 5]
    assert set(bad[4]) == {"name", "kind", "services", "opening_hours"}
    assert bad[4]["name"]["header"] == "站点名称" and "必填" in bad[4]["name"]["message"]
    assert "宇宙飞船" in bad[4]["kind"]["message"] and "爱心驿站" in bad[4]["kind"]["message"]
    assert "桑拿" in bad[4]["services"]["message"]
    assert "周一至周五" in bad[4]["opening_hours"]["message"]
    assert set(bad[5]) == {"lat"} and bad[5]["lat"]["header"] == "纬度"
    for row in bad.values():
        for cell in row.values():
            assert CJK.search(cell["message"]), cell
    assert names(app) == []
    # the latitude of 95 is reported once its row's other cells are right
    fixed = rows[2].replace(",宇宙飞船,", "站三,爱心驿站,").replace("、桑拿", "").replace(
        "9点到6点", "")
    again = post(client, tree, as_user, csv_text(ZH_HEADER, [fixed]).encode(), headers=EN)
    [row] = again.get_json()["error"]["details"]["rows"]
    assert [(e["column"], e["header"]) for e in row["errors"]] == [("lat", "Latitude")]


def test_missing_columns_are_named_in_chinese(client, tree, as_user):
    response = post(client, tree, as_user, "站点名称,地址\n站一,路1\n".encode())
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "import_columns_invalid"
    assert "站点类型、依托单位类型、纬度、经度" in error["message"]
    assert error["details"]["missing_columns"] == ["kind", "host_type", "lat", "lng"]


def test_a_column_named_twice_is_refused(client, tree, as_user):
    header = CODE_HEADER + ",站点名称"
    response = post(client, tree, as_user, csv_text(header, [ZH_ROWS[1] + ",again"]).encode())
    assert response.status_code == 422
    assert response.get_json()["error"]["details"] == {"column": "name"}


@pytest.mark.parametrize(("cell", "expected"), [
    ("", {}),
    ("24h", {"always": True}),
    ("24小时", {"always": True}),
    ("09:00-18:00", {"weekly": {d: [["09:00", "18:00"]] for d in hours.DAYS}}),
    ("每天 9:00-18:00；周日 休息", {"weekly": {d: [["09:00", "18:00"]] for d in hours.DAYS[:6]}}),
    ("mon-fri 08:00-12:00, 14:00-18:00\nsat 10:00-16:00", {"weekly": {
        **{d: [["08:00", "12:00"], ["14:00", "18:00"]] for d in hours.DAYS[:5]},
        "sat": [["10:00", "16:00"]]}}),
    ("星期五至星期一：22:00－06:00", {"weekly": {d: [["22:00", "06:00"]]
                                          for d in ("mon", "fri", "sat", "sun")}}),
    ("工作日 全天", {"weekly": {d: [["00:00", "24:00"]] for d in hours.DAYS[:5]}}),
    ('{"weekly": {"mon": [["09:00", "18:00"]]}}', {"weekly": {"mon": [["09:00", "18:00"]]}}),
])
def test_opening_hours_cells_as_officers_write_them(cell, expected):
    found = hours.from_cell(cell)
    assert found == expected and hours.problems(found) == []


@pytest.mark.parametrize("cell", ["9点到6点", "周八 09:00-18:00", "每天 休息", "mon-fri", "[1]"])
def test_opening_hours_cells_that_are_not_hours(cell):
    with pytest.raises(ValueError):
        hours.from_cell(cell)


# --- XLSX -----------------------------------------------------------------------------------

def template(client, tree, as_user, headers=None):
    return client.get(f"/api/v1/orgs/{tree['village1']}/stations/import/template.xlsx",
                      headers={**as_user("county_admin"), **(headers or {})})


def test_the_template_has_chinese_headers_codes_an_example_and_drop_downs(client, tree,
                                                                          as_user):
    response = template(client, tree, as_user)
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''%E7%AB%99" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["站点名称*", "站点类型*", "依托单位类型*"] and "开放时间" in header
    assert "字段代码：name" in sheet["A1"].comment.text
    assert sheet["A2"].value.startswith("示例") and sheet["B2"].value == "户外劳动者服务站"
    ranges = {str(v.sqref).split(":")[0][0]: v for v in sheet.data_validations.dataValidation}
    kind, services = ranges["B"], ranges["I"]
    choices = book["选项"]
    assert choices.sheet_state == "hidden"
    assert kind.type == "list" and kind.showErrorMessage
    listed = [c.value for c in choices["B"][1:] if c.value]
    assert listed == ["户外劳动者服务站", "爱心驿站", "工会驿站"]
    assert services.type == "list" and not services.showErrorMessage  # several per cell
    assert {"C", "H", "L", "F", "G"} <= set(ranges)  # host type, coord, status, lat, lng
    guide = "\n".join(str(c.value) for row in book["填写说明"].iter_rows() for c in row if c.value)
    assert "周一至周五 08:00-20:00" in guide and "留空" in guide and "opening_hours" in guide
    english = load_workbook(io.BytesIO(template(client, tree, as_user, EN).data))
    assert english.worksheets[0]["A1"].value == "Name*"
    assert english.sheetnames == ["Stations", "Choices", "Instructions"]


@pytest.mark.parametrize("headers", [{}, EN])
def test_the_filled_template_imports_and_its_example_row_is_skipped(client, tree, as_user,
                                                                    app, headers):
    book = load_workbook(io.BytesIO(template(client, tree, as_user, headers).data))
    sheet = book.worksheets[0]
    example = [cell.value for cell in sheet[2]]
    row = list(example)
    row[0] = "西门爱心驿站"
    row[8] = None  # no services
    row[10] = 13800138000  # a phone typed as a number
    sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    checked = post(client, tree, as_user, buffer.getvalue(), "模板.xlsx", dry_run=True)
    assert checked.get_json() == {"rows": 1, "created": 0, "dry_run": True}
    response = post(client, tree, as_user, buffer.getvalue(), "模板.xlsx")
    assert response.get_json() == {"rows": 1, "created": 1, "dry_run": False}
    with app.app_context():
        station = db.session.scalar(select(Station))
        assert (station.name, station.kind, station.status) == ("西门爱心驿站",
                                                                "outdoor_worker_station",
                                                                "active")
        assert station.phone == "13800138000" and station.opening_hours["weekly"]["sat"]


def xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_formula_cell_is_refused_not_evaluated(client, tree, as_user, app):
    payload = xlsx([["name", "kind", "host_type", "address", "lat", "lng"],
                    ["站一", "love_station", "bank", "路1", "=30+6.61", 101.77]])
    response = post(client, tree, as_user, payload, "s.xlsx")
    assert response.status_code == 422
    [row] = response.get_json()["error"]["details"]["rows"]
    [cell] = row["errors"]
    assert (row["row"], cell["column"]) == (2, "lat") and "公式" in cell["message"]
    assert names(app) == []


def test_a_workbook_with_macros_is_refused(client, tree, as_user):
    buffer = io.BytesIO(xlsx([["name"], ["站一"]]))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")
    response = post(client, tree, as_user, buffer.getvalue(), "s.xlsm")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "file_has_macros"


def test_an_archive_that_unpacks_too_large_is_refused(client, tree, as_user, monkeypatch):
    import app.core.tabular as tabular

    monkeypatch.setattr(tabular, "MAX_UNPACKED", 1000)
    response = post(client, tree, as_user, xlsx([["name"], ["站一"]]), "s.xlsx")
    assert response.status_code == 422
    assert response.get_json()["error"]["message"] == "XLSX 文件无法读取，请检查文件后重新上传。"


def test_an_xml_entity_bomb_is_not_expanded(client, tree, as_user):
    """openpyxl parses through defusedxml: a workbook declaring entities is unreadable (without
    it the shared string below would expand and be read as a header)."""
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML
    source = zipfile.ZipFile(io.BytesIO(xlsx([["name"], ["站一"]])))
    sheet = source.read("xl/worksheets/sheet1.xml").decode()
    assert "<t>name</t>" in sheet
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            + sheet.replace("<t>name</t>", "<t>&lol2;</t>"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            data = bomb if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            archive.writestr(item, data)
    response = post(client, tree, as_user, out.getvalue(), "s.xlsx")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["message"] == "XLSX 文件无法读取，请检查文件后重新上传。"
    assert "lollol" not in response.get_data(as_text=True)


# --- who may download the template ----------------------------------------------------------

@pytest.mark.parametrize(("who", "status"), list(ADMINS_OK.items()))
def test_who_may_download_the_template(client, tree, as_user, who, status):
    response = client.get(f"/api/v1/orgs/{tree['village1']}/stations/import/template.xlsx",
                          headers=as_user(who))
    assert response.status_code == status


def test_the_import_is_documented_as_a_multipart_upload_with_its_columns(client):
    spec = client.get("/api/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/orgs/{org_id}/stations/import"]["post"]
    body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    if "$ref" in body:
        body = spec["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    upload = body["properties"]["file"]
    assert upload["format"] == "binary" and body["required"] == ["file"]
    for words in ("| `kind` | 站点类型 |", "`love_station` 爱心驿站", "GB18030", "周一至周五",
                  "import_rows_invalid", "`services`", "`opening_hours`"):
        assert words in upload["description"], words
    template_op = spec["paths"]["/api/v1/orgs/{org_id}/stations/import/template.xlsx"]["get"]
    assert list(template_op["responses"]["200"]["content"]) == [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]


def test_nothing_is_half_written_when_the_last_row_is_bad(client, tree, as_user, app):
    rows = ZH_ROWS + [ZH_ROWS[1].replace("银行", "飞船")]
    response = post(client, tree, as_user, csv_text(ZH_HEADER, rows).encode("gbk"))
    assert response.status_code == 422
    assert [r["row"] for r in response.get_json()["error"]["details"]["rows"]] == [4]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Station)) == 0


# --- the other CSV upload: demand points of the coverage check ------------------------------

@pytest.mark.parametrize(("payload", "status", "code"), [
    ("lat,lng\r\n36.6171,101.7782\r\n".encode("utf-16"), 200, None),  # Excel "Unicode text"
    ("lat,lng\n36.6171,101.7782\n".encode("utf-8-sig"), 200, None),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, 422, "file_unreadable"),  # old .xls
    (b"lat,lng\n\x80\x80,\xff\n", 422, "file_encoding_unknown"),
])
def test_demand_points_csv_reads_the_same_encodings(client, tree, as_user, payload, status,
                                                   code):
    response = client.post(f"/api/v1/orgs/{tree['town1']}/station-coverage.csv",
                           headers=as_user("town1_approver"),
                           data={"file": (io.BytesIO(payload), "points.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == status, response.get_json()
    if code:
        error = response.get_json()["error"]
        assert error["code"] == code and CJK.search(error["message"])


def test_title_rows_above_the_header_are_ignored(client, tree, as_user, app):
    header = ["站点名称*", "站点类型*", "依托单位类型*", "地址*", "纬度*", "经度*"]
    payload = xlsx([["城关街道户外劳动者服务站导入表"], [], header,
                    ["站一", "爱心驿站", "商场", "路1", 36.61, 101.77]])
    response = post(client, tree, as_user, payload, "s.xlsx")
    assert response.status_code == 200, response.get_json()
    assert names(app) == ["站一"]


def test_the_template_uploaded_unfilled_says_it_holds_no_rows(client, tree, as_user, app):
    response = post(client, tree, as_user, template(client, tree, as_user).data, "模板.xlsx")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "import_empty" and "示例行" in error["message"]


@pytest.mark.parametrize(("cell", "code"), [
    ("GCJ-02（高德、腾讯地图）", "gcj02"), ("高德", "gcj02"), ("gcj-02", "gcj02"),
    ("WGS-84", "wgs84"), ("GPS", "wgs84"), ("百度地图", "bd09"), ("bd09", "bd09"),
])
def test_the_coordinate_system_is_read_as_officers_name_it(cell, code):
    from app.stations.template import choice_code

    assert choice_code("coord", cell) == code
