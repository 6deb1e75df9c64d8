"""With JavaScript, a basket ballot says its running total in a live region as projects are ticked;
the ballot is sent as without it."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Organisation
from budgets.models import BallotChoice
from tests.budgets.conftest import call_create, project_create, territory, vote_create
from tests.e2e.test_voting_in_place import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e


def test_the_running_total_is_announced_and_the_ballot_sent(
    transactional_db, django_db_serialized_rollback, live_server, new_page
):
    lyon = territory("commune", "69123", "Lyon")
    call = call_create(organisation=Organisation.objects.create(name="Ville", slug="ville"))
    garden = project_create(call, "Jardin partagé", "60000")
    project_create(call, "Skatepark", "50000")
    vote = vote_create(call, method="basket", budget="100000", max_projects=None)
    person = UserFactory()
    page = new_page()
    sign_in(page, live_server.url, person, vote.get_absolute_url())

    total = page.locator("#ballot-total")
    page.get_by_label("Jardin partagé — 60 000 €").check()
    expect(total).to_contain_text("60 000")
    page.get_by_label("Skatepark — 50 000 €").check()
    expect(total).to_contain_text("10 000")  # over the budget by 10,000 €
    page.get_by_label("Skatepark — 50 000 €").uncheck()
    # English until the lead translates the new strings, French afterwards.
    page.get_by_label(re.compile("Year of birth|Année de naissance")).fill("1990")
    page.get_by_label(re.compile("Commune of residence|Commune de résidence")).fill(lyon.code)
    page.get_by_role("button", name=re.compile("Send my ballot|Envoyer mon bulletin")).click()
    page.wait_for_url(f"{live_server.url}{vote.get_absolute_url()}")
    assert list(BallotChoice.objects.values_list("project", flat=True)) == [garden.pk]
