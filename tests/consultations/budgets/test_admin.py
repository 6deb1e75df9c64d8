"""Officials set up the public vote of their organisation's calls in the back office; its rules are
locked once ballots are cast."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data

from consultations.budgets.models import Ballot, PublicVote
from tests.factories import OfficialFactory, OrganisationFactory, UserFactory

from .conftest import call_create, vote_create

pytestmark = pytest.mark.django_db

ADD = reverse("budgets_votes:add")


def form(call, **changes):
    data = {
        "call": str(call.pk),
        "method": "basket",
        "min_projects": "1",
        "max_projects": "",
        "budget": "",
        "opens_at": "2026-01-01 09:00",
        "closes_at": "2099-01-31 18:00",
        "minimum_age": "16",
        "residence_territory": "DEP-69",
    }
    data.update(changes)
    return nested_form_data(data)


def test_an_official_sets_up_the_vote_of_their_call(client, organisation, places):
    official = OfficialFactory(organisation=organisation)
    call = call_create(organisation=organisation)
    client.force_login(official)
    response = client.post(ADD, form(call))
    assert response.status_code == 302, response.context["form"].errors
    vote = PublicVote.objects.get()
    assert (vote.method, vote.residence_territory, vote.minimum_age) == ("basket", places.rhone, 16)
    assert vote.budget == call.total_budget, "a basket takes the call's budget when none is given"
    assert client.get(vote.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"closes_at": "2025-01-01 09:00"}, "closes_at"),
        ({"min_projects": "3", "max_projects": "2"}, "max_projects"),
        ({"residence_territory": "Atlantide"}, "residence_territory"),
    ],
)
def test_bad_settings_are_refused(client, organisation, places, changes, field):
    client.force_login(OfficialFactory(organisation=organisation))
    response = client.post(ADD, form(call_create(organisation=organisation), **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not PublicVote.objects.exists()


def test_a_basket_without_any_budget_is_refused(client, organisation, places):
    client.force_login(OfficialFactory(organisation=organisation))
    call = call_create(organisation=organisation, total_budget=None)
    response = client.post(ADD, form(call))
    assert "budget" in response.context["form"].errors


def test_an_official_cannot_set_up_the_vote_of_another_organisation_s_call(client, organisation, places):
    client.force_login(OfficialFactory(organisation=organisation))
    other = call_create(organisation=OrganisationFactory(), title="Ailleurs")
    response = client.post(ADD, form(other))
    assert "call" in response.context["form"].errors
    vote = vote_create(other)
    assert client.get(reverse("budgets_votes:edit", args=[vote.pk])).status_code == 404


def test_the_rules_are_locked_once_ballots_are_cast(client, organisation, places):
    official = OfficialFactory(organisation=organisation)
    call = call_create(organisation=organisation)
    vote = vote_create(
        call, method="basket", budget="100000", minimum_age=16, residence_territory=places.rhone
    )
    Ballot.objects.create(vote=vote, voter=UserFactory(), birth_year=1990, commune=places.lyon)
    client.force_login(official)
    edit = reverse("budgets_votes:edit", args=[vote.pk])
    response = client.post(edit, form(call, method="approval", budget="100000.00"))
    assert response.status_code == 200
    assert "method" in response.context["form"].errors
    response = client.post(
        edit,
        form(call, budget="100000.00", residence_territory="Rhône [DEP-69]", closes_at="2099-02-28 18:00"),
    )
    assert response.status_code == 302, response.context["form"].errors
    vote.refresh_from_db()
    assert (vote.method, vote.closes_at.month) == ("basket", 2)
