"""The ballot and results pages: accessible forms, and the same number of queries whatever the numbers of
projects and ballots."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgets.models import Ballot, BallotChoice
from tests.budgets.conftest import call_create, project_create, set_phase, vote_create

pytestmark = pytest.mark.django_db


def crowd(vote, places, projects: int, ballots: int):
    made = [project_create(vote.call, f"Projet {n}", "1000") for n in range(projects)]
    rows = Ballot.objects.bulk_create(
        Ballot(
            vote=vote,
            voter=None,
            channel="paper",
            paper_reference=str(n),
            birth_year=1980,
            commune=places.lyon,
        )
        for n in range(ballots)
    )
    BallotChoice.objects.bulk_create(
        BallotChoice(ballot=ballot, project=made[n % projects]) for n, ballot in enumerate(rows)
    )


@pytest.mark.parametrize("method", ["approval", "majority_judgment"])
def test_pages_cost_the_same_queries_whatever_the_counts(client, user, organisation, places, method):
    client.force_login(user)
    counts = {}
    for size in (3, 30):
        call = call_create(organisation=organisation, title=f"Appel {size} {method}")
        vote = vote_create(call, method=method)
        crowd(vote, places, projects=size, ballots=size * 3)
        client.get(f"/budgets/{vote.pk}/")  # the first request of a session loads what later ones keep
        measured = []
        for phase, path in (("open", ""), ("closed", "results/")):
            set_phase(vote, phase)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(f"/budgets/{vote.pk}/{path}")
            assert response.status_code == 200
            measured.append(len(captured))
        counts[size] = measured
    assert counts[3] == counts[30]


def test_the_ballot_form_is_labelled_and_announces_its_total(en, user, call, projects, places):
    vote = vote_create(call, method="basket", budget="100000", max_projects=None)
    en.force_login(user)
    body = en.get(f"/budgets/{vote.pk}/").content.decode()
    assert '<fieldset class="field" aria-describedby="ballot-rules">' in body
    assert "<legend>Projects</legend>" in body
    assert f'<label for="project-{projects.garden.pk}">Jardin partagé — €60,000</label>' in body
    assert f'aria-describedby="project-{projects.garden.pk}-summary"' in body
    assert 'id="ballot-total" class="ballot-total" aria-live="polite"' in body
    assert "Budget left: €100,000." in body, "the total is said without JavaScript too"
    assert 'for="id_birth_year"' in body
    assert 'for="id_commune"' in body
    assert "budgets/ballot.js" in body


def test_majority_judgment_grades_are_radio_groups(en, user, call, projects, places):
    vote = vote_create(call, method="majority_judgment")
    en.force_login(user)
    body = en.get(f"/budgets/{vote.pk}/").content.decode()
    assert "<legend>Jardin partagé — €60,000</legend>" in body
    assert body.count('type="radio"') == 3 * 7
    assert "Excellent" in body
    assert "To reject" in body


def test_the_list_of_votes_shows_published_calls_votes_by_phase(en, organisation, places):
    for title, phase, publish in (
        ("Ouvert", "open", True),
        ("Bientôt", "upcoming", True),
        ("Fini", "closed", True),
        ("Caché", "open", False),
    ):
        vote_create(call_create(organisation=organisation, title=title, publish=publish), phase=phase)
    # Queries a visit costs, whatever else ran first: the site's settings row (made on the first visit
    # of a new site) and the content types (cached per process) are in place before counting.
    en.get("/budgets/")
    with CaptureQueriesContext(connection) as captured:
        body = en.get("/budgets/").content.decode()
    assert len(captured) < 8, "the list reads its votes in a few queries, not one query per vote"
    assert body.index("Open now") < body.index("Ouvert") < body.index("Coming") < body.index("Bientôt")
    assert body.index("Closed") < body.index("Fini")
    assert "Caché" not in body


def test_the_call_page_leads_to_its_public_vote(client, call, projects):
    from django.urls import reverse

    # Every page's menu links to the list of votes (/budgets/); a vote's own page is /budgets/<id>/.
    body = client.get(call.url).content.decode()
    assert not re.search(r'href="/budgets/\d+/"', body), "no vote yet: no link"
    vote = vote_create(call)
    assert reverse("budgets_vote", args=[vote.pk]) in client.get(call.url).content.decode()
