"""Finding one's way: from the home page, every section is reached by following links of the main
navigation only (no address typed), on a desktop and on a 390 px phone (where the menu is folded behind
its button), and my contributions through the account menu once signed in."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Organisation
from calls.models import CallPage
from tests.budgets.conftest import call_create as budget_call_create
from tests.budgets.conftest import project_create as budget_project_create
from tests.budgets.conftest import vote_create
from tests.calls.conftest import call_create
from tests.commons.conftest import initiative_create, territory
from tests.factories import PASSWORD, UserFactory, consultation_create, outcome_create

pytestmark = pytest.mark.e2e

# The main navigation's accessible name, as base.html writes it ("Main menu"), in French or English.
MAIN = re.compile(r"^(Menu principal|Main menu|Navigation principale|Main navigation)$")
ACCOUNT = re.compile(r"^(Compte|Account)$")

# Each section: the link's accessible name (French, or English while a translation is not compiled yet),
# and what its page shows.
SECTIONS = [
    (re.compile(r"^Consultations$"), "Le télétravail après la crise"),
    (re.compile(r"^(Appels à projets|Calls for projects)$"), "Appel « Tiers-lieux »"),
    (re.compile(r"^(Votes citoyens|Citizen votes)$"), "Budget participatif 2026"),
    (re.compile(r"^Initiatives$"), "Repair café municipal"),
    (re.compile(r"^(Restitutions|Résultats|Outcomes)$"), "Télétravail : ce que vous nous avez dit"),
]


@pytest.fixture
def sections(transactional_db, django_db_serialized_rollback):
    """One item in each section, so that each section's page shows something of its own."""
    consultation = consultation_create(title="Le télétravail après la crise")
    closed = consultation_create(
        title="Les horaires de la médiathèque", opens_in=timedelta(days=-30), closes_in=timedelta(days=-1)
    )
    outcome_create(closed, title="Télétravail : ce que vous nous avez dit")
    call_create(title="Appel « Tiers-lieux »")
    organisation = Organisation.objects.create(name="Ville de Lyon", slug="ville-de-lyon")
    budget = budget_call_create(organisation=organisation, title="Budget participatif 2026")
    budget_project_create(budget, "Jardin partagé", "60000")
    vote_create(budget, method="approval", budget=Decimal("100000"))
    CallPage.objects.filter(pk=budget.pk).update(laureates_published_at=timezone.now())
    initiative_create(
        organisation=organisation,
        territory=territory("commune", "69123", "Lyon"),
        title="Repair café municipal",
    )
    return consultation


def main_navigation(page):
    """The main navigation, opened first when a phone folds it behind its "Menu" button."""
    toggle = page.get_by_role("button", name=re.compile(r"^(Menu)$"))
    if (
        toggle.count()
        and toggle.first.is_visible()
        and toggle.first.get_attribute("aria-expanded") == "false"
    ):
        toggle.first.click()
    return page.get_by_role("navigation", name=MAIN)


def visit_every_section(page, base_url: str):
    page.goto(base_url + "/")
    for name, shown in SECTIONS:
        link = main_navigation(page).get_by_role("link", name=name)
        with page.expect_navigation():
            link.click()
        expect(page.locator("main")).to_contain_text(shown)
        expect(main_navigation(page).get_by_role("link", name=name)).to_have_attribute("aria-current", "page")
    search = main_navigation(page).get_by_role("link", name=re.compile(r"^(Rechercher|Recherche|Search)$"))
    with page.expect_navigation():
        search.click()
    assert page.url.startswith(base_url + reverse("search"))
    page.locator("main input[name=q]").fill("télétravail")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("Le télétravail après la crise")


def test_every_section_is_a_click_away_from_the_home_page(sections, live_server, new_page):
    desktop = new_page()
    visit_every_section(desktop, live_server.url)
    phone = new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    visit_every_section(phone, live_server.url)


def test_my_contributions_through_the_account_menu(sections, live_server, new_page):
    person = UserFactory()
    page = new_page()
    page.goto(live_server.url + "/")
    account = page.get_by_role("navigation", name=ACCOUNT)
    account.get_by_role("link", name=re.compile(r"^(Se connecter|Sign in)$")).click()
    page.get_by_label("E-mail").fill(person.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/")  # back where the person was
    account = page.get_by_role("navigation", name=ACCOUNT)
    account.locator("summary").click()  # the account menu, folded under the person's name
    with page.expect_navigation():
        account.get_by_role("link", name=re.compile(r"^(Mes contributions|My contributions)$")).click()
    assert page.url == live_server.url + reverse("my_contributions")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
