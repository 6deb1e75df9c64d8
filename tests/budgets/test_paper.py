"""Paper ballots: officials of the organisation type them into the same register, once per paper."""

import pytest

from budgets.models import Ballot
from tests.budgets.conftest import set_phase, vote_create
from tests.factories import OfficialFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vote(call, projects, places):
    return vote_create(call, method="basket", budget="100000", max_projects=None, minimum_age=16)


def paper(projects, *chosen, reference="0001", birth_year="1970", commune="Lyon"):
    return {
        "paper_reference": reference,
        "projects": [str(getattr(projects, name).pk) for name in chosen],
        "birth_year": birth_year,
        "commune": commune,
    }


def test_an_official_types_paper_ballots_in_once_each(en, call, vote, projects):
    agent = OfficialFactory(organisation=call.organisation)
    en.force_login(agent)
    assert en.get(f"/budgets/{vote.pk}/paper/").status_code == 200
    response = en.post(f"/budgets/{vote.pk}/paper/", paper(projects, "garden", "books"), follow=True)
    assert "Paper ballot 0001 is in the register." in response.content.decode()
    ballot = Ballot.objects.get()
    assert (ballot.channel, ballot.voter, ballot.entered_by, ballot.paper_reference) == (
        "paper",
        None,
        agent,
        "0001",
    )
    again = en.post(f"/budgets/{vote.pk}/paper/", paper(projects, "skate"))
    assert again.status_code == 409
    assert "Paper ballot number 0001 is already in the register" in again.content.decode()
    assert (
        en.post(f"/budgets/{vote.pk}/paper/", paper(projects, "skate", reference="0002")).status_code == 302
    )
    assert Ballot.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"reference": ""}, 400, "Give the number written on the paper ballot."),
        ({"reference": "   "}, 400, "Give the number written on the paper ballot."),
        ({"chosen": ("garden", "skate")}, 400, "over the budget of €100,000"),
        ({"birth_year": "2025"}, 403, "This vote is open to people aged 16 or more"),
    ],
)
def test_bad_paper_ballots_are_refused(en, call, vote, projects, data, status, message):
    en.force_login(OfficialFactory(organisation=call.organisation))
    chosen = data.pop("chosen", ("books",))
    response = en.post(f"/budgets/{vote.pk}/paper/", paper(projects, *chosen, **data))
    assert response.status_code == status
    assert message in response.content.decode()
    assert not Ballot.objects.exists()


def test_only_officials_of_the_organisation_type_paper_ballots(en, user, vote, projects):
    en.force_login(OfficialFactory(organisation=OrganisationFactory()))
    response = en.post(f"/budgets/{vote.pk}/paper/", paper(projects, "books"))
    assert response.status_code == 403
    assert "Only the officials of the organisation running this vote" in response.content.decode()
    en.force_login(user)
    assert en.get(f"/budgets/{vote.pk}/paper/").status_code == 403
    assert not Ballot.objects.exists()


def test_paper_ballots_are_refused_after_closing(en, call, vote, projects):
    set_phase(vote, "closed")
    en.force_login(OfficialFactory(organisation=call.organisation))
    response = en.post(f"/budgets/{vote.pk}/paper/", paper(projects, "books"))
    assert response.status_code == 403
    assert "Voting closed on" in response.content.decode()
