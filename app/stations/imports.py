"""Bulk import of stations from CSV or XLSX: every row checked, all created or none.

The file is read by `core.tabular` (CSV in UTF-8 with or without BOM, UTF-16, GBK/GB18030;
XLSX without macros, formulas refused); its columns are those of `template.COLUMNS`, named by
code, Chinese or English header. Every bad cell of every row is reported at once, by row number
(as the spreadsheet shows it), column (code and header in the request's language) and a
message in the request's language; nothing is written unless every row is good.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from marshmallow import ValidationError

from app.core import audit
from app.core.i18n import N_, translate, translate_validation_message
from app.core.roles import ADMINS, Role
from app.core.tabular import Formula, read_table
from app.errors import Invalid
from app.extensions import db
from app.stations import hours
from app.stations.access import get_org
from app.stations.schemas import StationCreate
from app.stations.stations import build_station
from app.stations.template import (
    BY_CODE,
    COLUMNS,
    EXAMPLE_NAMES,
    MAX_ROWS,
    REQUIRED,
    choice_code,
    header_code,
    split_choices,
    template_xlsx,
)


@dataclass(frozen=True)
class ImportOutcome:
    rows: int  # valid rows read
    created: int  # stations created (0 on a dry run)
    dry_run: bool


REQUIRED_CELL = N_("Fill in this cell; it is required.")
FORMULA_CELL = N_("This cell holds a formula; paste its value instead (Paste Special, Values).")
NOT_A_CHOICE = N_("%(value)s is not one of the choices; pick one from the list: %(choices)s.")
HOURS_CELL = N_("%(cell)s is not opening hours the import reads: %(format)s")
HOURS_FORMAT = N_('write e.g. "Mon-Fri 08:00-20:00; Sat-Sun 09:00-17:00", "daily 09:00-18:00", '
                  "24h for always open, or leave it blank when unknown (see the template's "
                  "instructions sheet)")
HOURS_INVALID = N_("These opening hours are not valid: %(problems)s.")
# where the schema's error paths land in the file
SCHEMA_PATHS = {("location", "lat"): "lat", ("location", "lng"): "lng",
                ("location", "coord"): "coord", ("location",): "lat"}


class RowErrors:
    """The bad cells of one row, in the request's language."""

    def __init__(self, number: int, english: bool) -> None:
        self.number, self.english, self.errors = number, english, []

    def add(self, column: str, message: str, params: dict | None = None, *,
            translated: bool = False) -> None:
        text = message if translated else translate(message, params)
        self.errors.append({"column": column, "header": BY_CODE[column].label(self.english),
                            "message": text})

    def as_dict(self) -> dict:
        return {"row": self.number, "errors": self.errors}


def _columns(header: list[str], english: bool) -> dict[str, int]:
    """Column code → position; a required column missing or a column twice → 422."""
    positions: dict[str, int] = {}
    for position, cell in enumerate(header):
        code = header_code(cell)
        if code is None:
            continue  # columns of the officer's own (remarks …) are ignored
        if code in positions:
            raise Invalid("The column %(column)s appears twice; keep one.",
                          params={"column": BY_CODE[code].label(english)},
                          code="import_columns_invalid", details={"column": code})
        positions[code] = position
    missing = [code for code in REQUIRED if code not in positions]
    if missing:
        names = ("、" if not english else ", ").join(BY_CODE[c].label(english) for c in missing)
        raise Invalid("The file lacks the required columns %(columns)s; fill in the template.",
                      params={"columns": names}, code="import_columns_invalid",
                      details={"missing_columns": missing,
                               "columns": [column.code for column in COLUMNS]})
    return positions


def _is_header(cells: list[str]) -> bool:
    """A row naming at least the station's name and two other columns."""
    codes = {header_code(cell) for cell in cells}
    return "name" in codes and len(codes - {None}) >= 3


def _choice(row: RowErrors, column: str, cell: str, english: bool) -> str | None:
    code = choice_code(column, cell)
    if code is None:
        names = ("、" if not english else ", ").join(
            labels[int(english)] for labels in BY_CODE[column].choices.values())
        row.add(column, NOT_A_CHOICE, {"value": cell, "choices": names})
    return code


def _row_to_input(row: RowErrors, cells: dict[str, str], org_id: int) -> dict | None:
    """The StationCreate input of a row's cells, or None after noting its bad cells."""
    english = row.english
    for code, cell in cells.items():
        if isinstance(cell, Formula):
            row.add(code, FORMULA_CELL)
    values = {code: str(cell).strip() for code, cell in cells.items()
              if not isinstance(cell, Formula)}
    for code in REQUIRED:
        if code in values and values[code] == "":
            row.add(code, REQUIRED_CELL)
    data = {"org_id": org_id, "location": {}}
    for code, cell in values.items():
        if cell == "":
            continue
        if code in ("kind", "host_type", "status"):
            data[code] = _choice(row, code, cell, english)
        elif code == "coord":
            data["location"]["coord"] = _choice(row, code, cell, english)
        elif code in ("lat", "lng"):
            data["location"][code] = cell
        elif code == "services":
            data["services"] = [_choice(row, code, part, english) for part in split_choices(cell)]
        elif code == "opening_hours":
            _hours(row, data, cell)
        else:
            data[code] = cell
    data.setdefault("services", [])
    data.setdefault("opening_hours", {})  # blank: unknown, never "always open"
    data["location"].setdefault("coord", "gcj02")
    return None if row.errors else data


def _hours(row: RowErrors, data: dict, cell: str) -> None:
    try:
        parsed = hours.from_cell(cell)
    except ValueError:
        parsed = None
    found = [] if parsed is None else hours.problems(parsed)
    if parsed is None or (found and not cell.startswith("{")):
        row.add("opening_hours", HOURS_CELL, {"cell": cell, "format": translate(HOURS_FORMAT)})
    elif found:  # a JSON cell (files made by programs): the API's own words
        row.add("opening_hours", HOURS_INVALID, {"problems": "; ".join(found)})
    else:
        data["opening_hours"] = parsed


def _schema_errors(row: RowErrors, messages, path: tuple = ()) -> None:
    """marshmallow's nested messages as cells of the row."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            _schema_errors(row, value, path if isinstance(key, int) else (*path, key))
        return
    column = SCHEMA_PATHS.get(path, path[0] if path else "name")
    for message in messages if isinstance(messages, list) else [messages]:
        row.add(column if column in BY_CODE else "name", translate_validation_message(message),
                translated=True)


def template_for(*, actor_id: int, org_id: int, english: bool) -> tuple[str, bytes]:
    """The import template (file name, XLSX bytes) for an admin who may import into the org."""
    get_org(actor_id, org_id, roles=ADMINS)
    return ("station-import-template.xlsx" if english else "站点导入模板.xlsx",
            template_xlsx(english=english))


def import_stations(*, actor_id: int, org_id: int, filename: str, payload: bytes,
                    dry_run: bool, english: bool = False) -> ImportOutcome:
    """Validate every row; create them all in one transaction only when none is bad (the
    headers of the row errors in English when `english`, their messages in the request's
    language like every error's)."""
    org = get_org(actor_id, org_id, roles=ADMINS)
    max_rows = int(current_app.config.get("IMPORT_MAX_ROWS") or MAX_ROWS)
    # read as a stream: the columns are checked as soon as the header is read, the rows stop
    # at the cap (core.tabular)
    table = read_table(filename, payload, max_rows=max_rows, is_header=_is_header,
                       check_header=lambda header: _columns(header, english))
    positions = _columns(table.header, english)
    schema = StationCreate()
    valid, problems = [], []
    for number, cells in table.rows:
        row = RowErrors(number, english)
        by_code = {code: cells[position] if position < len(cells) else ""
                   for code, position in positions.items()}
        if str(by_code["name"]).strip() in EXAMPLE_NAMES:
            continue  # the template's example row, left as it was
        data = _row_to_input(row, by_code, org.id)
        if data is not None:
            try:
                data = schema.load(data)
            except ValidationError as exc:
                _schema_errors(row, exc.messages)
        if row.errors:
            problems.append(row.as_dict())
        else:
            valid.append(data)
    if problems:
        raise Invalid(N_("1 row is invalid; nothing was imported.") if len(problems) == 1
                      else N_("%(count)s rows are invalid; nothing was imported."),
                      params={"count": len(problems)}, code="import_rows_invalid",
                      details={"rows": problems})
    if not valid:
        raise Invalid("The file holds no stations; fill in one row per station below the "
                      "header (the example row is skipped) and upload it again.",
                      code="import_empty")
    if not dry_run:
        for data in valid:
            build_station(org=org, data=data)
        audit.record(actor_id=actor_id, actor_role=Role.ADMIN, org_id=org.id,
                     action="station.import", target_type="org", target_id=org.id,
                     after={"created": len(valid), "file": filename[:100]})
        db.session.commit()
    return ImportOutcome(rows=len(valid), created=0 if dry_run else len(valid), dry_run=dry_run)
