"""Reading the tables officers upload: CSV in the encodings Excel writes, and XLSX safely.

`decode_text` finds a CSV's encoding the way Excel files arrive: a UTF-8 BOM (Excel's "CSV
UTF-8"), UTF-16 with its BOM (Excel's "Unicode text"), plain valid UTF-8, else GB18030 (a
superset of GBK and GB2312, what Excel writes as "CSV" on Chinese Windows). Anything else,
and any binary file (NUL bytes, an old .xls), is a 422 that says how to save the file.

`read_table` answers the rows of a CSV or of the first sheet of an XLSX as lists of text
cells, each row with the number the officer sees in the spreadsheet (header = row 1; blank
rows are skipped but keep the numbering). An XLSX is read with openpyxl in read-only mode,
through defusedxml (no entity expansion), after checking the archive: macros (`.xlsm`,
a `vbaProject.bin`) and archives that unpack to more than `MAX_UNPACKED` bytes are refused;
a formula cell is never evaluated: it comes back as a `Formula` for the caller to refuse.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from app.errors import Invalid

MAX_UNPACKED = 50 * 1024 * 1024  # an XLSX of 5,000 rows unpacks to ~2 MB; a zip bomb to GBs
XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # OLE2: Excel 97-2003 .xls (and .doc …)


class Formula(str):
    """The text of a formula cell (`=SUM(A1:A3)`), never evaluated nor taken as a value."""


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row number, cells)


def decode_text(payload: bytes) -> str:
    """The text of an uploaded CSV (see the module doc for the order of the encodings)."""
    if payload.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    elif payload.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    elif payload.startswith(XLS_MAGIC):
        raise Invalid("This is an old Excel file (.xls); save it as .xlsx or as CSV and "
                      "upload it again.", code="file_unreadable")
    elif b"\x00" in payload:
        raise Invalid("This file is not a table; upload the CSV or XLSX template.",
                      code="file_unreadable")
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return payload.decode(encoding).removeprefix("\ufeff")  # GB18030 has a BOM too
        except UnicodeDecodeError:
            continue
    raise Invalid("The file's encoding is neither UTF-8 nor GBK/GB18030; in Excel choose "
                  "Save As, \"CSV UTF-8\", and upload it again.", code="file_encoding_unknown")


def read_csv(payload: bytes) -> list[tuple[int, list[str]]]:
    """Every record of a CSV with its row number (a quoted cell may span lines: one row)."""
    text = decode_text(payload)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise Invalid("The file is not valid CSV: %(error)s.",
                      params={"error": str(error)}) from None
    return list(enumerate(records, start=1))


def _check_archive(payload: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
        names = archive.namelist()
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise Invalid("The XLSX file cannot be read.") from None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise Invalid("The file contains macros; save it as a plain .xlsx workbook and upload "
                      "it again.", code="file_has_macros")
    if unpacked > MAX_UNPACKED or "xl/workbook.xml" not in names:
        raise Invalid("The XLSX file cannot be read.")


def cell_text(value) -> str:
    """A cell as the text the officer typed: 13800138000 not 13800138000.0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def read_xlsx(payload: bytes, *, max_rows: int) -> list[tuple[int, list[str]]]:
    """The rows of the first sheet (formula cells as `Formula`), at most `max_rows` + 1."""
    from openpyxl import load_workbook  # the XLSX reader loads only for an XLSX upload

    _check_archive(payload)
    try:
        book = load_workbook(io.BytesIO(payload), read_only=True, data_only=False,
                             keep_vba=False, keep_links=False)
    except Exception:  # openpyxl raises whatever its XML parser meets: one answer for all
        raise Invalid("The XLSX file cannot be read.") from None
    rows, filled = [], 0
    try:
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(), start=1):
            cells = [Formula(cell.value) if getattr(cell, "data_type", None) == "f"
                     else cell_text(cell.value) for cell in row]
            if not any(cell.strip() for cell in cells):
                continue
            rows.append((number, cells))
            filled += 1
            if filled > max_rows + 1:  # header + rows: read_table says "too many"
                break
    except Exception:
        raise Invalid("The XLSX file cannot be read.") from None
    finally:
        book.close()
    return rows


def is_xlsx(filename: str, payload: bytes) -> bool:
    return filename.lower().endswith((".xlsx", ".xlsm")) or payload[:2] == b"PK"


HEADER_SEARCH = 10  # title rows an officer may put above the header ("XX街道站点导入表")


def read_table(filename: str, payload: bytes, *, max_rows: int,
               is_header: Callable[[list[str]], bool] | None = None) -> Table:
    """Header and non-blank rows of an uploaded CSV or XLSX; more than `max_rows` → 422.

    The header is the first non-blank row, or with `is_header` the first of the first
    `HEADER_SEARCH` non-blank rows it accepts (rows above it are titles, ignored)."""
    records = [(number, cells) for number, cells in
               (read_xlsx(payload, max_rows=max_rows + HEADER_SEARCH)
                if is_xlsx(filename, payload) else read_csv(payload))
               if any(str(cell).strip() for cell in cells)]
    if is_header is not None:
        for index, (_number, cells) in enumerate(records[:HEADER_SEARCH]):
            if is_header([str(cell).strip() for cell in cells]):
                records = records[index:]
                break
    header: list[str] = []
    rows = []
    for number, cells in records:
        if not header:
            header = [str(cell).strip() for cell in cells]
            continue
        rows.append((number, cells))
        if len(rows) > max_rows:
            raise Invalid("At most %(max_rows)s rows per import.", params={"max_rows": max_rows})
    if not header:
        raise Invalid("The file holds no rows.")
    return Table(header=header, rows=rows)
