"""The report page an official reads: what to take away first ("À retenir"), every figure as the stored
version has it and written the reader's way, charts that mean something, fields one can see."""

import itertools
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from reports.highlights import report_highlights
from reports.models import ReportSnapshot
from reports.schema import Report
from tests.factories import OfficialFactory
from tests.reports.test_stored_format import stored_data, stored_version

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def page(client, snapshot, language="fr") -> BeautifulSoup:
    client.force_login(OfficialFactory(organisation=snapshot.consultation.organisation))
    response = client.get(
        reverse("feedback_report_detail", args=[snapshot.consultation_id]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def as_int(text: str) -> int:
    """A figure as written on the page ("14 283" in French, "14,283" in English) read back."""
    return int(re.sub(r"[\s\u00a0\u202f,.]", "", text))


def expected_figures(report: Report) -> dict[str, int]:
    """Every headline figure of the "À retenir" and the summary, from the stored version."""
    expected = {
        "participants": report.participants,
        "open-answers": report.open_answers,
        "highlights-participants": report.participants,
    }
    if report.method and report.method.votes:
        expected["votes"] = report.method.votes
    if report.people:  # everyone who took part, each person once (versions that count them)
        expected["participants"] = expected["highlights-people"] = report.people.total.people
        if not report.participants:
            del expected["highlights-participants"]
        if not report.questions:
            del expected["open-answers"]
    if report.statements:
        expected["highlights-voters"] = report.statements.participants
        for group in report.statements.groups:
            expected[f"group-{group.id}-size"] = group.size
    channels = report.participation.channels if report.participation else None
    if channels:
        for kind in ("responses", "statements", "votes"):
            for channel, count in getattr(channels, kind).items():
                expected[f"channel-{channel}-{kind}"] = count
    themes = sorted((theme.count for result in report.themes for theme in result.themes), reverse=True)
    for position, count in enumerate(themes[:5], start=1):
        expected[f"theme-{position}-count"] = count
    supported = [idea.supports for idea in (report.ideas.top if report.ideas else []) if idea.supports]
    for position, supports in enumerate(supported[:3], start=1):
        expected[f"idea-{position}-supports"] = supports
    return expected


@pytest.mark.parametrize("name", ["format1-report", "format1-empty"])
def test_every_headline_figure_on_the_page_is_the_stored_one(client, organisation, name):
    snapshot = stored_version(name, organisation)
    soup = page(client, snapshot)
    shown = {element["data-figure"]: as_int(element.get_text()) for element in soup.select("[data-figure]")}
    assert shown == expected_figures(snapshot.report)


def test_the_first_screen_says_what_to_take_away_before_the_method(client, organisation):
    snapshot = stored_version("format1-report", organisation)
    soup = page(client, snapshot, language="en")
    headings = [h.get_text(strip=True) for h in soup.select("main h2")]
    assert headings[0] == "Key points"
    assert headings.index("Method, definitions and downloads") > 1
    highlights = soup.select_one(".report-highlights")
    text = " ".join(highlights.get_text(" ").split())
    # Each group and what sets it apart; what all agree on; the main division; themes; ideas.
    assert "Group 1 ( 12 people ) — agrees with “Proposition 4 sur les trajets”" in text
    assert [li.get_text(strip=True) for li in highlights.select("[data-consensus]")] == [
        "Des trottoirs accessibles partout"
    ]
    assert highlights.select_one("[data-division]")["data-division"] == "26"
    assert "Les vélos" in text, "a theme named by officials is called by its name"
    assert "Un second écran pour le télétravail" in text
    assert "Ouvrir la cantine le soir" not in text, "an idea nobody supported is not among the most supported"
    # The method, the downloads and "Compile now" come after everything the report says.
    body = str(soup.select_one("main"))
    assert (
        body.index("report-highlights") < body.index('id="method-title"') < body.index('id="downloads-title"')
    )
    assert body.index('id="question-1"') < body.index('id="method-title"')
    # Headings go down one level at a time.
    levels = [int(h.name[1]) for h in soup.select("main h2, main h3, main h4, main h5")]
    assert all(after - before <= 1 for before, after in itertools.pairwise(levels)), levels


def test_a_statement_both_agreed_and_divisive_is_not_shown_as_agreed_by_all():
    data = stored_data("format1-report")
    divisive = data["statements"]["divisive"][0]
    data["statements"]["consensus"].append({"id": divisive["id"], "text": divisive["text"], "score": 0.5})
    highlights = report_highlights(Report.from_data(data))
    assert divisive["id"] not in [row.id for row in highlights.consensus]
    assert highlights.division.id == divisive["id"]


def test_figures_are_written_the_french_way(client, organisation):
    data = stored_data("format1-report")
    data["participants"] = 14283
    data["questions"][1]["choices"][0]["percent"] = 20.8
    data["participation"]["votes"]["median"] = 62.0
    snapshot = stored_version("format1-report", organisation)
    ReportSnapshot.objects.filter(pk=snapshot.pk).update(data=data)
    snapshot.refresh_from_db()
    html = str(page(client, snapshot))
    assert 'data-figure="participants">14\u202f283<' in html
    assert "20,8\u00a0%" in html, "a percent is never split from its sign"
    assert "la moitié en a exprimé 62 ou moins" in html or "62 or fewer" in html or " 62 " in html
    assert "62,0" not in html


def timeline_of(days: int) -> list[dict]:
    start = date(2026, 12, 1)
    return [
        {"day": (start + timedelta(days=n)).isoformat(), "responses": 3 + n, "total": sum(range(3, 4 + n))}
        for n in range(days)
    ]


def test_a_one_day_series_is_a_sentence_not_a_black_rectangle(client, organisation):
    data = stored_data("format1-report")
    data["participation"]["timeline"] = timeline_of(1)
    snapshot = stored_version("format1-report", organisation)
    ReportSnapshot.objects.filter(pk=snapshot.pk).update(data=data)
    snapshot.refresh_from_db()
    section = page(client, snapshot, language="en").select_one(
        'section[aria-labelledby="participation-title"]'
    )
    assert section.select_one("svg") is None
    assert "only 1 point, too few for a chart" in section.get_text()
    assert section.select_one("table th[scope=row]").get_text() == "Dec. 1, 2026", (
        "the figures stay in the table, the day written as a date"
    )
    french = page(client, snapshot).select_one('section[aria-labelledby="participation-title"]')
    assert french.select_one("table th[scope=row]").get_text() == "1er décembre 2026"


def test_a_chart_has_axes_and_labels(client, organisation):
    data = stored_data("format1-report")
    data["participation"]["timeline"] = timeline_of(5)
    snapshot = stored_version("format1-report", organisation)
    ReportSnapshot.objects.filter(pk=snapshot.pk).update(data=data)
    snapshot.refresh_from_db()
    svg = page(client, snapshot, language="en").select_one(
        'section[aria-labelledby="participation-title"] svg'
    )
    assert len(svg.select("rect")) == 5
    assert len(svg.select("line.report-chart-axis")) == 2
    labels = [text.get_text() for text in svg.select("text")]
    assert {"0", "7"} <= set(labels), "the value axis is labelled from 0 to the highest day"
    assert {"12/01/2026", "12/05/2026"} <= set(labels), "the days are labelled, as the reader writes dates"
    french = page(client, snapshot).select('section[aria-labelledby="participation-title"] svg text')
    assert {"01/12/2026", "05/12/2026"} <= {text.get_text() for text in french}
    widths = {float(rect["width"]) for rect in svg.select("rect")}
    assert max(widths) < 640 / 5, "bars are apart, not one block"


def test_the_theme_name_field_has_a_visible_border_and_focus(client, organisation):
    snapshot = stored_version("format1-report", organisation)
    soup = page(client, snapshot)
    field = soup.select_one(".theme-correction input[name=label]")
    assert soup.select_one(f'label[for="{field["id"]}"]').get_text() == "Nommer ce thème"
    stylesheets = [link["href"] for link in soup.select('link[rel="stylesheet"]')]
    assert any(href.endswith("feedback/css/report.css") for href in stylesheets)
    css = (ROOT / "reports/static/feedback/css/report.css").read_text()
    rule = css[css.index(".theme-correction input") :]
    assert re.search(r"border:\s*[1-9]\d*px solid", rule.split("}")[0])
    assert re.search(r"input:focus-visible[^{]*\{[^}]*outline:\s*[1-9]", css)


def test_the_list_of_reports_writes_its_figures_as_the_reader_does(client, organisation):
    snapshot = stored_version("format1-report", organisation)
    ReportSnapshot.objects.filter(pk=snapshot.pk).update(people_count=14283)
    client.force_login(OfficialFactory(organisation=organisation))
    response = client.get(reverse("feedback_report_index"), HTTP_ACCEPT_LANGUAGE="fr")
    listing = BeautifulSoup(response.content, "html.parser")
    assert listing.select("tbody tr td")[-1].get_text() == "14\u202f283", "grouped by thousands, unbroken"


def test_the_rules_of_consensus_and_division_are_read_from_the_version(client, organisation):
    """A version says which rules made its lists, even after the code's thresholds change; a version
    stored before the divisive rule was kept with it states the rule it was made with."""
    data = stored_data("format1-report")
    data["statements"]["consensus_rule"] = {"min_agree_percent": 70, "min_votes": 8}
    data["statements"]["divisive_rule"] = {"min_gap_points": 45, "min_votes": 9}
    stated = ReportSnapshot.objects.create(
        consultation=stored_version("format1-report", organisation).consultation,
        version=2,
        response_count=data["participants"],
        data=data,
    )
    method = page(client, stated, language="en").select_one(".report-method").get_text(" ", strip=True)
    assert "at least 70 % of the members" in method.replace("\xa0", " ")
    assert "at least 8 of them" in method
    assert "differ by at least 45 points" in method
    assert "at least 9 times" in method

    del data["statements"]["divisive_rule"]
    ReportSnapshot.objects.filter(pk=stated.pk).update(data=data)
    method = page(client, stated, language="en").select_one(".report-method").get_text(" ", strip=True)
    assert "differ by at least 30 points" in method
    assert "at least 3 times" in method
