"""The back office's territory chooser in a browser: searched and chosen with the keyboard alone, and
with no accessibility violation (axe-core) in its modal."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Territory
from tests.budgets.conftest import call_create
from tests.e2e.test_accessibility import FOCUSED, violations
from tests.e2e.test_journey import admin_sign_in
from tests.factories import AdministratorFactory, OrganisationFactory, TerritoryFactory

pytestmark = pytest.mark.e2e


def test_a_territory_is_searched_and_chosen_with_the_keyboard(
    transactional_db, django_db_serialized_rollback, live_server, new_page
):
    seine_saint_denis = TerritoryFactory(kind=Territory.Kind.DEPARTEMENT, code="93", name="Seine-Saint-Denis")
    saint_denis = TerritoryFactory(code="93066", name="Saint-Denis", parent=seine_saint_denis)
    TerritoryFactory(
        code="97411", name="Saint-Denis", parent=TerritoryFactory(kind="departement", code="974")
    )
    call_create(organisation=OrganisationFactory())
    page = admin_sign_in(new_page(), live_server.url, AdministratorFactory().email)
    page.goto(live_server.url + reverse("budgets_votes:add"))

    page.get_by_role("button", name=re.compile("Choose a territory|Choisir un territoire")).focus()
    page.keyboard.press("Enter")
    search = page.get_by_label(re.compile("Name or INSEE code|Nom ou code INSEE"))
    expect(search).to_be_visible()
    search.focus()
    page.keyboard.type("93066")
    choice = page.get_by_role("link", name="Saint-Denis (93066, Seine-Saint-Denis)")
    expect(choice).to_be_visible()
    assert not violations(page), "the open modal passes axe-core"
    for _ in range(10):  # Tab from the search field to the result
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED)["text"] == "Saint-Denis (93066, Seine-Saint-Denis)":
            break
    else:
        raise AssertionError("the result is never reached with Tab")
    page.keyboard.press("Enter")
    chosen = page.locator("#id_residence_territory-chooser [data-chooser-title]")
    expect(chosen).to_have_text("Saint-Denis (93066, Seine-Saint-Denis)")
    assert page.locator("#id_residence_territory").input_value() == str(saint_denis.pk)
