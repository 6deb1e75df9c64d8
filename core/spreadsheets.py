"""The one rule for the cells of every spreadsheet file the platform writes (CSV, XLSX, ODS): staff
exports, report exports, open data, import templates; and the writers of tables to XLSX, ODS and CSV.
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
from datetime import date, datetime

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
    """One sheet: its name (made a valid, unique sheet title by the writers), its column titles and its
    rows. Cells are texts, numbers, dates or datetimes (naive, in the reader's time), or None for a
    cell that has nothing to say."""

    name: str
    header: list[str]
    rows: list[list] = field(default_factory=list)


# How dates show in the XLSX and ODS files: day first (the French way) or the ISO order. The cells hold
# dates either way, so a spreadsheet sorts and reformats them.
DAY_FIRST = ("dd/mm/yyyy", "dd/mm/yyyy hh:mm")
ISO_ORDER = ("yyyy-mm-dd", "yyyy-mm-dd hh:mm")


def date_formats_for(language: str | None) -> tuple[str, str]:
    """Day first in French; the ISO order, which no reader misreads, in other languages."""
    return DAY_FIRST if (language or "").startswith("fr") else ISO_ORDER


def write_xlsx(tables: list[Table], *, date_formats: tuple[str, str] = ISO_ORDER) -> bytes:
    from openpyxl import Workbook  # only the processes that write workbooks (workers) load it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    for table, title in zip(tables, sheet_titles(tables), strict=True):
        sheet = workbook.create_sheet(title=title)
        for letter, width in _column_widths(table).items():
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "A2"  # the column titles stay in sight
        header = []
        for value in table.header:
            cell = WriteOnlyCell(sheet, value=spreadsheet_cell(value))
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            sheet.append([_xlsx_cell(sheet, spreadsheet_cell(value), date_formats) for value in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _xlsx_cell(sheet, value, date_formats):
    if not isinstance(value, date):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = date_formats[1] if isinstance(value, datetime) else date_formats[0]
    return cell


def _column_widths(table: Table) -> dict[str, float]:
    from openpyxl.utils import get_column_letter

    widths = {}
    for number, values in enumerate(zip(table.header, *table.rows, strict=False), start=1):
        longest = max((len(str(value)) for value in values if value is not None), default=8)
        widths[get_column_letter(number)] = min(max(longest, 8), 60) + 2
    return widths


def write_ods(tables: list[Table], *, date_formats: tuple[str, str] = ISO_ORDER) -> bytes:
    """An OpenDocument spreadsheet (LibreOffice, and the administration's reference format in the RGI),
    one sheet per table, with the same cells as the other formats: numbers and dates typed as such."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableCellProperties, TextProperties
    from odf.table import Table as Sheet
    from odf.table import TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    day_style = _ods_date_style(document, "day", date_formats[0])
    time_style = _ods_date_style(document, "time", date_formats[1])
    bold = Style(name="heading", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold"))
    bold.addElement(TableCellProperties(backgroundcolor="#eeeeee"))
    document.automaticstyles.addElement(bold)
    for table, title in zip(tables, sheet_titles(tables), strict=True):
        sheet = Sheet(name=title)
        for values, style in [(table.header, bold), *((row, None) for row in table.rows)]:
            row = TableRow()
            for value in values:
                value = spreadsheet_cell(value)
                if value is None:
                    row.addElement(TableCell())
                    continue
                if isinstance(value, bool):
                    cell = TableCell(valuetype="string")
                elif isinstance(value, int | float):
                    cell = TableCell(valuetype="float", value=value)
                elif isinstance(value, datetime):
                    text = value.replace(tzinfo=None).isoformat(timespec="seconds")
                    cell = TableCell(valuetype="date", datevalue=text, stylename=time_style)
                elif isinstance(value, date):
                    cell = TableCell(valuetype="date", datevalue=value.isoformat(), stylename=day_style)
                else:
                    cell = TableCell(valuetype="string")
                if style is not None:
                    cell.setAttribute("stylename", style)
                cell.addElement(P(text=_ods_text(value, date_formats)))
                row.addElement(cell)
            sheet.addElement(row)
        document.spreadsheet.addElement(sheet)
    output = io.BytesIO()
    document.write(output)
    return output.getvalue()


def _ods_date_style(document, name: str, pattern: str):
    """A cell style showing a date (and time) in `pattern`, one of the `date_formats` patterns."""
    from odf import number
    from odf.style import Style

    date_style = number.DateStyle(name=f"{name}-format")
    for part in _pattern_parts(pattern):
        if part == "dd":
            date_style.addElement(number.Day(style="long"))
        elif part == "month":
            date_style.addElement(number.Month(style="long"))
        elif part == "yyyy":
            date_style.addElement(number.Year(style="long"))
        elif part == "hh":
            date_style.addElement(number.Hours(style="long"))
        elif part == "minutes":
            date_style.addElement(number.Minutes(style="long"))
        else:
            date_style.addElement(number.Text(text=part))
    document.automaticstyles.addElement(date_style)
    style = Style(name=name, family="table-cell", datastylename=f"{name}-format")
    document.automaticstyles.addElement(style)
    return style


def _pattern_parts(pattern: str) -> list[str]:
    """A date pattern's parts, "mm" told apart: the month, or the minutes once the hours are given."""
    parts = []
    for part in re.split(r"([^a-z]+)", pattern):
        if part == "mm":
            part = "minutes" if "hh" in parts else "month"
        if part:
            parts.append(part)
    return parts


def _ods_text(value, date_formats: tuple[str, str]) -> str:
    """What a cell shows, written beside its typed value (readers that ignore the value show it)."""
    if isinstance(value, datetime):
        return _strftime(value, date_formats[1])
    if isinstance(value, date):
        return _strftime(value, date_formats[0])
    return str(value)


def _strftime(value: date, pattern: str) -> str:
    codes = {"dd": "%d", "month": "%m", "yyyy": "%Y", "hh": "%H", "minutes": "%M"}
    return value.strftime("".join(codes.get(part, part) for part in _pattern_parts(pattern)))


def write_csv(table: Table) -> bytes:
    """A table as a CSV file, UTF-8 with a byte-order mark so that spreadsheets read the accents. Dates
    are written in the ISO order, datetimes to the minute."""
    return _csv_text(table).encode()


def write_csv_zip(tables: list[Table]) -> bytes:
    """One CSV file per table (as `write_csv`), zipped."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, (table, title) in enumerate(zip(tables, sheet_titles(tables), strict=True), start=1):
            archive.writestr(f"{number:02d}-{_file_name(title)}.csv", _csv_text(table))
    return output.getvalue()


def _csv_text(table: Table) -> str:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([spreadsheet_cell(value) for value in table.header])
    writer.writerows([_csv_cell(spreadsheet_cell(value)) for value in row] for row in table.rows)
    return "\ufeff" + text.getvalue()


def _csv_cell(value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="minutes")
    return value


def sheet_titles(tables: list[Table]) -> list[str]:
    """The tables' names as sheet titles: without the characters spreadsheets forbid in them ([]:*?/\\),
    at most 31 characters, and unique (a second "Votes" is "Votes (2)")."""
    titles = []
    for table in tables:
        base = " ".join("".join(" " if char in "[]:*?/\\" else char for char in table.name).split())
        base = base.strip("'") or "Table"
        title, number = base[:31], 1
        while title.casefold() in {seen.casefold() for seen in titles}:
            number += 1
            suffix = f" ({number})"
            title = base[: 31 - len(suffix)].rstrip() + suffix
        titles.append(title)
    return titles


def _file_name(name: str) -> str:
    return "".join(char if char.isalnum() else "-" for char in name.lower()).strip("-") or "table"
