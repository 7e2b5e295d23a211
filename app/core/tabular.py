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

Both are read as a stream and stop early: the sheet's declared dimension, its row numbers and
its rows are checked against the row cap before openpyxl reads a cell (blank rows count
there too: a few kilobytes can declare a million of them), a row with more than
`MAX_CELLS_PER_ROW` cells or a value past column `MAX_COLUMNS` is refused, the header is
handed to the caller's `check_header` as soon as it is found (a missing column is a 422 before
the rows are read), and reading stops at the first row past `max_rows`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from app.errors import Invalid

MAX_UNPACKED = 24 * 1024 * 1024  # an XLSX of 5,000 rows unpacks to ~2 MB; a zip bomb to GBs
MAX_MEMBERS = 500  # parts in the archive (a workbook of a few sheets has ~20)
MAX_COLUMNS = 100  # columns read; a value further right is refused, not dropped
MAX_CELLS_PER_ROW = 1000  # <c> elements in one row (formatted empty cells included)
MAX_STRINGS_PER_ROW = 20  # shared strings per row read (5,000 rows of the template: ~40,000)
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


def too_many_rows(max_rows: int) -> Invalid:
    return Invalid("At most %(max_rows)s rows per import.", params={"max_rows": max_rows},
                   details={"max_rows": max_rows})


def too_many_columns() -> Invalid:
    return Invalid("At most %(max_columns)s columns are read; delete the columns to the right "
                   "of your table and upload the file again.",
                   params={"max_columns": MAX_COLUMNS}, details={"max_columns": MAX_COLUMNS})


def iter_csv(payload: bytes, *, last_row: int) -> Iterator[tuple[int, list[str]]]:
    """Every record of a CSV with its row number (a quoted cell may span lines: one row),
    up to record `last_row` (one more is a 422)."""
    text = decode_text(payload)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for number, record in enumerate(reader, start=1):
            if number > last_row:
                raise too_many_rows(last_row)
            if len(record) > MAX_COLUMNS:
                if any(cell.strip() for cell in record[MAX_COLUMNS:]):
                    raise too_many_columns()
                record = record[:MAX_COLUMNS]
            yield number, record
    except csv.Error as error:
        raise Invalid("The file is not valid CSV: %(error)s.",
                      params={"error": str(error)}) from None


def read_csv(payload: bytes, *, last_row: int = 1_048_576) -> list[tuple[int, list[str]]]:
    return list(iter_csv(payload, last_row=last_row))


def _check_archive(payload: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
        names = archive.namelist()
        # the declared sizes bind: zipfile never inflates a part past its file_size
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise Invalid("The XLSX file cannot be read.") from None
    if len(names) > MAX_MEMBERS:
        raise Invalid("The XLSX file cannot be read.")
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


CELL_COLUMN = re.compile(r"[A-Z]+")


def _column_number(ref: str | None) -> int:
    letters = CELL_COLUMN.match(ref or "")
    number = 0
    for letter in letters.group(0) if letters else "":
        number = number * 26 + ord(letter) - 64
    return number


def _row_number(ref: str | None) -> int:
    digits = (ref or "").lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ$").replace("$", "")
    return int(digits) if digits.isdigit() else 0


def _scan_sheet(source, *, last_row: int) -> None:
    """One streaming pass over the sheet's XML (through defusedxml, elements cleared as it
    goes) before openpyxl builds a row: the dimension, row numbers, rows, cells per row and
    columns holding values, each checked against its cap as soon as it is seen."""
    from defusedxml.ElementTree import iterparse

    rows = cells = 0
    for event, element in iterparse(source, events=("start", "end")):
        tag = element.tag.rsplit("}", 1)[-1]
        if event == "start":
            if tag == "c":
                cells += 1
                if cells > MAX_CELLS_PER_ROW:
                    raise too_many_columns()
            elif tag == "row":
                rows, cells = rows + 1, 0
                if rows > last_row or int(element.get("r") or 0) > last_row:
                    raise too_many_rows(last_row)
            elif tag == "dimension":
                end = (element.get("ref") or "").rsplit(":", 1)[-1]
                if _row_number(end) > last_row:
                    raise too_many_rows(last_row)
        elif tag == "c":
            if len(element) and _column_number(element.get("r")) > MAX_COLUMNS:
                raise too_many_columns()
        elif tag == "row":
            element.clear()


def _parts(archive: zipfile.ZipFile) -> tuple[str, str | None]:
    """The parts holding the workbook's first sheet and its shared strings, as openpyxl finds
    them: workbook.xml's first <sheet> through the workbook's relationships, the strings by
    their content type."""
    from defusedxml.ElementTree import fromstring

    def path(target: str) -> str:
        return target.lstrip("/") if target.startswith("/") else f"xl/{target}"

    book = fromstring(archive.read("xl/workbook.xml"))
    sheet = next(element for element in book.iter() if element.tag.endswith("}sheet"))
    rel_id = next(value for key, value in sheet.attrib.items() if key.endswith("}id"))
    rels = list(fromstring(archive.read("xl/_rels/workbook.xml.rels")))
    target = next(element.get("Target") for element in rels if element.get("Id") == rel_id)
    types = fromstring(archive.read("[Content_Types].xml"))
    strings = next((element.get("PartName") for element in types
                    if (element.get("ContentType") or "").endswith(".sharedStrings+xml")), None)
    return path(target), strings.lstrip("/") if strings else None


def _count_strings(source, *, most: int) -> None:
    """openpyxl keeps every shared string: more than `most` (a few KB zipped can hold
    millions of empty ones) is refused before it reads them."""
    from defusedxml.ElementTree import iterparse

    count = 0
    parser = iterparse(source, events=("start", "end"))
    _event, root = next(parser)
    for event, element in parser:
        if event == "start" and element.tag.endswith("}si"):
            count += 1
            if count > most:
                raise Invalid("The XLSX file cannot be read.")
        elif event == "end" and element.tag.endswith("}si"):
            root.clear()


def iter_xlsx(payload: bytes, *, last_row: int) -> Iterator[tuple[int, list[str]]]:
    """The rows of the first sheet up to row number `last_row` (formula cells as `Formula`),
    each at most `MAX_COLUMNS` cells; anything past a cap is a 422 before openpyxl reads it."""
    from openpyxl import load_workbook  # the XLSX reader loads only for an XLSX upload

    _check_archive(payload)
    try:  # before openpyxl opens the book: its look for the dimension parses the sheet
        archive = zipfile.ZipFile(io.BytesIO(payload))
        sheet_part, strings_part = _parts(archive)
        with archive.open(sheet_part) as source:
            _scan_sheet(source, last_row=last_row)
        if strings_part in archive.namelist():
            with archive.open(strings_part) as source:
                _count_strings(source, most=last_row * MAX_STRINGS_PER_ROW)
    except Invalid:
        raise
    except Exception:
        raise Invalid("The XLSX file cannot be read.") from None
    try:
        book = load_workbook(io.BytesIO(payload), read_only=True, data_only=False,
                             keep_vba=False, keep_links=False)
    except Exception:  # openpyxl raises whatever its XML parser meets: one answer for all
        raise Invalid("The XLSX file cannot be read.") from None
    try:
        try:
            sheet = book.worksheets[0]
            sheet.reset_dimensions()  # the scan checked them; never pad rows from them
            rows = sheet.iter_rows(max_row=last_row, max_col=MAX_COLUMNS)
        except Invalid:
            raise
        except Exception:
            raise Invalid("The XLSX file cannot be read.") from None
        number = 0
        while True:
            try:
                row = next(rows, None)
                if row is None:
                    return
                number += 1
                cells = [Formula(cell.value) if getattr(cell, "data_type", None) == "f"
                         else cell_text(cell.value) for cell in row]
            except Exception:
                raise Invalid("The XLSX file cannot be read.") from None
            yield number, cells
    finally:
        book.close()


def read_xlsx(payload: bytes, *, last_row: int = 1_048_576) -> list[tuple[int, list[str]]]:
    return list(iter_xlsx(payload, last_row=last_row))


def is_xlsx(filename: str, payload: bytes) -> bool:
    return filename.lower().endswith((".xlsx", ".xlsm")) or payload[:2] == b"PK"


HEADER_SEARCH = 10  # title rows an officer may put above the header ("XX街道站点导入表")


def last_row_read(max_rows: int) -> int:
    """The last spreadsheet row read for `max_rows` rows: the header, title rows above it and
    as many blank rows as rows may sit among them."""
    return 2 * max_rows + HEADER_SEARCH + 1


def read_table(filename: str, payload: bytes, *, max_rows: int,
               is_header: Callable[[list[str]], bool] | None = None,
               check_header: Callable[[list[str]], object] | None = None) -> Table:
    """Header and non-blank rows of an uploaded CSV or XLSX, read as a stream; more than
    `max_rows` rows (or a sheet running past row `last_row_read(max_rows)`) → 422.

    The header is the first non-blank row, or with `is_header` the first of the first
    `HEADER_SEARCH` non-blank rows it accepts (rows above it are titles, ignored).
    `check_header(header)` runs as soon as the header is known, before any row is read (it
    raises to refuse the file)."""
    last_row = last_row_read(max_rows)
    records = (iter_xlsx(payload, last_row=last_row) if is_xlsx(filename, payload)
               else iter_csv(payload, last_row=last_row))
    header: list[str] | None = None
    waiting: list[tuple[int, list[str]]] = []  # rows before the header is known
    rows: list[tuple[int, list[str]]] = []

    def take(number: int, cells: list[str]) -> None:
        nonlocal header
        if header is None:
            header = [str(cell).strip() for cell in cells]
            if check_header is not None:
                check_header(header)
            return
        rows.append((number, cells))
        if len(rows) > max_rows:
            raise too_many_rows(max_rows)

    def settle(found: int | None) -> None:
        """The header is waiting[found] (or the first waiting row): take it and what follows."""
        for number, cells in waiting[found or 0:]:
            take(number, cells)
        waiting.clear()

    for number, cells in records:
        if not any(str(cell).strip() for cell in cells):
            continue
        if header is not None or is_header is None:
            take(number, cells)
            continue
        waiting.append((number, cells))
        if is_header([str(cell).strip() for cell in cells]):
            settle(len(waiting) - 1)
        elif len(waiting) == HEADER_SEARCH:
            settle(None)
    if header is None and waiting:
        settle(None)
    if header is None:
        raise Invalid("The file holds no rows.")
    return Table(header=header, rows=rows)
