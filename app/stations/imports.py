"""Bulk import of stations from CSV or XLSX: every row checked, all created or none."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass

from marshmallow import ValidationError
from openpyxl import load_workbook

from app.core import audit
from app.core.i18n import N_
from app.core.roles import ADMINS, Role
from app.errors import Invalid
from app.extensions import db
from app.stations import hours
from app.stations.access import get_org
from app.stations.schemas import StationCreate
from app.stations.stations import build_station


@dataclass(frozen=True)
class ImportOutcome:
    rows: int  # valid rows read
    created: int  # stations created (0 on a dry run)
    dry_run: bool


COLUMNS = ("name", "kind", "host_type", "partner_name", "address", "lat", "lng", "coord",
           "services", "opening_hours", "phone", "status")
MAX_ROWS = 5000


def _rows_from_upload(filename: str, payload: bytes) -> list[dict[str, str]]:
    if filename.lower().endswith(".xlsx") or payload[:2] == b"PK":
        try:
            sheet = load_workbook(io.BytesIO(payload), read_only=True).active
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            raise Invalid("The XLSX file cannot be read.") from None
        values = list(sheet.iter_rows(values_only=True))
        header = [str(cell or "").strip() for cell in (values[0] if values else [])]
        body = [["" if cell is None else str(cell) for cell in row] for row in values[1:]]
    else:
        try:
            text = payload.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Invalid("The CSV file must be UTF-8.") from None
        reader = list(csv.reader(io.StringIO(text)))
        header = [cell.strip() for cell in (reader[0] if reader else [])]
        body = reader[1:]
    missing = [column for column in ("name", "kind", "host_type", "address", "lat", "lng")
               if column not in header]
    if missing:
        raise Invalid("The file lacks required columns.",
                      details={"missing_columns": missing, "columns": list(COLUMNS)})
    rows = [dict(zip(header, row, strict=False)) for row in body if any(str(c).strip()
                                                                        for c in row)]
    if len(rows) > MAX_ROWS:
        raise Invalid("At most %(max_rows)s rows per import.", params={"max_rows": MAX_ROWS})
    return rows


def _row_to_input(row: dict[str, str], org_id: int) -> dict:
    hours_text = (row.get("opening_hours") or "").strip()
    if hours_text == "":
        opening_hours = {}  # unknown, never "always open"
    elif hours_text in ("24h", "always"):
        opening_hours = {"always": True}
    else:
        try:
            opening_hours = json.loads(hours_text)
        except json.JSONDecodeError:
            problem = (N_("%(cell)s is not opening hours the import reads: %(format)s")
                       % {"cell": repr(hours_text), "format": hours.CELL_FORMAT})
            problems = {"opening_hours": [problem]}
            raise ValidationError(problems) from None
    services = [s.strip() for s in (row.get("services") or "").replace(";", "|").split("|")
                if s.strip()]
    data = {
        "org_id": org_id, "name": row.get("name", "").strip(), "kind": row.get("kind", "").strip(),
        "host_type": row.get("host_type", "").strip(), "address": row.get("address", "").strip(),
        "location": {"lat": row.get("lat", "").strip(), "lng": row.get("lng", "").strip(),
                     "coord": (row.get("coord") or "gcj02").strip()},
        "services": services, "opening_hours": opening_hours,
    }
    for optional in ("partner_name", "phone", "status"):
        if (row.get(optional) or "").strip():
            data[optional] = row[optional].strip()
    return data


def import_stations(*, actor_id: int, org_id: int, filename: str, payload: bytes,
                    dry_run: bool) -> ImportOutcome:
    """Validate every row; create them all in one transaction only when none is bad."""
    org = get_org(actor_id, org_id, roles=ADMINS)
    schema = StationCreate()
    valid, problems = [], []
    for number, row in enumerate(_rows_from_upload(filename, payload), start=2):
        try:
            data = schema.load(_row_to_input(row, org.id))
        except ValidationError as exc:
            problems.append({"row": number, "fields": exc.messages})
            continue
        found = hours.problems(data["opening_hours"])
        if found:
            problems.append({"row": number, "fields": {"opening_hours": found}})
            continue
        valid.append(data)
    if problems:
        raise Invalid(N_("1 row is invalid; nothing was imported.") if len(problems) == 1
                      else N_("%(count)s rows are invalid; nothing was imported."),
                      params={"count": len(problems)},
                      details={"rows": problems})
    if not dry_run:
        for data in valid:
            build_station(org=org, data=data)
        audit.record(actor_id=actor_id, actor_role=Role.ADMIN, org_id=org.id,
                     action="station.import", target_type="org", target_id=org.id,
                     after={"created": len(valid), "file": filename[:100]})
        db.session.commit()
    return ImportOutcome(rows=len(valid), created=0 if dry_run else len(valid), dry_run=dry_run)
