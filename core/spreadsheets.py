"""The one rule for the cells of every spreadsheet file the platform writes (CSV, XLSX, ODS): staff
exports, report exports, open data, import templates. Plain Python, no Django import.

A text a spreadsheet would read as a formula is written with an apostrophe before it: a participant's
`=HYPERLINK("http://x","y")` stays text when an official or a reuser opens the file. Numbers stay
numbers: a value typed as a number is never changed, nor is a text that is a plain number (`-3`,
`-0.5`, `+2`), which no spreadsheet reads as a formula; so open data stays machine-readable and the
published figures recompute (docs/security.md, docs/opendata.md).
"""

import json
import re

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
