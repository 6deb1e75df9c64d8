"""The header and footer of every page on a 390 px phone and a 1366 px desktop, signed out and in:
nothing scrolls sideways, the menus open and close with the keyboard, and focus is always visible."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_voting_in_place import sign_in
from tests.factories import UserFactory, consultation_create

pytestmark = pytest.mark.e2e

FITS = "document.documentElement.scrollWidth <= window.innerWidth"
FOCUS_SHOWN = """() => {
  const style = getComputedStyle(document.activeElement);
  return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
}"""


def tab_to(page, locator, *, most: int = 12):
    """Press Tab until `locator` has the focus, as a keyboard user would; fails if it never does."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            assert page.evaluate(FOCUS_SHOWN), "the focused element shows its focus"
            return
    raise AssertionError(f"{locator} never got the focus")


@pytest.mark.parametrize("width", [390, 1366])
def test_the_header_fits_and_its_menus_work_by_keyboard(
    transactional_db, django_db_serialized_rollback, live_server, new_page, width
):
    consultation = consultation_create(title="Le télétravail après la crise")
    # A long public name: the account menu must not widen the page (it made pages 431 px wide).
    person = UserFactory(pseudonym="Marie-Antoinette de La Tour-du-Pin-Gouvernet")
    for signed_in in (False, True):
        page = new_page()
        page.set_viewport_size({"width": width, "height": 800})
        if signed_in:
            sign_in(page, live_server.url, person, "/")
        for path in ["/", consultation.url]:
            page.goto(live_server.url + path)
            assert page.evaluate(FITS), f"{path} at {width} px scrolls sideways (signed in: {signed_in})"

        # Folded menus are hidden: find their links all the same, then check what shows.
        main_nav = page.get_by_role("navigation", name="Menu principal", include_hidden=True)
        sections = main_nav.get_by_role("link", name="Consultations", include_hidden=True)
        expect(sections).to_have_attribute("aria-current", "page")
        toggle = page.get_by_role("button", name="Menu")
        if width < 600:
            # On a phone the menu is folded behind its button, which the keyboard opens and closes.
            expect(sections).to_be_hidden()
            tab_to(page, toggle)
            page.keyboard.press("Enter")
            expect(toggle).to_have_attribute("aria-expanded", "true")
            expect(sections).to_be_visible()
            assert page.evaluate(FITS), "the open menu fits the screen"
            tab_to(page, sections)
            page.keyboard.press("Escape")
            expect(sections).to_be_hidden()
            expect(toggle).to_be_focused()
            page.keyboard.press("Enter")
        else:
            expect(toggle).to_be_hidden()
            expect(sections).to_be_visible()

        account = page.get_by_role("navigation", name="Compte", include_hidden=True)
        if signed_in:
            mine = account.get_by_role("link", name="Mes contributions", include_hidden=True)
            expect(mine).to_be_hidden()
            tab_to(page, account.locator("summary"), most=20)
            page.keyboard.press("Enter")
            expect(mine).to_be_visible()
            page.keyboard.press("Escape")
            expect(mine).to_be_hidden()
            expect(account.locator("summary")).to_be_focused()
            page.keyboard.press("Enter")
            expect(mine).to_be_visible()
            assert page.evaluate(FITS), "the open account menu fits the screen"
            tab_to(page, mine)
            page.keyboard.press("Enter")
            page.wait_for_url(f"{live_server.url}/consultations/mine/")
            expect(mine).to_have_attribute("aria-current", "page")
        else:
            sign_in_link = account.get_by_role("link", name="Se connecter")
            tab_to(page, sign_in_link, most=20)
            page.keyboard.press("Enter")
            page.wait_for_url(re.compile(r"/accounts/login/\?next=%2F"))  # and back here afterwards
        assert page.evaluate(FITS)
