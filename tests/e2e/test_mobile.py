"""Mobile first: at 390 px (a phone held upright), no page scrolls sideways, signed out or signed in, and
axe-core finds no WCAG 2.1 A/AA violation.

One browser per test, one context per person, every page type visited in a loop: a failure names the
page, how many pixels too wide it is and the elements that stick out (with whether they sit in the
header, the footer or the page's own content, to tell whose template it is)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from calls.models import Assignment, CallPage, Project
from cms.models import (
    AccessibilityStatementPage,
    ContactPage,
    NewsIndexPage,
    NewsPage,
    OutcomePage,
    SitemapPage,
    StandardPage,
)
from consultations.models import ConsultationPage, Idea, OrganisationIndexPage, Statement
from consultations.services.comments import comment_post
from opendata.services import opendataset_build
from tests.budgets.conftest import call_create as budget_call_create
from tests.budgets.conftest import project_create as budget_project_create
from tests.budgets.conftest import vote_create
from tests.calls.conftest import project_create as dossier_create
from tests.commons.conftest import initiative_create, territory
from tests.e2e.test_accessibility import send_as_is, violations
from tests.factories import (
    PASSWORD,
    OfficialFactory,
    UserFactory,
    consultation_create,
    outcome_create,
    totp_code,
)

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}

# What sticks out of the window when the page is wider than it: the elements whose right edge passes
# the window's while their parent's does not (the culprits, not every ancestor that grew with them),
# ignoring what a scrolling or clipping box contains. Each with a short CSS path and its region.
OVERFLOW = """() => {
  const limit = window.innerWidth;
  const width = document.documentElement.scrollWidth;
  if (width <= limit) return null;
  const clipped = (element) => {
    for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== "visible") return true;
    }
    return false;
  };
  const name = (element) => {
    let text = element.tagName.toLowerCase();
    if (element.id) return text + "#" + element.id;
    const classes = [...element.classList].slice(0, 2);
    if (classes.length) text += "." + classes.join(".");
    return text;
  };
  const path = (element) => {
    const parts = [];
    for (let node = element; node && node !== document.body && parts.length < 4; node = node.parentElement) {
      parts.unshift(name(node));
      if (node.id) break;
    }
    return parts.join(" > ");
  };
  const region = (element) => {
    const landmark = element.closest("header, footer, main, nav");
    if (!landmark) return "outside the landmarks";
    if (landmark.closest("body > header, body > div > header")) return "header";
    if (landmark.closest("footer") && !landmark.closest("main")) return "footer";
    return element.closest("main") ? "main" : landmark.tagName.toLowerCase();
  };
  // How far right the element reaches: its box, or the content that overflows it (a long word).
  const reach = (element) => {
    const box = element.getBoundingClientRect();
    return Math.max(box.right, box.left + element.scrollWidth);
  };
  const culprits = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || reach(element) <= limit + 0.5 || clipped(element)) continue;
    if (box.right > limit + 0.5) {
      // A box wider than the window: reported unless its parent's box is too (then the parent is).
      if (element.parentElement.getBoundingClientRect().right > limit + 0.5) continue;
    } else if ([...element.children].some((child) => reach(child) > limit + 0.5)) {
      continue;  // the content that overflows is a child's: the child is reported
    }
    culprits.push({selector: path(element), right: Math.round(reach(element)), region: region(element)});
  }
  culprits.sort((a, b) => b.right - a.right);
  return {width: width, limit: limit, culprits: culprits.slice(0, 3)};
}"""


class PhoneSweep:
    """Visits pages at 390 px and collects, per page, how it overflows and axe-core's violations."""

    def __init__(self, page, base_url: str, who: str):
        self.page, self.base_url, self.who = page, base_url, who
        self.overflows, self.axe = {}, {}
        page.set_viewport_size(PHONE)

    def visit(self, label: str, path: str, *, status: int = 200, axe: bool = True):
        response = self.page.goto(self.base_url + path)
        assert response.status == status, f"{label} ({path}): {response.status}, not {status}"
        self.check(label, axe=axe)

    def check(self, label: str, *, axe: bool = True):
        self.page.wait_for_load_state("load")
        label = f"{label} [{self.who}]"
        if found := self.page.evaluate(OVERFLOW):
            culprits = "; ".join(
                f"{culprit['selector']} (in {culprit['region']}, right edge at {culprit['right']} px)"
                for culprit in found["culprits"]
            )
            self.overflows[label] = (
                f"{found['width']} px wide, {found['width'] - found['limit']} px too wide at "
                f"{self.page.url.removeprefix(self.base_url)}: {culprits or 'no single element found'}"
            )
        if axe and (lines := violations(self.page)):
            self.axe[label] = lines


def assert_fits(*sweeps: PhoneSweep):
    """Every page fits in 390 px and passes axe-core; the message lists every page that does not."""
    overflows = {label: text for sweep in sweeps for label, text in sweep.overflows.items()}
    axe = {label: lines for sweep in sweeps for label, lines in sweep.axe.items()}
    report = ""
    if overflows:
        report += f"{len(overflows)} pages scroll sideways at 390 px:\n" + "\n".join(
            f"  {label}: {text}" for label, text in overflows.items()
        )
    if axe:
        report += "\naxe-core violations at 390 px:\n" + "\n".join(
            f"  {label}:\n    " + "\n    ".join(lines) for label, lines in axe.items()
        )
    assert not report, report


def sign_in(sweep: PhoneSweep, user, next_url: str):
    """Sign in through the form, as a phone user does, checking the sign-in page on the way."""
    page = sweep.page
    sweep.visit("sign in (with next)", f"{reverse('account_login')}?next={next_url}", axe=False)
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{sweep.base_url}{next_url}")


@pytest.fixture
def site(transactional_db, django_db_serialized_rollback):
    """The French demo's content (an open consultation with statements, ideas, comments and an outcome
    page with report blocks; a call with dossiers; the site's pages and news), and from the factories:
    a closed consultation with its outcome, a budget vote open and one counted, an initiative of the
    commons, and the people of the signed-in pages with their own contributions, dossiers and
    evaluations."""
    call_command("demo_load", verbosity=0)
    consultation = ConsultationPage.objects.live().filter(statements_enabled=True, ideas_enabled=True).first()
    idea = Idea.objects.filter(consultation=consultation).first()
    statement = Statement.objects.filter(consultation=consultation).first()
    call = CallPage.objects.live().filter(public_vote__isnull=True).first()
    opendataset_build(kind="call", pk=call.pk)

    closed = consultation_create(
        title="Réaménagement de la place de la Mairie et des rues piétonnes du centre-ville historique",
        opens_in=timedelta(days=-40),
        closes_in=timedelta(days=-2),
    )
    outcome_create(closed, title="Place de la Mairie : ce que vous nous avez dit et ce que nous décidons")

    lyon = territory("commune", "69123", "Lyon")
    organisation = Organisation.objects.create(name="Ville de Lyon", slug="ville-de-lyon")
    budget = budget_call_create(
        organisation=organisation, title="Budget participatif 2026 de la Ville de Lyon"
    )
    budget_project_create(budget, "Jardin partagé et composteur collectif du quartier", "60000")
    budget_project_create(budget, "Boîte à livres", "30000")
    vote = vote_create(budget, method="approval", budget=Decimal("100000"))
    CallPage.objects.filter(pk=budget.pk).update(laureates_published_at=timezone.now())
    counted_call = budget_call_create(organisation=organisation, title="Budget participatif 2025")
    budget_project_create(counted_call, "Skatepark", "50000")
    counted = vote_create(counted_call, phase="closed", method="approval", budget=Decimal("100000"))
    graded_call = budget_call_create(organisation=organisation, title="Budget participatif des collégiens")
    budget_project_create(graded_call, "Un préau couvert pour la cour du collège Jean-Moulin", "45000")
    budget_project_create(graded_call, "Des casiers", "8000")
    graded = vote_create(graded_call, method="majority_judgment")
    initiative = initiative_create(
        organisation=organisation,
        territory=lyon,
        title="Repair café municipal et atelier vélo solidaire",
        themes=["réparation", "mobilité"],
    )

    participant = UserFactory(pseudonym="Camille")
    comment = comment_post(target=idea, author=participant, text="Oui, à la gare d’abord.", stance="for")
    applicant = UserFactory(pseudonym="Association Les Tiers-Lieux de Bourg")
    draft = dossier_create(call, applicant, title="Un tiers-lieu à Bourg-en-Bresse")
    submitted = dossier_create(
        call, applicant, status=Project.Status.SUBMITTED, title="Un atelier partagé à Oyonnax"
    )
    evaluator = UserFactory(pseudonym="Dominique")
    assignment = Assignment.objects.create(project=submitted, evaluator=evaluator)
    official = OfficialFactory(organisation=consultation.organisation)
    return {
        "consultation": consultation,
        "idea": idea,
        "statement": statement,
        "comment": comment,
        "closed": closed,
        "call": call,
        "budget": budget,
        "vote": vote,
        "counted": counted,
        "graded": graded,
        "initiative": initiative,
        "participant": participant,
        "applicant": applicant,
        "draft": draft,
        "submitted": submitted,
        "evaluator": evaluator,
        "assignment": assignment,
        "official": official,
    }


def public_pages(site) -> list[tuple[str, str]]:
    """(label, path) of every public page type."""
    consultation, call = site["consultation"], site["call"]
    accessibility = AccessibilityStatementPage.objects.live().first()
    news_index = NewsIndexPage.objects.live().first()
    return [
        ("home", "/"),
        ("consultation page (open)", consultation.url),
        ("consultation page (closed, with its outcome)", site["closed"].url),
        ("statements list", reverse("statement_list", args=[consultation.pk])),
        ("statements deck", reverse("statement_deck", args=[consultation.pk])),
        ("statement detail", site["statement"].get_absolute_url()),
        ("ideas list", reverse("idea_list", args=[consultation.pk])),
        ("idea detail", site["idea"].get_absolute_url()),
        ("organisation index", OrganisationIndexPage.objects.live().first().url),
        ("call page", call.url),
        ("laureates", reverse("calls_laureates", args=[site["budget"].pk])),
        ("budget votes list", reverse("budgets_votes_list")),
        ("vote page", site["vote"].get_absolute_url()),
        ("vote results", reverse("budgets_results", args=[site["counted"].pk])),
        ("paper ballot", reverse("budgets_paper", args=[site["vote"].pk])),
        ("commons list", reverse("commons_initiative_list")),
        ("commons initiative", site["initiative"].get_absolute_url()),
        (
            "outcome page with report blocks",
            OutcomePage.objects.live().filter(report_version__isnull=False).first().url,
        ),
        ("news index", news_index.url),
        ("news page", NewsPage.objects.live().child_of(news_index).first().url),
        ("standard page", StandardPage.objects.live().first().url),
        ("contact", ContactPage.objects.live().first().url),
        ("sitemap", SitemapPage.objects.live().first().url),
        ("accessibility statement", accessibility.url),
        ("accessibility report form", accessibility.url + "report/"),
        ("search results", reverse("search") + "?q=t%C3%A9l%C3%A9travail"),
        ("open data catalogue", reverse("opendata_catalogue")),
        ("open data: a consultation", reverse("opendata_consultation", args=[consultation.pk])),
        ("open data: a call", reverse("opendata_call", args=[call.pk])),
        ("consultations section", reverse("consultation_index")),
        ("calls section", reverse("call_index")),
        ("outcomes section", reverse("outcome_index")),
        ("404", "/no-such-page/"),
    ]


STATUS = {"404": 404}


def test_public_pages_fit_a_phone_signed_out(site, live_server, new_page):
    sweep = PhoneSweep(new_page(), live_server.url, "signed out")
    for label, path in public_pages(site):
        sweep.visit(label, path, status=STATUS.get(label, 200))
    sweep.visit("sign in", reverse("account_login"))
    sweep.visit("sign up", reverse("account_signup"))
    send_as_is(sweep.page, sweep.page.locator("main form button[type=submit]"))
    sweep.check("sign up: errors")
    sweep.visit("password reset", reverse("account_reset_password"))
    send_as_is(sweep.page, sweep.page.locator("main form button[type=submit]"))
    sweep.check("password reset: errors")
    sweep.visit("search refused", reverse("search") + "?q=&territory=Atlantide", status=400)
    # The check sees an overflow when there is one, and names what sticks out.
    sweep.page.evaluate(
        "(() => { const wide = Object.assign(document.createElement('div'), {className: 'too-wide'});"
        " wide.style.width = '800px'; wide.style.height = '1px';"
        " document.querySelector('main').append(wide); })()"
    )
    assert "div.too-wide" in sweep.page.evaluate(OVERFLOW)["culprits"][0]["selector"]
    assert_fits(sweep)


def test_signed_in_pages_fit_a_phone(site, live_server, new_page):
    consultation, call = site["consultation"], site["call"]

    # A participant: every public page again (the header differs), then their own pages and forms.
    member = PhoneSweep(new_page(), live_server.url, "participant")
    sign_in(member, site["participant"], consultation.url)
    member.check("questionnaire")
    send_as_is(member.page, member.page.get_by_role("button", name="Envoyer mes réponses"))
    member.check("questionnaire with errors")
    for label, path in public_pages(site):
        if label != "paper ballot":  # for the organisation's agents and visitors who print it
            member.visit(label, path, status=STATUS.get(label, 200), axe=False)
    for label, path in [
        ("statement form", reverse("statement_create", args=[consultation.pk])),
        ("idea form", reverse("idea_create", args=[consultation.pk])),
        ("comment edit", reverse("comment_edit", args=[consultation.pk, site["comment"].pk])),
        (
            "report form",
            reverse("contribution_report", args=[consultation.pk, "statement", site["statement"].pk]),
        ),
        ("my contributions", reverse("my_contributions")),
        ("dossier form", reverse("calls_project_create", args=[call.pk])),
        ("my dossiers (none)", reverse("calls_projects_mine")),
        ("vote page: the ballot", site["vote"].get_absolute_url()),
        ("vote page: majority judgment", site["graded"].get_absolute_url()),
        ("profile", reverse("account_profile")),
        ("api tokens", reverse("account_api_tokens")),
        ("account delete", reverse("account_delete")),
        ("e-mail addresses", reverse("account_email")),
        ("password change", reverse("account_change_password")),
        ("evaluations (none)", reverse("calls_evaluations")),
    ]:
        member.visit(label, path)
    member.visit("vote page: errors", site["vote"].get_absolute_url(), axe=False)
    send_as_is(member.page, member.page.locator("main form button[type=submit]"))
    member.check("vote page: errors")
    member.visit("dossier form: errors", reverse("calls_project_create", args=[call.pk]), axe=False)
    send_as_is(member.page, member.page.locator("button[name=save]"))
    member.check("dossier form: errors")
    member.visit("403", reverse("calls_evaluation", args=[site["assignment"].pk]), status=403)

    # An applicant: the dossier form with their draft, the dossier, its receipt, their dossiers.
    applicant = PhoneSweep(new_page(), live_server.url, "applicant")
    sign_in(applicant, site["applicant"], reverse("calls_projects_mine"))
    applicant.check("my dossiers")
    for label, path in [
        ("dossier detail (draft)", reverse("calls_project", args=[site["draft"].pk])),
        ("dossier detail (submitted)", reverse("calls_project", args=[site["submitted"].pk])),
        ("dossier receipt", reverse("calls_project_receipt", args=[site["submitted"].pk])),
    ]:
        applicant.visit(label, path)

    # An evaluator: their list, then one evaluation (declaration, then the grid).
    evaluator = PhoneSweep(new_page(), live_server.url, "evaluator")
    sign_in(evaluator, site["evaluator"], reverse("calls_evaluations"))
    evaluator.check("evaluations list")
    evaluator.visit("evaluation", reverse("calls_evaluation", args=[site["assignment"].pk]))
    Assignment.objects.filter(pk=site["assignment"].pk).update(has_conflict=False, declared_at=timezone.now())
    evaluator.visit("evaluation: the grid", reverse("calls_evaluation", args=[site["assignment"].pk]))

    # An official: the two-factor step, then the compiled report (the part of the page that is ours).
    official = PhoneSweep(new_page(), live_server.url, "official")
    page = official.page
    page.goto(live_server.url + "/admin/")
    page.get_by_label("E-mail").fill(site["official"].email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_label("Code").wait_for()
    official.check("two-factor code")
    page.get_by_label("Code").fill(totp_code())
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/$"))
    official.visit("report page (staff)", reverse("feedback_report_detail", args=[consultation.pk]))
    assert_fits(member, applicant, evaluator, official)
