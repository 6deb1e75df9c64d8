"""Results after closing: the full count, the winners within the budget, and the Pabulib file from which
anyone recounts the same result; nothing before closing."""

import re

import pytest

from budgets.models import Ballot, BallotChoice
from budgets.selectors import vote_tally
from budgets.tally import pabulib_inputs, tally
from tests.budgets.conftest import call_create, set_phase, vote_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def cast(vote, commune, *choices, channel="online", voter=None, reference=""):
    ballot = Ballot.objects.create(
        vote=vote,
        voter=voter if voter is not None or channel == "paper" else UserFactory(),
        channel=channel,
        birth_year=1980,
        commune=commune,
        paper_reference=reference,
    )
    BallotChoice.objects.bulk_create(
        BallotChoice(ballot=ballot, project=project, grade=grade) for project, grade in choices
    )
    return ballot


@pytest.fixture
def approval_vote(call, projects, places):
    vote = vote_create(call, method="approval", max_projects=2)
    for chosen in ([projects.garden, projects.books], [projects.garden], [projects.garden, projects.books]):
        cast(vote, places.lyon, *[(project, None) for project in chosen])
    cast(vote, places.lyon, (projects.skate, None), channel="paper", reference="P-1")
    return vote


def test_results_are_kept_until_closing(en, approval_vote):
    response = en.get(f"/budgets/{approval_vote.pk}/results/")
    assert response.status_code == 403
    assert "The results are published when voting closes" in response.content.decode()
    assert en.get(f"/budgets/{approval_vote.pk}/results.pb").status_code == 403


def test_the_results_page_shows_the_full_count_and_the_winners(en, approval_vote):
    set_phase(approval_vote, "closed")
    response = en.get(f"/budgets/{approval_vote.pk}/results/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "4 ballots" in body
    assert "3 online, 1 on paper" in body
    assert "Budget: €100,000; the winning projects cost €90,000." in body
    rows = [
        (result.id, result.votes, result.selected) for result, _project, _grades in response.context["rows"]
    ]
    projects = {project.title: project.pk for _result, project, _grades in response.context["rows"]}
    assert rows == [
        (projects["Jardin partagé"], 3, True),
        (projects["Boîte à livres"], 2, True),
        (projects["Skatepark"], 1, False),
    ]
    assert "<caption>" in body


def test_the_pabulib_file_follows_the_format_and_recounts_to_the_same_result(client, approval_vote, projects):
    set_phase(approval_vote, "closed")
    response = client.get(f"/budgets/{approval_vote.pk}/results.pb")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="budget-participatif-2026-vote.pb"'
    text = response.content.decode()
    lines = text.splitlines()
    assert lines[0:2] == ["META", "key;value"]
    meta = dict(line.split(";", 1) for line in lines[2 : lines.index("PROJECTS")])
    assert meta["num_projects"] == "3"
    assert meta["num_votes"] == "4"
    assert meta["budget"] == "100000"
    assert (meta["vote_type"], meta["rule"], meta["max_length"]) == ("approval", "greedy", "2")
    assert meta["country"] == "France"
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4}", meta["date_begin"])  # dd.mm.yyyy
    projects_header = lines[lines.index("PROJECTS") + 1]
    assert projects_header == "project_id;cost;votes;name;selected"
    assert f"{projects.garden.pk};60000;3;Jardin partagé;1" in lines
    votes = lines[lines.index("VOTES") + 1 :]
    assert votes[0] == "voter_id;vote;voting_method"
    assert len(votes) == 5
    assert any(line.endswith(";paper") for line in votes)
    # No voter is named: the ids are the ballots' random ones.
    public_ids = set(Ballot.objects.values_list("public_id", flat=True))
    assert {line.split(";")[0] for line in votes[1:]} == public_ids
    recount = tally(**pabulib_inputs(lines))
    stored = vote_tally(approval_vote)
    assert [(p.id, p.votes, p.selected) for p in recount.projects] == [
        (p.id, p.votes, p.selected) for p in stored.projects
    ]


def test_a_majority_judgment_vote_recounts_from_its_pabulib_file(client, call, projects, places):
    vote = vote_create(call, method="majority_judgment")
    for garden, books, skate in ([6, 2, 4], [5, 3, 4], [1, 3, 4], [4, 4, 0]):
        cast(vote, places.lyon, (projects.garden, garden), (projects.books, books), (projects.skate, skate))
    set_phase(vote, "closed")
    text = client.get(f"/budgets/{vote.pk}/results.pb").content.decode()
    assert "vote_type;scoring" in text
    assert "voter_id;vote;points;voting_method" in text
    recount = tally(**pabulib_inputs(text.splitlines()))
    stored = vote_tally(vote)
    assert [(p.id, p.majority_grade, p.grades, p.selected) for p in recount.projects] == [
        (p.id, p.majority_grade, p.grades, p.selected) for p in stored.projects
    ]
    page = client.get(f"/budgets/{vote.pk}/results/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200


def test_a_name_with_a_semicolon_is_quoted_in_the_pabulib_file(client, call, projects, places):
    projects.books.title = 'Livres; "partagés"'
    projects.books.save()
    vote = vote_create(call)
    cast(vote, places.lyon, (projects.books, None))
    set_phase(vote, "closed")
    text = client.get(f"/budgets/{vote.pk}/results.pb").content.decode()
    assert f'{projects.books.pk};30000;1;"Livres; ""partagés""";1' in text.splitlines()


def test_a_majority_judgment_vote_without_any_ballot_shows_its_results_and_file(en, call, projects):
    vote = vote_create(call, method="majority_judgment")
    set_phase(vote, "closed")
    page = en.get(f"/budgets/{vote.pk}/results/")
    assert page.status_code == 200
    assert "0 ballots" in page.content.decode()
    export = en.get(f"/budgets/{vote.pk}/results.pb")
    assert export.status_code == 200
    assert "num_votes;0" in export.content.decode()


def _recounts_alike(client, vote):
    text = client.get(f"/budgets/{vote.pk}/results.pb").content.decode()
    lines = text.splitlines()
    recount = tally(**pabulib_inputs(lines))
    stored = vote_tally(vote)
    fields = ("id", "votes", "share", "majority_grade", "grades", "above", "below", "selected")
    assert recount.ballots == stored.ballots == Ballot.objects.filter(vote=vote).count()
    assert [[getattr(p, f) for f in fields] for p in recount.projects] == [
        [getattr(p, f) for f in fields] for p in stored.projects
    ]
    return lines


def test_every_ballot_is_in_the_file_and_the_recount_gives_the_full_result(client, call, projects, places):
    graded = vote_create(call, method="majority_judgment")
    cast(graded, places.lyon, (projects.garden, 6), (projects.books, 5), (projects.skate, 4))
    cast(graded, places.lyon, (projects.garden, 2))  # the other two ungraded: "to reject"
    cast(graded, places.lyon)  # nothing graded at all
    set_phase(graded, "closed")
    lines = _recounts_alike(client, graded)
    votes = lines[lines.index("VOTES") + 2 :]
    assert len(votes) == 3
    assert all(len(line.split(";")[2].split(",")) == 3 for line in votes), "every project's points"

    other = call_create(organisation=call.organisation, title="Autre appel")
    from tests.budgets.conftest import project_create

    a, b = project_create(other, "A", "100"), project_create(other, "B", "200")
    approval = vote_create(other, method="approval", min_projects=0)
    cast(approval, places.lyon, (a, None), (b, None))
    cast(approval, places.lyon)  # chose nothing: still a ballot, in the shares
    set_phase(approval, "closed")
    lines = _recounts_alike(client, approval)
    assert "num_votes;2" in lines


def test_the_file_lists_ballots_by_their_random_id_not_in_the_order_they_were_cast(
    client, call, projects, places
):
    vote = vote_create(call)
    for public_id in ("ffff000000000000", "0000000000000000", "8888000000000000"):
        ballot = cast(vote, places.lyon, (projects.garden, None))
        Ballot.objects.filter(pk=ballot.pk).update(public_id=public_id)
    set_phase(vote, "closed")
    lines = client.get(f"/budgets/{vote.pk}/results.pb").content.decode().splitlines()
    ids = [line.split(";")[0] for line in lines[lines.index("VOTES") + 2 :]]
    assert ids == sorted(ids) == ["0000000000000000", "8888000000000000", "ffff000000000000"]
