"""Open data of personal questions (an age band, or a question the organiser marked personal): never
row by row, only totals whose small groups are hidden so that no subtraction gives them back; times
of contributions no closer than their day (responses: their week)."""

import io
import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse

from consultations.models import Answer, Response
from opendata import disclosure
from opendata.recompute import compare
from tests.factories import consultation_create
from tests.opendata.conftest import close
from tests.opendata.test_opendata import consultation_files, download, rows

pytestmark = pytest.mark.django_db

ROW_LEVEL = ("responses", "answers", "statements", "statement_votes", "ideas", "comments")
QUESTIONS = [
    {"type": "age_band", "value": {"label": "Votre âge", "purpose": "Entendre chaque génération."}},
    {
        "type": "single_choice",
        "value": {
            "label": "Revenu du foyer",
            "help_text": "",
            "required": False,
            "personal": True,
            "choices": ["Moins de 1 500 €", "De 1 500 à 3 000 €", "Plus de 3 000 €"],
        },
    },
    {
        "type": "number",
        "value": {"label": "Personnes au foyer", "help_text": "", "required": False, "personal": True},
    },
    {
        "type": "single_choice",
        "value": {
            "label": "Comment venez-vous ?",
            "help_text": "",
            "required": True,
            "choices": ["Bus", "Vélo"],
        },
    },
]


@pytest.fixture
def personal(organisation):
    """Ten paper responses, sent on 2026-03-04 at 14:03:12 and later: 3 in the 18–24 band and 7 in the
    35–49 one; only 3 people gave their income, all in the lowest band; everyone gave their household
    and how they come."""
    consultation = consultation_create(organisation=organisation, questions=QUESTIONS)
    age, income, household, transport = consultation.question_list
    sent = datetime(2026, 3, 4, 14, 3, 12, tzinfo=UTC)
    for i in range(10):
        response = Response.objects.create(
            consultation=consultation,
            channel="paper",
            reference=f"P-{i}",
            status=Response.Status.SUBMITTED,
            submitted_at=sent + timedelta(minutes=7 * i),
        )
        answers = [
            Answer(response=response, question_id=age.id, choice_id="18-24" if i < 3 else "35-49"),
            Answer(response=response, question_id=household.id, number=i + 1),
            Answer(response=response, question_id=transport.id, choice_id=transport.choices[i % 2][0]),
        ]
        if i < 3:
            answers.append(Answer(response=response, question_id=income.id, choice_id=income.choices[0][0]))
        Answer.objects.bulk_create(answers)
    close(consultation)
    return SimpleNamespace(
        consultation=consultation, age=age, income=income, household=household, transport=transport
    )


def figures(files) -> dict[str, str]:
    return {
        f"{r['subject_type']}/{r['subject_id']}/{r['measure']}": r["value"]
        for r in rows(files, "results.csv")
    }


def test_a_personal_answer_is_in_no_row_level_file(en, personal):
    files = consultation_files(en, personal.consultation)
    published = {q["question_id"]: q["answers_published"] for q in rows(files, "questions.csv")}
    assert published == {
        personal.age.id: "0",
        personal.income.id: "0",
        personal.household.id: "0",
        personal.transport.id: "1",
    }
    assert {a["question_id"] for a in rows(files, "answers.csv")} == {personal.transport.id}
    secret = [personal.age.id, personal.income.id, personal.household.id, *dict(personal.income.choices)]
    for table in ROW_LEVEL:
        for extension in ("csv", "json"):
            content = files[f"{table}.{extension}"].decode()
            for value in secret:
                assert value not in content, (table, extension, value)
    assert len(rows(files, "responses.csv")) == 10


def test_a_group_of_three_is_hidden_and_cannot_be_worked_out_from_the_total(en, personal):
    files = consultation_files(en, personal.consultation)
    shown = figures(files)
    age = f"question/{personal.age.id}"
    assert shown[f"{age}/choice:18-24:count"] == "", "3 people: hidden"
    assert shown[f"{age}/choice:18-24:percent"] == ""
    assert shown[f"{age}/choice:35-49:count"] == "", "hidden too, or 10 − 7 would give the 3 back"
    assert shown[f"{age}/respondents"] == "10"
    assert shown[f"{age}/choice:50-64:count"] == "0", "nobody is nobody: zeros stay"
    visible = sum(
        int(v) for k, v in shown.items() if k.startswith(f"{age}/choice:") and k.endswith(":count") and v
    )
    assert int(shown[f"{age}/respondents"]) - visible >= 5, "what is hidden adds up to no small group"
    # Three people gave their income, all in one band: the total is hidden, and every band with it, or
    # the zeros of the others would tell that those who answered are all in the lowest.
    income = f"question/{personal.income.id}"
    assert shown[f"{income}/respondents"] == ""
    for choice_id, _label in personal.income.choices:
        assert (
            shown[f"{income}/choice:{choice_id}:count"] == shown[f"{income}/choice:{choice_id}:percent"] == ""
        )
    # A number: the lowest and the highest are one person's answer each.
    household = f"question/{personal.household.id}"
    assert (shown[f"{household}/n"], shown[f"{household}/mean"]) == ("10", "5.5")
    assert shown[f"{household}/min"] == shown[f"{household}/max"] == ""
    # The public question is published as before, row by row and in full.
    assert shown[f"question/{personal.transport.id}/respondents"] == "10"
    results = files["README.md"].decode().split("## results.csv", 1)[1]
    assert f"{age}/choice:18-24:count" in results, "the data dictionary lists what is hidden"
    assert "## Small groups" in files["README.md"].decode()


def test_recompute_says_which_figures_it_cannot_recompute_and_still_passes(en, personal, tmp_path):
    checks = compare(consultation_files(en, personal.consultation))
    assert all(check.ok for check in checks)
    unverifiable = {c.label for c in checks if c.not_recomputable}
    assert f"question/{personal.age.id}/respondents" in unverifiable
    assert f"question/{personal.transport.id}/respondents" not in unverifiable, "recomputed from answers.csv"
    page = en.get(reverse("opendata_consultation", args=[personal.consultation.pk]))
    archive = tmp_path / "data.zip"
    archive.write_bytes(
        download(en, "opendata_consultation_file", personal.consultation.pk, page.context["zip_name"])
    )
    out = io.StringIO()
    call_command("opendata_recompute", str(archive), stdout=out)
    text = out.getvalue()
    assert (
        f"NOT RECOMPUTABLE  question/{personal.age.id}/choice:18-24:count = (hidden): personal question"
        in text
    )
    assert f"OK         question/{personal.transport.id}/respondents = 10" in text
    assert " 0 DIFFERENT" in text


def test_times_of_contributions_are_no_closer_than_their_day(en, filled, personal):
    """A response says its week, a statement, idea or comment its day: none can be matched with a person
    by the time it was sent (the organisation's answer to an idea keeps its time)."""
    weeks = {
        r["submitted_week"] for r in rows(consultation_files(en, personal.consultation), "responses.csv")
    }
    assert weeks == {"2026-W10"}
    files = consultation_files(en, filled.consultation)
    day = re.compile(r"\d{4}-\d\d-\d\d")
    for table, columns in (
        ("statements", ["created_at"]),
        ("ideas", ["published_at", "created_at"]),
        ("comments", ["created_at"]),
    ):
        for row in rows(files, f"{table}.csv"):
            for column in columns:
                assert day.fullmatch(row[column]), (table, column, row[column])
    assert all(re.fullmatch(r"\d{4}-W\d\d", r["submitted_week"]) for r in rows(files, "responses.csv"))


@pytest.mark.parametrize(
    ("counts", "hidden", "total_hidden"),
    [
        ([3, 7, 0], {0, 1}, False),  # one small group: the next smallest goes with it
        ([3, 0, 0], {0}, True),  # nothing else to hide: the total goes
        ([2, 3, 9], {0, 1}, False),  # two small groups adding up to 5: enough
        ([1, 2, 9, 6], {0, 1, 3}, False),  # 1 + 2 < 5: the 6 goes too (the smallest that is shown)
        ([5, 6, 0], set(), False),
    ],
)
def test_hidden_groups_always_add_up_to_at_least_the_threshold(counts, hidden, total_hidden):
    cells = [{"id": str(i), "count": count} for i, count in enumerate(counts)]
    chosen, total = disclosure.hide_groups(cells, "count", 5)
    assert {int(cell["id"]) for cell in chosen} == hidden
    assert total is total_hidden
    if chosen and not total:
        assert sum(cell["count"] for cell in chosen) >= 5


def test_a_quoted_report_version_gives_no_personal_written_answer_away_and_still_recomputes(en, organisation):
    """Two people wrote an "Other" income: the report version counts their texts among its written
    answers; the open data's count of written answers leaves them out, and the files recompute it."""
    from django.utils import timezone

    from reports.services import report_compile

    income_with_other = {**QUESTIONS[1], "value": {**QUESTIONS[1]["value"], "allow_other": True}}
    consultation = consultation_create(organisation=organisation, questions=[income_with_other, QUESTIONS[3]])
    income, transport = consultation.question_list
    for i in range(6):
        response = Response.objects.create(
            consultation=consultation,
            channel="paper",
            reference=f"P-{i}",
            status=Response.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
        answers = [Answer(response=response, question_id=transport.id, choice_id=transport.choices[i % 2][0])]
        if i < 2:
            answers.append(Answer(response=response, question_id=income.id, choice_id="other", text="Rentes"))
        Answer.objects.bulk_create(answers)
    close(consultation)
    version = report_compile(consultation=consultation)
    assert version.data["open_answers"] == 2, "the report, for officials, counts them"

    files = consultation_files(en, consultation)
    shown = figures(files)
    assert shown[f"consultation/{consultation.pk}/open_answers"] == "0"
    assert shown[f"question/{income.id}/other_answers"] == "", "a group of two: hidden"
    checks = compare(files)
    assert not [check.label for check in checks if not check.ok]
