"""Tables of open data and the files written from them: CSV, JSON, the data dictionary (README.md and a
Frictionless `datapackage.json`), the licence, SHA-256 checksums, and the ZIP of them all.

Plain Python (no Django import): the recompute command and the tests read the same shapes back.

A table's columns are a list of `Column`s, each naming its source field; adding a column (for instance
`channel`) is one line in the table's column list.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from core.spreadsheets import text_cell

# RFC 4180 CSV: comma, double quotes when needed, CRLF; UTF-8 without a byte-order mark. Decidim's
# default separator is ";"; we follow the French public data guides (and `dispositif-aide`) instead.
CSV_DIALECT = {"delimiter": ",", "quotechar": '"', "lineterminator": "\r\n", "doublequote": True}
# Fixed date of the ZIP's entries: the same data gives the same bytes, hence the same checksum.
ZIP_DATE = (2020, 1, 1, 0, 0, 0)
LICENCE_ID = "etalab-2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
LICENCE_TITLE = "Licence Ouverte / Open Licence version 2.0"


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    # The field read from each source row (a dict); `value` turns it into the published value.
    source: str = ""
    type: str = "string"  # Frictionless type: string, integer, number, datetime, date
    value: Callable | None = None

    def of(self, row: dict):
        raw = row.get(self.source or self.name)
        return self.value(raw) if self.value else raw


@dataclass
class Table:
    name: str  # the file's name without extension
    title: str
    description: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)

    def fill(self, source_rows: Iterable[dict]) -> Table:
        self.rows = [[column.of(row) for column in self.columns] for row in source_rows]
        return self

    @property
    def sources(self) -> list[str]:
        """The source fields the columns read (what a query must select)."""
        return [column.source for column in self.columns if column.source]

    def records(self) -> list[dict]:
        names = [column.name for column in self.columns]
        return [dict(zip(names, row, strict=True)) for row in self.rows]


def cell(value) -> str:
    """A value as written in CSV: None is empty, booleans are 1/0, numbers as they are; a text a
    spreadsheet would read as a formula with an apostrophe before it (the rule of every spreadsheet file
    the platform writes, `core/spreadsheets.py`). The JSON files keep texts exactly."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, str):
        return text_cell(value)
    return str(value)


def csv_bytes(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, **CSV_DIALECT)
    writer.writerow([text_cell(column.name) for column in table.columns])
    writer.writerows([cell(value) for value in row] for row in table.rows)
    return out.getvalue().encode("utf-8")


def json_bytes(table: Table) -> bytes:
    return (json.dumps(table.records(), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def datapackage(
    *, name: str, title: str, tables: list[Table], files: dict[str, bytes], homepage: str
) -> dict:
    """A Frictionless Data Package describing the CSV files (with their SHA-256 hashes)."""
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "homepage": homepage,
        "licenses": [{"name": LICENCE_ID, "path": LICENCE_URL, "title": LICENCE_TITLE}],
        "resources": [
            {
                "name": table.name.replace("_", "-"),
                "path": f"{table.name}.csv",
                "title": table.title,
                "description": table.description,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "hash": f"sha256:{sha256(files[f'{table.name}.csv'])}",
                "dialect": {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True},
                "schema": {
                    "fields": [
                        {"name": c.name, "type": c.type, "description": c.description} for c in table.columns
                    ]
                },
            }
            for table in tables
        ],
    }


# What a reuser reads about the one rule of spreadsheet cells (core/spreadsheets.py).
FORMULAS_NOTE = (
    "In the CSV files, a text that a spreadsheet would read as a formula (it starts with =, +, -, @, a "
    "tab or a carriage return, and is not a plain number) has an apostrophe (') before it, so that "
    "opening a file runs nothing; remove that one apostrophe to get the text as written, which the JSON "
    "files give exactly. Numbers are never changed."
)


def readme(*, title: str, introduction: list[str], tables: list[Table], extra: dict[str, str]) -> str:
    """The data dictionary: every file, its row count, and every column with its meaning."""
    lines = [f"# {title}", "", *introduction, "", FORMULAS_NOTE, ""]
    for table in tables:
        lines += [
            f"## {table.name}.csv / {table.name}.json — {table.title}",
            "",
            table.description,
            "",
            f"Rows: {len(table.rows)}",
            "",
            "| column | type | meaning |",
            "| --- | --- | --- |",
        ]
        lines += [f"| `{c.name}` | {c.type} | {c.description} |" for c in table.columns]
        lines.append("")
    for name, description in extra.items():
        lines += [f"## {name}", "", description, ""]
    return "\n".join(lines)


def checksums(files: dict[str, bytes]) -> bytes:
    """A `SHA256SUMS` file, checked by `sha256sum -c SHA256SUMS`."""
    return "".join(f"{sha256(data)}  {name}\n" for name, data in sorted(files.items())).encode("utf-8")


def zip_bytes(files: dict[str, bytes], *, folder: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()


@dataclass
class Dataset:
    """The files of one consultation's or call's open data, ready to serve; `files` in display order."""

    slug: str  # the ZIP's name and folder
    files: dict[str, bytes]
    row_counts: dict[str, int]
    notes: list[str] = field(default_factory=list)  # codes of the parts not published yet

    @property
    def zip_name(self) -> str:
        return f"{self.slug}.zip"

    def zip(self) -> bytes:
        return zip_bytes(self.files, folder=self.slug)

    def checksums(self) -> dict[str, str]:
        return {name: sha256(data) for name, data in self.files.items()}


def dataset_files(
    *,
    slug: str,
    title: str,
    introduction: list[str],
    tables: list[Table],
    extra_files: dict[str, bytes],
    extra_readme: dict[str, str],
    licence: str,
    homepage: str,
    notes: dict[str, str],
) -> Dataset:
    """The dataset's files; `notes` are the parts not published yet ({code: sentence for README.md})."""
    files: dict[str, bytes] = {}
    for table in tables:
        files[f"{table.name}.csv"] = csv_bytes(table)
    for table in tables:
        files[f"{table.name}.json"] = json_bytes(table)
    files.update(extra_files)
    intro = [*introduction, *([""] + [f"- {note}" for note in notes.values()] if notes else [])]
    files["README.md"] = readme(title=title, introduction=intro, tables=tables, extra=extra_readme).encode()
    package = datapackage(name=slug, title=title, tables=tables, files=files, homepage=homepage)
    files["datapackage.json"] = (json.dumps(package, ensure_ascii=False, indent=1) + "\n").encode()
    files["LICENCE.md"] = licence.encode("utf-8")
    files["SHA256SUMS"] = checksums(files)
    return Dataset(
        slug=slug, files=files, row_counts={t.name: len(t.rows) for t in tables}, notes=list(notes)
    )
