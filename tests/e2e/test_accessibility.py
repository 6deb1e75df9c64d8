"""RGAA 4.1 / WCAG 2.1 AA: every page type and every step of the main flows passes axe-core (run in
Debian's Chromium through Playwright) with no violation; one whole flow works with the keyboard alone."""

import re
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from budgets.models import BallotChoice
from calls.models import CallPage
from cms.models import (
    AccessibilityStatementPage,
    ContactPage,
    NewsIndexPage,
    NewsPage,
    OutcomePage,
    SitemapPage,
    SiteSettings,
    StandardPage,
)
from consultations.models import ConsultationPage, Idea, Response, Statement
from consultations.services.comments import comment_post
from opendata.services import opendataset_build
from tests.budgets.conftest import call_create as budget_call_create
from tests.budgets.conftest import project_create as budget_project_create
from tests.budgets.conftest import vote_create
from tests.calls.conftest import call_create as calls_call_create
from tests.commons.conftest import initiative_create, territory
from tests.e2e.test_journey import admin_sign_in
from tests.e2e.test_voting_in_place import sign_in
from tests.factories import PASSWORD, OfficialFactory, UserFactory, consultation_create

pytestmark = pytest.mark.e2e

AXE = Axe()
WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now, one readable line per node."""
    page.wait_for_load_state("load")
    found = AXE.run(page, options=WCAG_21_AA).response["violations"]
    return [
        f"{rule['id']} ({rule['impact']}): {rule['help']}: {node['target']} {node['html'][:160]}"
        for rule in found
        for node in rule["nodes"]
    ]


def send_as_is(page, button):
    """Submit with the browser's own checks off (`novalidate`), to see the server's error messages."""
    page.evaluate("document.querySelectorAll('form').forEach(form => { form.noValidate = true; })")
    with page.expect_navigation() as navigation:
        button.click()
    assert navigation.value.status >= 400 or page.locator(".errorlist").count(), "an error state is shown"


class Audit:
    """Visits pages and collects every violation, so one run lists them all."""

    def __init__(self, page, base_url):
        self.page, self.base_url, self.found = page, base_url, {}

    def visit(self, path: str, *, status: int = 200):
        response = self.page.goto(self.base_url + path)
        assert response.status == status, f"{path}: {response.status}"
        self.check(path)

    def check(self, label: str):
        if found := violations(self.page):
            self.found[label] = found

    def assert_clean(self):
        report = "\n".join(f"{label}:\n  " + "\n  ".join(lines) for label, lines in self.found.items())
        assert not self.found, f"axe-core found violations:\n{report}"


@pytest.fixture
def demo(transactional_db, django_db_serialized_rollback):
    """The French demo (consultation with statements, ideas and an outcome page; a call with dossiers;
    the privacy page), plus comments and replies, a participatory budget vote and an initiative."""
    call_command("demo_load", verbosity=0)
    consultation = ConsultationPage.objects.get(slug="teletravail-services-publics")
    idea = Idea.objects.filter(consultation=consultation).first()
    statement = Statement.objects.filter(consultation=consultation).first()
    first = comment_post(target=idea, author=UserFactory(), text="Oui, à la gare d’abord.", stance="for")
    comment_post(target=idea, author=UserFactory(), text="Et au marché ?", stance="neutral", parent=first)
    comment_post(target=statement, author=UserFactory(), text="Pas partout.", stance="against")
    lyon = territory("commune", "69123", "Lyon")
    organisation = Organisation.objects.create(name="Ville de Lyon", slug="ville-de-lyon")
    budget = budget_call_create(organisation=organisation, title="Budget participatif 2026")
    budget_project_create(budget, "Jardin partagé", "60000")
    budget_project_create(budget, "Boîte à livres", "30000")
    vote = vote_create(budget, method="approval", budget=Decimal("100000"))
    CallPage.objects.filter(pk=budget.pk).update(laureates_published_at=timezone.now())
    initiative = initiative_create(
        organisation=organisation, territory=lyon, title="Repair café municipal", themes=["réparation"]
    )
    return {
        "consultation": consultation,
        "call": CallPage.objects.get(slug__contains="tiers-lieux"),
        "vote": vote,
        "laureates": reverse("calls_laureates", args=[budget.pk]),
        "initiative": initiative,
        "lyon": lyon,
    }


def test_every_page_type_has_no_violation(demo, live_server, new_page):
    consultation, call = demo["consultation"], demo["call"]
    opendataset_build(kind="call", pk=call.pk)  # the task's work: the page then lists the stored files
    idea = Idea.objects.filter(consultation=consultation).first()
    statement = Statement.objects.filter(consultation=consultation).first()
    privacy = SiteSettings.objects.get().privacy_page
    visitor = Audit(new_page(), live_server.url)
    for path in [
        "/",
        consultation.url,
        reverse("statement_list", args=[consultation.pk]),
        reverse("statement_deck", args=[consultation.pk]),
        statement.get_absolute_url(),
        reverse("idea_list", args=[consultation.pk]),
        idea.get_absolute_url(),
        OutcomePage.objects.get(slug="teletravail-bilan-etape").url,
        OutcomePage.objects.get(slug="bowling-green-2050-ce-qui-en-ressort").url,
        privacy.url,
        call.url,
        demo["laureates"],
        reverse("commons_initiative_list"),
        demo["initiative"].get_absolute_url(),
        reverse("budgets_votes_list"),
        demo["vote"].get_absolute_url(),
        reverse("budgets_paper", args=[demo["vote"].pk]),
        reverse("opendata_catalogue"),
        reverse("opendata_consultation", args=[consultation.pk]),
        reverse("opendata_call", args=[call.pk]),
        reverse("search") + "?q=t%C3%A9l%C3%A9travail",
        NewsIndexPage.objects.get().url,
        *[news.url for news in NewsPage.objects.live()],  # one with an image, one with an English passage
        ContactPage.objects.get().url,
        SitemapPage.objects.get().url,
        AccessibilityStatementPage.objects.get().url,
        AccessibilityStatementPage.objects.get().url + "report/",
        *[standard.url for standard in StandardPage.objects.live()],  # legal notice, help, privacy
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
    ]:
        visitor.visit(path)
    # The report form sent empty: its errors, linked to their fields (a 400 page).
    visitor.visit(AccessibilityStatementPage.objects.get().url + "report/")
    send_as_is(visitor.page, visitor.page.locator("main form button[type=submit]"))
    visitor.check("accessibility report: errors")
    visitor.visit("/no-such-page/", status=404)
    visitor.visit(reverse("search") + "?q=&territory=Atlantide", status=400)
    # The audit itself sees a fault when there is one (an image with no text alternative).
    visitor.page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert any(line.startswith("image-alt") for line in violations(visitor.page))

    person = UserFactory()
    member = Audit(new_page(), live_server.url)
    sign_in(member.page, live_server.url, person, consultation.url)
    member.check(consultation.url + " (signed in: questionnaire)")
    for path in [
        reverse("statement_create", args=[consultation.pk]),
        reverse("idea_create", args=[consultation.pk]),
        idea.get_absolute_url(),
        reverse("calls_project_create", args=[call.pk]),
        reverse("calls_projects_mine"),
        reverse("my_contributions"),
        demo["vote"].get_absolute_url(),
        reverse("account_profile"),
        reverse("account_api_tokens"),
        reverse("account_delete"),
        reverse("account_email"),
        reverse("account_change_password"),
    ]:
        member.visit(path)
    visitor.found.update(member.found)

    # An official reads the compiled report in the back office (the part of the page that is ours).
    official = Audit(
        admin_sign_in(
            new_page(), live_server.url, OfficialFactory(organisation=consultation.organisation).email
        ),
        live_server.url,
    )
    official.visit(reverse("feedback_report_detail", args=[consultation.pk]))
    # Paper questionnaires typed in by the official: the page of the consultation and one form.
    official.visit(reverse("consultations_paper_forms", args=[consultation.pk]))
    official.visit(reverse("consultations_paper_form_enter", args=[consultation.pk]))
    visitor.found.update(official.found)
    visitor.assert_clean()


def test_each_step_of_the_flows_has_no_violation(
    transactional_db, django_db_serialized_rollback, live_server, new_page
):
    consultation = consultation_create(title="Le télétravail après la crise")
    call = calls_call_create(title="Appel « Tiers-lieux »")
    lyon = territory("commune", "69123", "Lyon")
    budget = budget_call_create(organisation=Organisation.objects.create(name="Ville", slug="ville"))
    budget_project_create(budget, "Jardin partagé", "60000")
    budget_project_create(budget, "Skatepark", "50000")
    vote = vote_create(budget, method="approval", budget=Decimal("100000"))
    audit = Audit(new_page(), live_server.url)
    page = audit.page

    # Signing up: the form, refused when empty, then the "check your e-mail" page and the confirmation.
    audit.visit(reverse("account_signup"))
    send_as_is(page, page.get_by_role("button", name="Création de compte"))
    audit.check("sign-up: errors")
    page.get_by_label("E-mail").fill("camille@example.org")
    page.get_by_label("Pseudonyme").fill("Camille")
    page.get_by_label("Mot de passe :", exact=True).fill("un-mot-de-passe-solide-2026")
    page.get_by_label("Mot de passe (confirmation)").fill("un-mot-de-passe-solide-2026")
    page.get_by_role("button", name="Création de compte").click()
    page.get_by_role("heading", name="Vérifiez votre adresse e-mail").wait_for()
    audit.check("sign-up: check your e-mail")
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    audit.check("sign-up: confirm the address")
    page.get_by_role("button", name="Confirmer").click()
    page.get_by_text("Compte connecté : Camille").wait_for()
    audit.check("sign-up: signed in")

    # Answering a consultation: refused with nothing answered, then sent.
    audit.visit(consultation.url)
    send_as_is(page, page.get_by_role("button", name="Envoyer mes réponses"))
    audit.check("answering: errors")
    page.get_by_label("Deux ou plus").check()
    page.get_by_label("Que faudrait-il changer ?").fill("Des écrans et des horaires souples.")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.get_by_text("Merci, vos réponses sont enregistrées.").wait_for()
    audit.check("answering: sent")

    # Submitting a dossier: refused when empty, saved as a draft, then submitted (or told what is missing).
    audit.visit(call.url)
    audit.visit(reverse("calls_project_create", args=[call.pk]))
    send_as_is(page, page.locator("button[name=save]"))
    audit.check("dossier: errors")
    page.locator("input[name=title]").fill("Un tiers-lieu à Bourg")
    page.locator("textarea[name=summary]").fill("Un café associatif et un atelier.")
    page.locator("button[name=save]").click()
    page.locator("button[name=submit]").wait_for()
    audit.check("dossier: draft saved")
    send_as_is(page, page.locator("button[name=submit]"))
    audit.check("dossier: submitted or errors")

    # Voting in a participatory budget: refused without the voter's details, then counted.
    audit.visit(vote.get_absolute_url())
    send_as_is(page, page.get_by_role("button", name=re.compile("Send my ballot|Envoyer mon bulletin")))
    audit.check("voting: errors")
    page.get_by_label("Jardin partagé — 60 000 €").check()
    page.get_by_label(re.compile("Year of birth|Année de naissance")).fill("1990")
    page.get_by_label(re.compile("Commune of residence|Commune de résidence")).fill(lyon.code)
    page.get_by_role("button", name=re.compile("Send my ballot|Envoyer mon bulletin")).click()
    page.wait_for_url(f"{live_server.url}{vote.get_absolute_url()}")
    audit.check("voting: counted")
    assert BallotChoice.objects.count() == 1
    audit.assert_clean()


FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const visible = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
    || style.boxShadow !== "none";
  const label = element.labels && element.labels.length ? element.labels[0].innerText : "";
  return {
    tag: element.tagName.toLowerCase(), name: element.name || "", type: element.type || "",
    text: (element.innerText || element.value || "").trim().slice(0, 80), label: label.trim(),
    checked: !!element.checked, visible: visible, path: element.outerHTML.slice(0, 120),
  };
}"""


def tab_to(page, matches, *, limit: int = 80, key: str = "Tab") -> dict:
    """Press Tab until the focused element `matches`; each stop must show where the focus is."""
    previous = None
    for _ in range(limit):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED)
        assert focused["visible"], f"no visible focus on {focused['path']}"
        assert focused != previous, "the focus moved"
        if matches(focused):
            return focused
        previous = focused
    raise AssertionError(f"never reached by {key}: last focus on {previous}")


def test_signing_in_and_answering_with_the_keyboard_only(
    transactional_db, django_db_serialized_rollback, live_server, new_page
):
    consultation = consultation_create(title="Le télétravail après la crise")
    person = UserFactory()
    page = new_page()
    page.goto(f"{live_server.url}{reverse('account_login')}?next={consultation.url}")

    focused = tab_to(page, lambda f: True)
    assert focused["tag"] == "a", "the first stop is the skip link"
    tab_to(page, lambda f: f["name"] == "login")
    page.keyboard.type(person.email)
    tab_to(page, lambda f: f["name"] == "password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}{consultation.url}")

    # The single choice: Tab reaches the group, the arrow keys choose; then the open question.
    tab_to(page, lambda f: f["type"] == "radio")
    page.keyboard.press("ArrowDown")
    focused = page.evaluate(FOCUSED)
    page.keyboard.press("ArrowDown")
    focused = page.evaluate(FOCUSED)
    assert (focused["label"], focused["checked"]) == ("Deux ou plus", True)
    tab_to(page, lambda f: f["tag"] == "textarea")
    page.keyboard.type("Des écrans et des horaires souples.")
    # Shift+Tab goes back to the choice made, Tab returns.
    assert tab_to(page, lambda f: f["type"] == "radio", key="Shift+Tab")["label"] == "Deux ou plus"
    tab_to(page, lambda f: f["tag"] == "textarea")
    tab_to(page, lambda f: f["text"] == "Envoyer mes réponses")
    page.keyboard.press("Enter")
    page.get_by_text("Merci, vos réponses sont enregistrées.").wait_for()
    assert Response.objects.get().status == Response.Status.SUBMITTED
