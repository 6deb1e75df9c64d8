"""In a browser: the confirmation of an action is where the person is and has the focus, and the
consultation pages do not scroll sideways on a 390 px phone, signed in or out."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from consultations.models import Idea, Statement, Support
from tests.e2e.test_voting_in_place import sign_in
from tests.factories import EVERY_KIND, UserFactory, consultation_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

IN_VIEWPORT = """(element) => {
  const box = element.getBoundingClientRect();
  return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0;
}"""


def test_after_publishing_a_statement_the_confirmation_has_the_focus_and_is_in_view(live_server, new_page):
    # A long page: the statements come after a questionnaire of every kind, far below the top.
    consultation = consultation_create(questions=EVERY_KIND, statements_enabled=True)
    person = UserFactory()
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 768})
    create = reverse("statement_create", args=[consultation.pk])
    sign_in(page, live_server.url, person, create)
    page.get_by_label("Votre proposition").fill("Des navettes le soir")
    page.get_by_role("button", name="Publier ma proposition").click()
    page.wait_for_url(f"{live_server.url}{consultation.url}#statements")
    confirmation = page.locator("#statements [data-confirmation]")
    expect(confirmation).to_contain_text("votre proposition est publiée")
    expect(confirmation).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "confirmation"
    assert confirmation.evaluate(IN_VIEWPORT), "the confirmation is where the person is"
    assert page.evaluate("window.scrollY") > 500, "far from the top of the page"
    assert Statement.objects.filter(text="Des navettes le soir").exists()


def test_supporting_on_the_idea_page_confirms_in_place_with_the_focus(live_server, new_page):
    consultation = consultation_create(ideas_enabled=True)
    idea = Idea.objects.create(consultation=consultation, title="Un jardin partagé", text="Rue des Lilas")
    person = UserFactory()
    page = new_page()
    sign_in(page, live_server.url, person, idea.get_absolute_url())
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Soutenir cette idée").click()
    box = page.locator("#support")
    expect(box.locator("[data-supports]")).to_have_text("1 soutien")
    expect(box.locator("[data-confirmation]")).to_be_focused()
    expect(box.locator("[data-confirmation]")).to_have_text("Votre soutien est enregistré.")
    assert page.evaluate("window.notReloaded") is True
    assert Support.objects.filter(idea=idea, supporter=person).exists()


def _no_sideways_scroll(page, url: str) -> None:
    page.goto(url)
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{url} scrolls sideways at 390 px: {width}"


def test_the_consultation_pages_fit_a_phone_signed_in_and_out(live_server, new_page):
    consultation = consultation_create(questions=EVERY_KIND, statements_enabled=True, ideas_enabled=True)
    author = UserFactory()
    for n in range(3):
        Statement.objects.create(
            consultation=consultation,
            author=author,
            text=f"Une proposition assez longue pour remplir la ligne d’un téléphone, numéro {n}",
        )
    idea = Idea.objects.create(
        consultation=consultation, author=author, title="Un jardin partagé", text="Rue des Lilas"
    )
    visitor_urls = [
        consultation.url,
        reverse("idea_list", args=[consultation.pk]),
        idea.get_absolute_url(),
    ]
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    for url in visitor_urls:
        _no_sideways_scroll(page, live_server.url + url)
    sign_in(page, live_server.url, UserFactory(), consultation.url)
    for url in [
        *visitor_urls,
        reverse("statement_list", args=[consultation.pk]),
        reverse("statement_create", args=[consultation.pk]),
        reverse("idea_create", args=[consultation.pk]),
        reverse("my_contributions"),
    ]:
        _no_sideways_scroll(page, live_server.url + url)
