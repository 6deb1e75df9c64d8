"""The map of opinions and each group's votes per statement on outcome pages, read from the version the
page pins; and a closed consultation's page showing the map of its latest outcome page."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from consultations.models import Statement, Vote
from reports.models import ReportSnapshot
from reports.services import report_compile
from tests.factories import consultation_create, outcome_create
from tests.reports.test_statements_report import two_camps

pytestmark = pytest.mark.django_db

MAP_BLOCKS = [
    {"type": "opinion_map", "value": {"caption": ""}},
    {"type": "statement_groups", "value": {"caption": ""}},
]


@pytest.fixture
def debate(organisation):
    return consultation_create(organisation=organisation, statements_enabled=True)


def map_groups(page: str) -> list[str]:
    return re.findall(r'<g class="map-group[^"]*" tabindex="0" role="group" aria-label="([^"]+)"', page)


def more_voters(consultation, count):
    """`count` more people who agree with every statement: the next compile's groups differ."""
    voters = User.objects.bulk_create(User(email=f"late{n}@example.org") for n in range(count))
    statements = list(Statement.objects.filter(consultation=consultation))
    Vote.objects.bulk_create(
        Vote(statement=statement, participant=voter, value=1) for voter in voters for statement in statements
    )


def test_the_outcome_blocks_draw_the_pinned_version_not_the_latest(client, debate):
    _statements, shared = two_camps(debate)
    pinned = report_compile(consultation=debate, force=True)
    page = outcome_create(debate, snapshot=pinned, body=MAP_BLOCKS)
    more_voters(debate, 12)
    latest = report_compile(consultation=debate, force=True)
    assert [group.size for group in latest.report.statements.groups] != [15, 15]

    body = client.get(page.url).content.decode()
    assert map_groups(body) == ["Groupe 1 (15 personnes)", "Groupe 2 (15 personnes)"]
    # Ten statements a page on an outcome page (light on a phone): the eleventh is on the second.
    assert len(re.findall(r'<tbody data-statement="\d+">', body)) == 10
    assert "Page 1 sur 2" in body
    body = client.get(page.url + "?page=2").content.decode()
    shared_row = re.search(rf'<tbody data-statement="{shared.pk}">.*?</tbody>', body, re.S).group(0)
    everyone = re.search(r'class="vote-line-everyone".*?</tr>', shared_row, re.S).group(0)
    assert "<td>30</td>" in everyone, "thirty voters in the pinned version, not forty-two"
    assert f'href="/consultations/{debate.pk}/statements/{shared.pk}/"' in shared_row

    ordered = client.get(page.url + "?sort=consensus").content.decode()
    assert re.findall(r'<tbody data-statement="(\d+)">', ordered)[0] == str(shared.pk)
    assert client.get(page.url + "?sort=nonsense&page=99").status_code == 200


def test_an_outcome_block_is_refused_when_its_version_has_no_map(debate):
    Vote.objects.create(
        statement=Statement.objects.create(consultation=debate, text="Seule"),
        participant=User.objects.create(email="seul@example.org"),
        value=1,
    )
    snapshot = report_compile(consultation=debate, force=True)
    assert snapshot.report.statements.opinion_map.groups == []
    page = outcome_create(debate, publish=False)
    page.report_version, page.body = snapshot, MAP_BLOCKS[:1]
    with pytest.raises(ValidationError) as refused:
        page.full_clean()
    assert "body" in refused.value.message_dict, "the editor is told before anything is saved"


def test_a_closed_consultation_shows_the_map_of_its_latest_outcome(client, debate):
    two_camps(debate)
    snapshot = report_compile(consultation=debate, force=True)
    debate.opens_at, debate.closes_at = (
        debate.opens_at - timedelta(days=30),
        debate.opens_at - timedelta(days=1),
    )
    debate.save_revision().publish()
    assert map_groups(client.get(debate.url).content.decode()) == [], "no outcome page: no map"

    outcome_create(debate, title="Sans version")
    assert map_groups(client.get(debate.url).content.decode()) == [], "an outcome without version: no map"

    outcome = outcome_create(debate, title="Ce que disent les votes", snapshot=snapshot)
    body = client.get(debate.url).content.decode()
    assert map_groups(body) == ["Groupe 1 (15 personnes)", "Groupe 2 (15 personnes)"]
    assert f'href="{outcome.url}"' in body

    outcome.unpublish()
    assert map_groups(client.get(debate.url).content.decode()) == []


def test_an_open_consultation_shows_no_map(client, debate):
    two_camps(debate)
    outcome_create(debate, snapshot=report_compile(consultation=debate, force=True))
    assert map_groups(client.get(debate.url).content.decode()) == []


def closed(consultation):
    consultation.opens_at, consultation.closes_at = (
        consultation.opens_at - timedelta(days=30),
        consultation.opens_at - timedelta(days=1),
    )
    consultation.save_revision().publish()
    return consultation


# The version's whole stored report selected as a column (not a key path inside it).
WHOLE_DATA = re.compile(rf'"{ReportSnapshot._meta.db_table}"\."data"(\s+FROM|\s*,\s*")')


def test_the_closed_page_reads_one_query_and_only_the_map_of_the_version(client, debate):
    """A public page seen by many: the map costs one query and never the whole report (megabytes at
    scale), and shows the same groups as the version holds."""
    two_camps(debate)
    snapshot = report_compile(consultation=debate, force=True)
    closed(debate)
    client.get(debate.url)  # the site's settings and content types, read once per process
    with CaptureQueriesContext(connection) as without_outcome:
        client.get(debate.url)
    outcome_create(debate, snapshot=snapshot)
    client.get(debate.url)
    with CaptureQueriesContext(connection) as with_outcome:
        body = client.get(debate.url).content.decode()

    assert map_groups(body) == ["Groupe 1 (15 personnes)", "Groupe 2 (15 personnes)"]
    assert len(with_outcome) - len(without_outcome) <= 1
    read = [query["sql"] for query in with_outcome if ReportSnapshot._meta.db_table in query["sql"]]
    assert len(read) == 1
    assert not WHOLE_DATA.search(read[0]), read[0]


def test_a_visitor_sees_the_map_as_soon_as_the_outcome_page_is_published(
    client, debate, settings, django_capture_on_commit_callbacks
):
    """The closed page kept for visitors (core/page_cache.py) is forgotten when an outcome is
    published, so visitors do not wait a minute for its map."""
    settings.PAGE_CACHE_SECONDS = 60
    two_camps(debate)
    snapshot = report_compile(consultation=debate, force=True)
    closed(debate)
    assert map_groups(Client().get(debate.url).content.decode()) == []
    assert Client().get(debate.url)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        outcome_create(debate, snapshot=snapshot)
    assert map_groups(Client().get(debate.url).content.decode()) == [
        "Groupe 1 (15 personnes)",
        "Groupe 2 (15 personnes)",
    ]


def test_a_version_of_a_newer_format_answers_503_on_the_closed_page(client, debate):
    """The map read by its key path still goes through the report's format: a version a newer code
    compiled (a deployment rolling out) asks to come back, never a 500."""
    two_camps(debate)
    snapshot = report_compile(consultation=debate, force=True)
    closed(debate)
    outcome_create(debate, snapshot=snapshot)
    ReportSnapshot.objects.filter(pk=snapshot.pk).update(data={**snapshot.data, "format": 99})
    assert client.get(debate.url).status_code == 503


def test_any_statement_the_version_shows_can_be_quoted(client, debate):
    """Every statement the version's votes table shows can be quoted from it, not only those in its
    lists; one hidden by moderation before the compile cannot."""
    statements, _shared = two_camps(debate)
    hidden = statements[-1]
    hidden.status = Statement.Status.HIDDEN
    hidden.save()
    snapshot = report_compile(consultation=debate, force=True)
    section = snapshot.report.statements
    lists = [section.majority_agree, section.majority_disagree, section.uncertain, section.consensus]
    lists += [section.divisive or [], *(group.representatives for group in section.groups)]
    listed = {row.id for rows in lists for row in rows}
    unlisted = next(statement for statement in statements[:-1] if statement.pk not in listed)

    def quoting(statement):
        page = outcome_create(debate, publish=False)
        page.report_version = snapshot
        page.body = [{"type": "quote", "value": {"source": "statement", "statement_id": statement.pk}}]
        return page

    page = quoting(unlisted)
    page.full_clean()
    page.save_revision().publish()
    assert f"<blockquote><p>{unlisted.text}</p></blockquote>" in client.get(page.url).content.decode()
    with pytest.raises(ValidationError):
        quoting(hidden).full_clean()
