"""The one rule for the cells of every spreadsheet file the platform writes (CSV, XLSX, ODS): staff
exports, report exports, open data, import templates; and the writers of tables to XLSX and CSV.
Plain Python, no Django import.

A text a spreadsheet would read as a formula is written with an apostrophe before it: a participant's
`=HYPERLINK("http://x","y")` stays text when an official or a reuser opens the file. Numbers stay
numbers: a value typed as a number is never changed, nor is a text that is a plain number (`-3`,
`-0.5`, `+2`), which no spreadsheet reads as a formula; so open data stays machine-readable and the
published figures recompute (docs/security.md, docs/opendata.md).
"""

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field

# Characters XML (so XLSX and ODS) cannot hold: removed from every text cell.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# What a spreadsheet reads as the start of a formula (OWASP's list: = + - @, tab, carriage return).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def text_cell(text: str) -> str:
    """A text as a cell: without the characters XML cannot hold, and with an apostrophe before it when a
    spreadsheet would read it as a formula (not when it is a plain number)."""
    text = ILLEGAL_CHARACTERS.sub("", text)
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def spreadsheet_cell(value):
    """A value as a cell: texts through `text_cell`; records and lists as JSON text; anything else (a
    number, a date, None) as it is."""
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        return text_cell(value)
    return value


@dataclass
class Table:
    name: str
    header: list[str]
    rows: list[list] = field(default_factory=list)


def write_xlsx(tables: list[Table]) -> bytes:
    from openpyxl import Workbook  # only the processes that write workbooks (workers) load it

    workbook = Workbook(write_only=True)
    for table in tables:
        sheet = workbook.create_sheet(title=_sheet_title(table.name))
        sheet.append([spreadsheet_cell(value) for value in table.header])
        for row in table.rows:
            sheet.append([spreadsheet_cell(value) for value in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def write_csv_zip(tables: list[Table]) -> bytes:
    """One CSV file per table, UTF-8 with a byte-order mark so that spreadsheets read the accents."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, table in enumerate(tables, start=1):
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow([spreadsheet_cell(value) for value in table.header])
            writer.writerows([spreadsheet_cell(value) for value in row] for row in table.rows)
            archive.writestr(f"{number:02d}-{_file_name(table.name)}.csv", "\ufeff" + text.getvalue())
    return output.getvalue()


def _sheet_title(name: str) -> str:
    # Excel forbids these characters in sheet titles and allows 31 characters.
    return "".join(" " if char in "[]:*?/\\" else char for char in name)[:31]


def _file_name(name: str) -> str:
    return "".join(char if char.isalnum() else "-" for char in name.lower()).strip("-") or "table"
