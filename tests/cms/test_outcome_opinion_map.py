"""The map of opinions and each group's votes per statement on outcome pages, read from the version the
page pins; and a closed consultation's page showing the map of its latest outcome page."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from consultations.models import Statement, Vote
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
