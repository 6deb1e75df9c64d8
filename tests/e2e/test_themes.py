"""Both themes (Concerto's and the State's DSFR) on the same templates: the home page and a consultation
at 390 px have no axe-core violation and do not scroll sideways; a site's colours reach the page."""

import pytest
from django.core.management import call_command

from cms.models import SiteSettings
from consultations.models import ConsultationPage
from tests.e2e.test_accessibility import violations

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(transactional_db, django_db_serialized_rollback):
    call_command("demo_load", verbosity=0)
    return ConsultationPage.objects.live().first()


@pytest.mark.parametrize("theme", ["concerto", "dsfr"])
def test_both_themes_pass_axe_and_fit_a_phone(demo, live_server, new_page, theme):
    site_settings = SiteSettings.objects.get()
    site_settings.theme = theme
    site_settings.accent_colour = "#6a1b9a"  # the site's own; the DSFR keeps the State's
    site_settings.save()
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    found = {}
    for path in ["/", demo.url]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
        accent = page.evaluate(
            "getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()"
        )
        assert accent == ("#000091" if theme == "dsfr" else "#6a1b9a"), path
        if problems := violations(page):
            found[path] = problems
    assert not found, f"axe-core found violations in the {theme} theme: {found}"
    if theme == "dsfr":
        assert page.evaluate("document.fonts.check('16px Marianne')")
        assert page.locator(".brand .fr-logo").is_visible()
