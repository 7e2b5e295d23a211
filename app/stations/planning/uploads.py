"""Demand points uploaded as a CSV file (`core.tabular.decode_text`): rows → points, bad rows by
line."""

from __future__ import annotations

import csv
import io

from marshmallow import ValidationError

from app.core.tabular import decode_text
from app.errors import Invalid
from app.stations.planning.schemas import MAX_POINTS, DemandPoints


def points_from_csv(data: bytes) -> list[dict]:
    """Rows of an uploaded CSV as demand points; bad rows → 422 listing their line numbers."""
    text = decode_text(data)  # UTF-8 (BOM or not), UTF-16 with BOM, GBK/GB18030
    try:
        items, lines = read_rows(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    except csv.Error as error:
        raise Invalid("The file is not valid CSV: %(error)s.",
                      params={"error": str(error)}) from None
    if not items:
        raise Invalid("The file holds no rows.")
    try:
        return DemandPoints().deserialize(items)
    except ValidationError as error:
        rows = [{"row": lines[index], "fields": problems}
                for index, problems in sorted(error.messages.items())]
        raise Invalid("Some rows of the file are invalid.", details={"rows": rows}) from None


def read_rows(reader) -> tuple[list[dict], list[int]]:
    """Raw cells by column name (numbers parsed) and the line each row ends on."""
    header = [name.strip().lower() for name in next(reader, [])]
    missing = [name for name in ("lat", "lng") if name not in header]
    if missing:
        raise Invalid("The CSV header must name the columns lat and lng (weight optional).",
                      details={"missing_columns": missing})
    columns = {name: header.index(name) for name in ("lat", "lng", "weight") if name in header}
    items, lines = [], []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(items) == MAX_POINTS:
            raise Invalid("The file may hold at most %(max_rows)s rows.",
                          params={"max_rows": f"{MAX_POINTS:,}"},
                          details={"max_rows": MAX_POINTS})
        item = {}
        for name, position in columns.items():
            cell = row[position].strip() if position < len(row) else ""
            if cell or name != "weight":
                item[name] = number_or_text(cell)
        items.append(item)
        lines.append(reader.line_num)
    return items, lines


def number_or_text(cell: str) -> float | str:
    try:
        return float(cell)
    except ValueError:
        return cell
