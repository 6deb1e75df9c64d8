"""`make bench-tally` at a tiny scale: a change that breaks the benchmark (or lets it time a count of
nothing) fails here, not the next time someone measures."""

import pytest

from benchmarks import tally
from budgets.selectors import vote_tally

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny(monkeypatch):
    monkeypatch.setattr(tally, "PROJECTS", 30)
    monkeypatch.setattr(tally, "BALLOTS", 200)


def test_the_tally_benchmark_counts_every_ballot_and_choice_on_the_dossiers_of_the_ballot(tiny):
    vote, choices = tally.fixture_create()

    result = vote_tally(vote)

    assert tally.tally_failures(result, choices=choices) == []
    assert len(result.projects) == 30
    assert result.ballots == 200
    assert 200 <= choices == sum(project.votes for project in result.projects) <= 2000
    assert 0 < result.spent <= 5_000_000


def test_the_tally_benchmark_fails_when_the_dossiers_are_not_on_the_ballot(tiny):
    vote, choices = tally.fixture_create()
    vote.call.laureates_published_at = None
    vote.call.save(update_fields=["laureates_published_at"])

    failures = tally.tally_failures(vote_tally(vote), choices=choices)

    assert failures == [
        "0 of 30 dossiers on the ballot",
        f"0 of {choices} choices counted",
        "0 winners costing 0 € of 5,000,000 €",
    ]
