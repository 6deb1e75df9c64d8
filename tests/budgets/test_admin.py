"""Officials set up the public vote of their organisation's calls in the back office; its rules are
locked once ballots are cast."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.test.utils.form_data import nested_form_data

from accounts.models import Territory
from budgets.models import Ballot, PublicVote
from tests.budgets.conftest import call_create, set_phase, vote_create
from tests.factories import OfficialFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD = reverse("budgets_votes:add")


def shown(moment) -> str:
    """A date as the admin form shows it (local time, to the minute)."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def rhone() -> str:
    """The Rhône département as the territory chooser sends it back: its id."""
    return str(Territory.objects.get(kind=Territory.Kind.DEPARTEMENT, code="69").pk)


def form(call_page, **changes):
    data = {
        "call": str(call_page.pk),
        "method": "basket",
        "min_projects": "1",
        "max_projects": "",
        "budget": "",
        "opens_at": "2026-01-01 09:00",
        "closes_at": "2099-01-31 18:00",
        "minimum_age": "16",
        "residence_territory": rhone(),
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
        form(
            call,
            budget="100000.00",
            residence_territory=rhone(),
            opens_at=shown(vote.opens_at),
            closes_at="2099-02-28 18:00",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    vote.refresh_from_db()
    assert (vote.method, vote.closes_at.month) == ("basket", 2)


def _open_vote_with_a_ballot(organisation, places):
    call = call_create(organisation=organisation)
    vote = vote_create(
        call, method="basket", budget="100000", minimum_age=16, residence_territory=places.rhone
    )
    Ballot.objects.create(vote=vote, voter=UserFactory(), birth_year=1990, commune=places.lyon)
    return call, vote


def _same(call_page, vote, **changes):
    data = {
        "budget": "100000.00",
        "residence_territory": rhone(),
        "opens_at": shown(vote.opens_at),
        "closes_at": shown(vote.closes_at),
    }
    data.update(changes)
    return form(call_page, **data)


def test_once_voting_opened_it_cannot_be_moved_nor_closed_early(client, organisation, places):
    call, vote = _open_vote_with_a_ballot(organisation, places)
    client.force_login(OfficialFactory(organisation=organisation))
    edit = reverse("budgets_votes:edit", args=[vote.pk])
    before = (vote.opens_at, vote.closes_at)
    earlier = shown(timezone.now() - timezone.timedelta(minutes=5))
    for changes, field in [
        ({"opens_at": "2099-01-01 09:00", "closes_at": "2099-02-01 09:00"}, "opens_at"),
        ({"closes_at": earlier}, "closes_at"),
        ({"call": str(call_create(organisation=organisation, title="Autre").pk)}, "call"),
    ]:
        response = client.post(edit, _same(call, vote, **changes))
        assert response.status_code == 200
        assert field in response.context["form"].errors, changes
    vote.refresh_from_db()
    assert (vote.opens_at, vote.closes_at) == before
    response = client.post(edit, _same(call, vote, closes_at="2099-03-01 18:00"))
    assert response.status_code == 302, response.context["form"].errors


def test_a_closed_vote_is_final_and_cannot_be_reopened(client, organisation, places):
    call, vote = _open_vote_with_a_ballot(organisation, places)
    set_phase(vote, "closed")
    client.force_login(OfficialFactory(organisation=organisation))
    edit = reverse("budgets_votes:edit", args=[vote.pk])
    response = client.post(edit, _same(call, vote, closes_at="2099-03-01 18:00"))
    assert response.status_code == 200
    with translation.override("en"):  # a lazy message, read here
        assert "Voting has closed" in response.context["form"].errors["closes_at"][0]
    vote.refresh_from_db()
    assert vote.phase() == "closed"


def test_a_vote_cannot_open_before_the_call_s_laureates_are_published(client, organisation, places):
    client.force_login(OfficialFactory(organisation=organisation))
    call = call_create(organisation=organisation, laureates_published=False)
    response = client.post(ADD, form(call))
    errors = response.context["form"].errors["opens_at"]
    with translation.override("en"):  # a lazy message, read here
        assert "Publish the call's laureates before voting opens" in errors[0]
    response = client.post(ADD, form(call, opens_at="2099-01-01 09:00"))
    assert response.status_code == 302, "set up ahead, to open once the laureates are published"


def test_another_organisation_s_vote_has_no_history_or_usage_page_for_an_official(
    client, organisation, places
):
    mine = vote_create(call_create(organisation=organisation))
    theirs = vote_create(call_create(organisation=OrganisationFactory(), title="Ailleurs"))
    client.force_login(OfficialFactory(organisation=organisation))
    for view in ("history", "usage"):
        assert client.get(reverse(f"budgets_votes:{view}", args=[mine.pk])).status_code == 200
        assert client.get(reverse(f"budgets_votes:{view}", args=[theirs.pk])).status_code == 404
