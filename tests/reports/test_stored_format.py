"""Report versions stored before the format had a number (format 1) read and render as they always did;
a compile stores the current format (`reports/schema.py`).

`tests/data/reports/format1-*.json` are the data of two versions compiled by the code of December 2026,
before `reports/schema.py`: a consultation with every kind of question, cross-tables, themes corrected
by an official, statements with two opinion groups, and ideas (`format1-report.json`); and one with
nothing to analyse, whose parts say why they are absent (`format1-empty.json`). Beside each, the report
page's content and the outcome blocks as that code rendered them. Set REPORT_FIXTURES_RECORD=1 to write
them again after a deliberate change of those pages.
"""

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation

from cms.blocks import OutcomeBodyBlock
from reports import exports, services
from reports.models import ReportSnapshot
from reports.schema import (
    FORMAT,
    ChoiceCrosstab,
    ChoiceQuestion,
    NumberQuestion,
    NumericCrosstab,
    RankingQuestion,
    Report,
    ScaleQuestion,
    TextQuestion,
    UnknownFormat,
)
from tests.factories import OfficialFactory, consultation_create
from tests.reports.test_reports import answer

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parents[1] / "data" / "reports"
RECORD = os.environ.get("REPORT_FIXTURES_RECORD") == "1"
FIXTURES = ["format1-report", "format1-empty"]
COMPILED_AT = datetime(2026, 12, 7, 17, 35, tzinfo=UTC)


def stored_data(name: str) -> dict:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def stored_version(name: str, organisation) -> ReportSnapshot:
    """The fixture stored as version 1 of a consultation of the same title and audience."""
    data = stored_data(name)
    consultation = consultation_create(
        organisation=organisation,
        title=data["consultation"]["title"],
        audience=data["method"]["audience"],
        statements_enabled="statements" in data,
        ideas_enabled="ideas" in data,
    )
    snapshot = ReportSnapshot.objects.create(
        consultation=consultation,
        version=1,
        response_count=data["participants"],
        vote_count=data["method"]["votes"],
        data=data,
    )
    ReportSnapshot.objects.filter(pk=snapshot.pk).update(compiled_at=COMPILED_AT)
    return ReportSnapshot.objects.get(pk=snapshot.pk)


def normalised(html: str, consultation_id: int) -> str:
    """The page without what changes from one run to the next: the consultation's id in addresses and
    the CSRF tokens."""
    html = re.sub(rf"/(admin/reports|consultations)/{consultation_id}/", r"/\1/<consultation>/", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', html)


def main_content(html: str) -> str:
    """The report itself: what the page's main content block renders (not the admin's menus)."""
    start = html.index('<p><a href="/admin/reports/">')
    end = html.index("</main>", start)
    return re.sub(r"(\s*</div>)*\s*$", "\n", html[start:end])


def same_as_saved(text: str, path: Path) -> None:
    if RECORD:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


# Each outcome block that quotes a report version, as an editor would fill it in.
OUTCOME_BLOCKS = [
    ("report_figure", {"figure": "participants", "caption": ""}),
    ("report_figure", {"figure": "open_answers", "caption": "réponses écrites"}),
    ("report_figure", {"figure": "question", "question_number": 2, "caption": ""}),
    ("report_figure", {"figure": "question", "question_number": 1, "caption": ""}),
    ("choice_chart", {"question_number": 2, "caption": "Les trajets"}),
    ("choice_chart", {"question_number": 9, "caption": ""}),
    ("themes", {"question_number": 8, "quotes": 2}),
    ("themes", {"question_number": 2, "quotes": 1}),
    ("opinion_groups", {"show_consensus": True}),
    ("opinion_groups", {"show_consensus": False}),
    ("quote", {"source": "answer", "question_number": 8, "theme_number": 1, "quote_number": 2}),
    ("quote", {"source": "statement", "statement_id": 34, "comment": "Partagé par tous"}),
    ("quote", {"source": "statement", "statement_id": 35}),
    ("quote", {"source": "statement", "statement_id": 999}),
]


def outcome_blocks(snapshot) -> str:
    stream = OutcomeBodyBlock()
    context = {"page": SimpleNamespace(report_version=snapshot)}
    rendered = []
    for kind, value in OUTCOME_BLOCKS:
        block = stream.child_blocks[kind]
        rendered.append(f"<!-- {kind} {json.dumps(value, ensure_ascii=False)} -->")
        rendered.append(block.render(block.to_python(value), context=context))
    return "\n".join(rendered) + "\n"


@pytest.mark.parametrize("name", FIXTURES)
def test_a_stored_version_shows_the_same_report_page(client, organisation, name):
    snapshot = stored_version(name, organisation)
    client.force_login(OfficialFactory(organisation=organisation))
    url = reverse("feedback_report_detail", args=[snapshot.consultation_id])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = normalised(main_content(response.content.decode()), snapshot.consultation_id)
    same_as_saved(page, DATA / f"{name}.report.html")


@pytest.mark.parametrize("name", FIXTURES)
def test_a_stored_version_shows_the_same_outcome_blocks(organisation, name):
    snapshot = stored_version(name, organisation)
    with translation.override("en"):
        html = normalised(outcome_blocks(snapshot), snapshot.consultation_id)
    same_as_saved(html, DATA / f"{name}.outcome.html")


@pytest.mark.parametrize("name", FIXTURES)
def test_a_stored_version_exports_the_same_tables(organisation, name):
    snapshot = stored_version(name, organisation)
    with translation.override("en"):
        tables = [
            {"name": table.name, "header": table.header, "rows": table.rows}
            for table in exports.report_tables(snapshot)
        ]
    text = json.dumps(tables, ensure_ascii=False, indent=1, default=str) + "\n"
    same_as_saved(text, DATA / f"{name}.export.json")


@pytest.mark.parametrize("name", FIXTURES)
def test_a_stored_version_reads_and_writes_back_as_stored(name):
    data = stored_data(name)
    report = Report.from_data(data)
    assert report.to_data() == {"format": FORMAT, **data}, "the same keys and values, with the format number"
    assert Report.from_data(report.to_data()) == report
    assert report.participants == data["participants"]
    assert [q.id for q in report.questions] == [q["id"] for q in data["questions"]]


def test_the_questions_are_read_by_shape():
    report = Report.from_data(stored_data("format1-report"))
    assert [type(question) for question in report.questions] == [
        TextQuestion,
        ChoiceQuestion,
        ChoiceQuestion,
        ChoiceQuestion,
        ScaleQuestion,
        RankingQuestion,
        NumberQuestion,
        TextQuestion,
        ChoiceQuestion,
    ]
    assert {type(table) for table in report.crosstabs} == {ChoiceCrosstab, NumericCrosstab}
    assert report.questions[-1].choices[0].suppressed, "a small age band is hidden"


def test_a_compile_stores_the_current_format(consultation):
    answer(consultation)
    snapshot = services.report_compile(consultation=consultation)
    snapshot.refresh_from_db()
    assert snapshot.data["format"] == FORMAT
    assert Report.from_data(snapshot.data).to_data() == snapshot.data


def test_the_report_page_of_a_version_in_a_newer_format_asks_to_come_back(client, organisation):
    snapshot = stored_version("format1-report", organisation)
    ReportSnapshot.objects.filter(pk=snapshot.pk).update(data={**snapshot.data, "format": FORMAT + 1})
    client.force_login(OfficialFactory(organisation=organisation))
    url = reverse("feedback_report_detail", args=[snapshot.consultation_id])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert "momentarily unavailable" in response.content.decode()


def test_a_format_this_code_does_not_know_is_refused():
    with pytest.raises(UnknownFormat):
        Report.from_data({"format": FORMAT + 1, "participants": 3})
