"""One rule for the cells of every spreadsheet file the platform writes (core/spreadsheets.py):
a text a spreadsheet would read as a formula gets an apostrophe before it; numbers stay numbers."""

import csv
import io
import zipfile
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from calls import exports as call_exports
from calls.models import Project
from core.spreadsheets import (
    DAY_FIRST,
    Table,
    sheet_titles,
    spreadsheet_cell,
    text_cell,
    write_csv_zip,
    write_ods,
    write_xlsx,
)
from tests.calls.conftest import call_create, project_create
from tests.factories import UserFactory

LINK = '=HYPERLINK("http://x","y")'
TEXTS = [LINK, "-1+1", "@SUM(1)", "+33 6 12 34 56 78", "\tTab", "\rReturn"]


def test_the_rule():
    for text in TEXTS:
        assert text_cell(text) == "'" + text, text
    for number in ["-3", "-0.5", "+2", "1e-3", "-2.5E+3", ".5"]:
        assert text_cell(number) == number, "a text that is a plain number is left as it is"
    assert text_cell("- Jardin partagé") == "'- Jardin partagé", "a text is a text"
    assert text_cell("Jardin = partagé") == "Jardin = partagé"
    assert text_cell("bell\x07") == "bell", "characters XML cannot hold are dropped"
    assert spreadsheet_cell(-3) == -3, "a number typed as a number is never changed"
    assert spreadsheet_cell(-0.5) == -0.5
    assert spreadsheet_cell(["=1"]) == '["=1"]'


def test_report_exports_xlsx_and_csv():
    table = Table("Propositions", ["Texte", "Écart"], [[text, -3] for text in TEXTS])
    sheet = load_workbook(io.BytesIO(write_xlsx([table]))).active
    cells = list(sheet.iter_rows(min_row=2))
    assert all(row[0].data_type == "s" for row in cells), "no formula"
    assert [row[0].value for row in cells][:3] == ["'" + LINK, "'-1+1", "'@SUM(1)"]
    assert all(row[1].value == -3 and row[1].data_type == "n" for row in cells), "the number stays a number"

    with zipfile.ZipFile(io.BytesIO(write_csv_zip([table]))) as archive:
        text = archive.read(archive.namelist()[0]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
    assert [row[0] for row in rows] == ["'" + text for text in TEXTS]
    assert {row[1] for row in rows} == {"-3"}


@pytest.mark.django_db
def test_call_exports_csv_xlsx_and_ods(organisation):
    call = call_create(organisation=organisation)
    for title in (LINK, "-1+1", "@SUM(1)"):
        project_create(call, UserFactory(), status=Project.Status.SUBMITTED, title=title)
    titles = {"'" + LINK, "'-1+1", "'@SUM(1)"}

    text = call_exports.write(call, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    title_column = 1
    assert {row[title_column] for row in rows[1:]} == titles
    assert "5000.0" in text or "5000" in text

    sheet = load_workbook(io.BytesIO(call_exports.write(call, "xlsx"))).active
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {row[title_column] for row in values} == titles
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row), "no formula"
    assert any(isinstance(value, int | float) for row in values for value in row), "amounts stay numbers"

    with zipfile.ZipFile(io.BytesIO(call_exports.write(call, "ods"))) as archive:
        content = archive.read("content.xml").decode()
    assert "table:formula" not in content
    for title in titles:
        escaped = title.replace('"', "&quot;").replace("'", "&apos;")
        assert f"<text:p>{title}</text:p>" in content or f"<text:p>{escaped}</text:p>" in content, title
    assert 'office:value-type="float"' in content, "amounts stay numbers"


@pytest.mark.django_db
def test_a_dossier_s_submission_is_a_date_in_the_platform_s_time(organisation):
    """The calls' export writes when a dossier was submitted as a date cell (sorted and filtered as one),
    in Paris time, not as an ISO text in UTC."""
    call = call_create(organisation=organisation)
    project = project_create(call, UserFactory(), status=Project.Status.SUBMITTED)
    Project.objects.filter(pk=project.pk).update(submitted_at=datetime(2026, 3, 2, 8, 30, 15, tzinfo=UTC))
    column = 10

    sheet = load_workbook(io.BytesIO(call_exports.write(call, "xlsx"))).active
    assert sheet.cell(row=1, column=column + 1).value == "Déposé le"
    cell = sheet.cell(row=2, column=column + 1)
    assert cell.is_date
    assert cell.value == datetime(2026, 3, 2, 9, 30)
    assert cell.number_format == "dd/mm/yyyy hh:mm", "day first in French"
    with zipfile.ZipFile(io.BytesIO(call_exports.write(call, "ods"))) as archive:
        content = archive.read("content.xml").decode()
    assert 'office:value-type="date" office:date-value="2026-03-02T09:30:00"' in content
    text = call_exports.write(call, "csv").decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text, newline="")))[1][column] == "2026-03-02 09:30"


def test_sheet_titles_are_valid_and_unique():
    tables = [Table(name, ["A"]) for name in ("ideas [top]", "Ideas top", "a" * 40, "a" * 40, "Q: 1/2?")]
    assert sheet_titles(tables) == ["ideas top", "Ideas top (2)", "a" * 31, "a" * 27 + " (2)", "Q 1 2"]


def test_dates_are_dates_in_every_format():
    table = Table("Jours", ["Jour", "Moment"], [[date(2026, 12, 7), datetime(2026, 12, 7, 18, 35)]])
    row = next(
        load_workbook(io.BytesIO(write_xlsx([table], date_formats=DAY_FIRST))).active.iter_rows(min_row=2)
    )
    assert row[0].is_date
    assert row[0].number_format == "dd/mm/yyyy"
    assert row[1].value == datetime(2026, 12, 7, 18, 35)
    with zipfile.ZipFile(io.BytesIO(write_ods([table], date_formats=DAY_FIRST))) as archive:
        content = archive.read("content.xml").decode()
    assert 'office:value-type="date" office:date-value="2026-12-07"' in content
    assert "<text:p>07/12/2026 18:35</text:p>" in content
    with zipfile.ZipFile(io.BytesIO(write_csv_zip([table]))) as archive:
        assert (
            archive.read(archive.namelist()[0]).decode("utf-8-sig").splitlines()[1]
            == "2026-12-07,2026-12-07 18:35"
        )
