"""The opinion map and each group's votes per statement: stored at compile time (anonymous marks,
outlines, counts), drawn on the report page as SVG with the same figures in tables, ordered by
consensus or division through plain links, and small enough at the scale of the Grand Débat."""

import json
import re

import numpy as np
import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from consultations.models import Statement, Vote
from reports import services
from reports.analysis.opinion_groups import VoteMatrix, analyse
from reports.models import ReportSnapshot
from reports.opinion_map import POINTS_LIMIT, map_of, statement_votes_of
from reports.schema import MapGroup, OpinionGroup, OpinionMap, Statements, StatementVotes, VoteCounts
from tests.factories import OfficialFactory
from tests.reports.test_statements_report import two_camps

pytestmark = pytest.mark.django_db

LIMIT = 300 * 1024


@pytest.fixture
def debate(consultation):
    consultation.statements_enabled = True
    consultation.save_revision().publish()
    return consultation


def report_page(client, consultation, query="") -> str:
    client.force_login(OfficialFactory(organisation=consultation.organisation))
    response = client.get(reverse("feedback_report_detail", args=[consultation.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def mixed_statement(consultation):
    """Four people of the agreeing camp (odd numbers: agree, agree, agree, disagree) and five of the
    other (pass, pass, disagree, agree, disagree) vote on one more statement."""
    statement = Statement.objects.create(consultation=consultation, text="Un avis partagé")
    voters = {user.email: user for user in User.objects.filter(email__startswith="camp")}
    values = {1: 1, 3: 1, 5: 1, 7: -1, 0: 0, 2: 0, 4: -1, 6: 1, 8: -1}
    Vote.objects.bulk_create(
        Vote(statement=statement, participant=voters[f"camp{number}@example.org"], value=value)
        for number, value in values.items()
    )
    return statement


def test_the_report_page_draws_the_map_with_each_group_focusable_and_in_a_table(client, debate):
    two_camps(debate)
    section = services.report_compile(consultation=debate, force=True).data["statements"]
    stored = section["opinion_map"]
    assert [group["size"] for group in stored["groups"]] == [15, 15]
    assert not stored["binned"], "thirty people: their positions, not a grid"
    assert sum(mark[3] for mark in stored["marks"]) == 30
    assert all(group["outline"] for group in stored["groups"]), "each camp votes alike: one place, outlined"

    page = report_page(client, debate)
    svg = re.search(r"<svg [^>]*class=\"opinion-map-svg\".*?</svg>", page, re.S).group(0)
    assert "<title " in svg
    assert "<desc " in svg
    groups = re.findall(r'<g class="map-group[^"]*" tabindex="0" role="group" aria-label="([^"]+)"', svg)
    assert groups == ["Groupe 1 (15 personnes)", "Groupe 2 (15 personnes)"]
    table = re.search(r'<table class="listing opinion-map-table">.*?</table>', page, re.S).group(0)
    rows = re.findall(r'<tr data-group="(\d)"><th scope="row">[^<]+</th><td>(\d+)</td>', table)
    assert rows == [(str(group["id"]), str(group["size"])) for group in stored["groups"]]
    for group in stored["groups"]:
        x = f"{group['centre'][0]:.2f}".replace(".", ",")
        assert x in table, "the centre's position, written the French way"


def test_each_groups_shares_of_a_hand_built_statement(client, debate):
    statements, _shared = two_camps(debate)
    mixed = mixed_statement(debate)
    section = services.report_compile(consultation=debate, force=True).data["statements"]
    [row] = [row for row in section["statement_votes"] if row["id"] == mixed.pk]
    assert row["everyone"] == {"agrees": 4, "disagrees": 3, "passes": 2}
    first = next(r for r in section["statement_votes"] if r["id"] == statements[0].pk)
    # The camp that agrees with the first statement is the odd-numbered one.
    agreeing = next(index for index, counts in enumerate(first["groups"]) if counts["agrees"] == 15)
    assert row["groups"][agreeing] == {"agrees": 3, "disagrees": 1, "passes": 0}
    assert row["groups"][1 - agreeing] == {"agrees": 1, "disagrees": 2, "passes": 2}

    page = report_page(client, debate)
    block = re.search(rf'<tbody data-statement="{mixed.pk}">.*?</tbody>', page, re.S).group(0)

    def shares(line_pattern):
        line = re.search(line_pattern + r".*?</tr>", block, re.S).group(0)
        return [
            re.search(rf'data-share="{kind}">([^<]+)<', line).group(1)
            for kind in ("agree", "disagree", "pass")
        ]

    assert shares(r'class="vote-line-everyone"') == ["44\xa0%", "33\xa0%", "22\xa0%"]
    assert shares(rf'data-group="{agreeing + 1}"') == ["75\xa0%", "25\xa0%", "0\xa0%"]
    assert shares(rf'data-group="{2 - agreeing}"') == ["20\xa0%", "40\xa0%", "40\xa0%"]


def statement_order(page) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tbody data-statement="(\d+)">', page)]


def test_sort_links_order_the_statements_by_consensus_or_division(client, debate):
    statements, shared = two_camps(debate)
    services.report_compile(consultation=debate, force=True)
    everything = sorted([statement.pk for statement in statements] + [shared.pk])

    page = report_page(client, debate)
    assert statement_order(page) == everything, "by statement number unless asked"
    assert 'href="?sort=consensus#statement-groups"' in page
    assert 'href="?sort=division#statement-groups"' in page

    consensus = statement_order(report_page(client, debate, "?sort=consensus"))
    assert consensus[0] == shared.pk, "the statement every group agrees with comes first"
    division = statement_order(report_page(client, debate, "?sort=division"))
    assert division[-1] == shared.pk, "and last when the most divisive come first"
    assert division[:10] == sorted(division[:10]), "equal divisions in statement order"

    assert statement_order(report_page(client, debate, "?sort=%3Cscript%3E&page=x")) == everything
    version = report_page(client, debate, "?version=1&sort=division")
    assert 'href="?version=1&amp;sort=consensus#statement-groups"' in version, "the version is kept"


def test_a_version_compiled_before_the_map_shows_neither_block(client, debate):
    two_camps(debate)
    snapshot = services.report_compile(consultation=debate, force=True)
    data = snapshot.data
    del data["statements"]["opinion_map"], data["statements"]["statement_votes"]
    ReportSnapshot.objects.filter(pk=snapshot.pk).update(data=data)  # as stored before the map
    page = report_page(client, debate)
    assert "opinion-map-svg" not in page
    assert "statement-votes" not in page


def test_too_few_votes_give_a_sentence_instead_of_a_map(client, debate):
    statement = Statement.objects.create(consultation=debate, text="Seule proposition")
    Vote.objects.create(statement=statement, participant=User.objects.create(email="a@example.org"), value=1)
    section = services.report_compile(consultation=debate, force=True).data["statements"]
    assert section["opinion_map"]["groups"] == []
    page = report_page(client, debate)
    assert 'class="opinion-map"' in page
    assert "<svg" not in page.split('class="opinion-map"')[1][:2000]


def grand_debat(people=33_000, statements=40, seed=1):
    """Three camps of synthetic voters, each voting on about half the statements, with some noise."""
    rng = np.random.default_rng(seed)
    camp = rng.integers(0, 3, people)
    leaning = rng.choice([-1, 0, 1], size=(3, statements))
    voted = rng.random((people, statements)) < 0.5
    noise = rng.random((people, statements)) < 0.2
    values = np.where(noise, rng.choice([-1, 0, 1], size=(people, statements)), leaning[camp])
    rows, cols = np.nonzero(voted)
    return VoteMatrix.from_triples(rows, cols, values[rows, cols])


def test_at_grand_debat_scale_the_stored_map_and_its_drawing_stay_under_300_kb():
    votes = grand_debat()
    report = analyse(votes, seed=0)
    assert report.k
    assert report.clustered.sum() > POINTS_LIMIT
    stored = map_of(report)
    assert stored.binned
    assert sum(mark[3] for mark in stored.marks) == int(report.clustered.sum())
    assert len(json.dumps(stored.to_data())) < LIMIT
    section = Statements(
        participants=report.participants,
        groups=[OpinionGroup(id=group.id + 1, size=len(group.participant_ids)) for group in report.groups],
        opinion_map=stored,
        statement_votes=statement_votes_of(report, votes, {}),
    )
    markup = render_to_string("feedback/includes/opinion_map.html", {"st": section})
    svg = re.search(r"<svg [^>]*class=\"opinion-map-svg\".*?</svg>", markup, re.S).group(0)
    assert len(svg.encode()) < LIMIT
    assert svg.count('tabindex="0"') == report.k
    bars = render_to_string(
        "feedback/includes/statement_groups.html", {"st": section, "request": RequestFactory().get("/")}
    )
    assert len(bars.encode()) < LIMIT


def hand_built(statements=45, sizes=(1, 2)) -> Statements:
    """A section of `statements` statements voted on by two groups of `sizes` people, with a map."""
    return Statements(
        groups=[OpinionGroup(id=n + 1, size=size) for n, size in enumerate(sizes)],
        opinion_map=OpinionMap(
            x_range=[-1.0, 1.0],
            y_range=[-1.0, 1.0],
            marks=[[-1.0, 0.0, 1, 1], [1.0, 0.5, 2, 1], [1.0, -0.5, 2, 1]],
            groups=[
                MapGroup(id=1, size=sizes[0], centre=[-1.0, 0.0], outline=[[-1.0, 0.0]], label=[-1.0, 0.0]),
                MapGroup(
                    id=2,
                    size=sizes[1],
                    centre=[1.0, 0.0],
                    outline=[[1.0, 0.5], [1.0, -0.5]],
                    label=[1.0, 0.5],
                ),
            ],
        ),
        statement_votes=[
            StatementVotes(
                id=n,
                text=f"Proposition {n}",
                everyone=VoteCounts(agrees=2, disagrees=1),
                groups=[VoteCounts(agrees=1), VoteCounts(agrees=1, disagrees=1)],
            )
            for n in range(1, statements + 1)
        ],
    )


@pytest.mark.parametrize(
    ("page", "shown"), [("0", 3), ("-1", 3), ("x", 1), ("99999", 3), ("1.5", 1), ("", 1), ("2", 2)]
)
def test_a_bad_page_number_shows_a_page_of_statements_not_an_error(page, shown):
    """?page= comes from the address: whatever it says, the reader gets a page (the first for what is
    not a number, the last for what is out of range)."""
    with translation.override("fr"):
        bars = render_to_string(
            "feedback/includes/statement_groups.html",
            {"st": hand_built(), "request": RequestFactory().get("/", {"page": page, "sort": "division"})},
        )
    assert f"Page {shown} sur 3" in bars
    first = 20 * (shown - 1) + 1
    assert re.findall(r'<tbody data-statement="(\d+)">', bars)[0] == str(first)


def test_a_group_of_one_person_is_named_in_the_singular():
    with translation.override("fr"):
        markup = render_to_string("feedback/includes/opinion_map.html", {"st": hand_built()})
    names = re.findall(r'role="group" aria-label="([^"]+)"', markup)
    assert names == ["Groupe 1 (1 personne)", "Groupe 2 (2 personnes)"]
    legend = re.findall(r'class="map-legend-item">.*?</svg> ([^<]+)</span>', markup)
    assert legend == names
