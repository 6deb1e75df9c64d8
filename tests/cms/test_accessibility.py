"""The accessibility statement, the status every page shows, and the RGAA basics of the templates."""

import re
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.admin.userbar import ContentCheckerItem
from wagtail.models import PageViewRestriction

from cms.cards import HOME_OPEN
from cms.models import (
    AccessibilityStatus,
    NewsPage,
    SiteSettings,
    StandardPage,
    accessibility_status,
)
from cms.wagtail_hooks import RgaaContentCheckerItem, use_rgaa_content_checker
from tests.calls.conftest import call_create
from tests.cms.conftest import page_add
from tests.factories import consultation_create, outcome_create

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent


def audit(statement, *, rate, when=None, auditor="Audit & Co"):
    statement.audit_date = when or date(2026, 10, 1)
    statement.audit_rate = Decimal(rate)
    statement.auditor = auditor
    statement.save_revision().publish()


@pytest.mark.parametrize(
    ("audit_date", "rate", "status"),
    [
        (None, None, AccessibilityStatus.NONE),
        (None, Decimal(100), AccessibilityStatus.NONE),  # a rate without an audit date is no audit
        (date(2026, 1, 1), Decimal("49.99"), AccessibilityStatus.NONE),
        (date(2026, 1, 1), Decimal(50), AccessibilityStatus.PARTIAL),
        (date(2026, 1, 1), Decimal("99.9"), AccessibilityStatus.PARTIAL),
        (date(2026, 1, 1), Decimal(100), AccessibilityStatus.FULL),
    ],
)
def test_the_status_follows_the_rgaa_thresholds(audit_date, rate, status):
    assert accessibility_status(audit_date=audit_date, audit_rate=rate) == status


def test_every_page_links_to_the_statement_with_not_compliant_until_an_audit_is_entered(
    en, site_pages, consultation
):
    for url in ("/", site_pages["contact"].url, consultation.url, "/page-inconnue/"):
        body = en.get(url).content.decode()
        assert '<a href="/accessibilite/">Accessibility: not compliant' in body, url


def test_without_a_statement_page_the_footer_still_says_not_compliant(client, home):
    body = client.get("/").content.decode()
    assert "Accessibilité\xa0: non conforme" in body


@pytest.mark.parametrize(
    ("rate", "footer", "sentence"),
    [
        ("30", "Accessibility: not compliant<", "is not compliant with"),
        ("72.5", "Accessibility: partially compliant", "is partially compliant with"),
        ("100", "Accessibility: fully compliant", "is fully compliant with"),
    ],
)
def test_an_audit_result_sets_the_status_of_the_footer_and_the_statement(
    en, statement, rate, footer, sentence
):
    audit(statement, rate=rate)
    home = en.get("/").content.decode()
    assert footer in home
    page = en.get("/accessibilite/").content.decode()
    assert f"le site de participation de la Ville d’Exemple {sentence}" in page.replace("&#x27;", "’")
    assert "version 4.1.2" in page
    assert "Audit &amp; Co" in page
    shown = {"30": "30", "72.5": "72.50", "100": "100"}[rate]
    assert f"{shown} % of the RGAA criteria are met" in page


def test_the_statement_follows_the_official_layout(en, statement):
    page = en.get("/accessibilite/").content.decode()
    headings = re.findall(r"<h([23])>([^<]+)</h\1>", page)
    assert [text for _, text in headings] == [
        "Compliance status",
        "Test results",
        "Non-accessible content",
        "Non-compliance",
        "Derogations for disproportionate burden",
        "Content not subject to the accessibility obligation",
        "Establishment of this accessibility statement",
        "Technologies used to build the site",
        "Test environment",
        "Tools used for the evaluation",
        "Pages of the site checked for compliance",
        "Feedback and contact",
        "Means of redress",
    ]
    assert "article 47 of law no. 2005-102 of 11 February 2005" in page
    assert "No compliance audit has been carried out yet." in page
    # The three ways to reach the Défenseur des droits.
    assert "https://www.defenseurdesdroits.fr/nous-contacter-355" in page
    assert "https://www.defenseurdesdroits.fr/carte-des-delegues" in page
    assert "Libre réponse 71120<br>75342 Paris CEDEX 07" in page
    assert 'href="/accessibilite/report/"' in page, "the report form is linked from the statement"
    assert "This statement was established on" in page, "always dated (the day it is created by default)"
    assert "Multi-year accessibility plan: not yet published." in page, "a missing plan is said, not hidden"
    assert "Action plan of the current year: not yet published." in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"audit_rate": Decimal(80)}, "audit_date"),
        ({"audit_date": date(2026, 1, 1), "auditor": "Interne"}, "audit_rate"),
        ({"audit_date": date(2026, 1, 1), "audit_rate": Decimal(80)}, "auditor"),
        (
            {"audit_date": date.today() + timedelta(days=30), "audit_rate": Decimal(80), "auditor": "X"},
            "audit_date",
        ),
        ({"audit_date": date(2026, 1, 1), "audit_rate": Decimal(120), "auditor": "X"}, "audit_rate"),
    ],
)
def test_an_incomplete_or_impossible_audit_is_refused(statement, changes, field):
    for name, value in changes.items():
        setattr(statement, name, value)
    with pytest.raises(ValidationError) as refused:
        statement.full_clean()
    assert field in refused.value.message_dict


class Focusables(HTMLParser):
    """The focusable elements of a page, in document order (what Tab walks through)."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if attributes.get("tabindex") == "-1" or "disabled" in attributes:
            return
        if (
            (tag == "a" and "href" in attributes)
            or tag in {"button", "select", "textarea"}
            or (tag == "input" and attributes.get("type") != "hidden")
            or "tabindex" in attributes
        ):
            self.found.append((tag, attributes))


@pytest.mark.parametrize("name", ["home", "statement", "contact", "sitemap", "news", "legal", "report"])
def test_the_skip_link_is_the_first_thing_the_keyboard_reaches(client, site_pages, name):
    url = "/" if name == "home" else "/accessibilite/report/" if name == "report" else site_pages[name].url
    parser = Focusables()
    parser.feed(client.get(url).content.decode())
    tag, attributes = parser.found[0]
    assert (tag, attributes.get("href"), attributes.get("class")) == ("a", "#main", "skip-link")
    assert "main" in parser.ids, "the skip link leads somewhere"


def test_passages_in_another_language_carry_their_lang(client, site_pages):
    news = page_add(
        site_pages["news"],
        NewsPage,
        title="Ouverture",
        introduction="La consultation est ouverte.",
        body=[
            {"type": "other_language", "value": {"language": "en", "text": "<p>Open to everyone.</p>"}},
        ],
    )
    body = client.get(news.url).content.decode()
    assert '<html lang="fr">' in body
    assert '<div lang="en"><p>Open to everyone.</p></div>' in body


def test_the_home_page_costs_the_same_queries_with_more_calls_outcomes_and_site_pages(
    client, home, site_pages, organisation
):
    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/").status_code == 200
        return len(context)

    consultation = consultation_create(organisation=organisation, title="Première")
    outcome_create(consultation, title="Bilan 0")
    call_create(organisation=organisation, title="Appel 0")
    queries()  # the first request also fills the site's caches
    one = queries()
    for index in range(4):
        other = consultation_create(organisation=organisation, title=f"Autre {index}")
        outcome_create(other, title=f"Bilan {index + 1}")
        call_create(organisation=organisation, title=f"Appel {index + 1}")
        page_add(home, StandardPage, title=f"Page {index}", slug=f"page-{index}", body="<p>x</p>")
    audit(site_pages["statement"], rate="60")
    assert queries() == one


def test_the_home_page_lists_a_screenful_and_links_to_the_rest(client, site_pages, organisation):
    for index in range(HOME_OPEN):
        consultation_create(organisation=organisation, title=f"Consultation {index:02}")
    body = client.get("/").content.decode()
    assert f"Consultation {HOME_OPEN - 1:02}" in body
    consultation_create(organisation=organisation, title="Consultation tardive", closes_in=timedelta(days=60))
    body = client.get("/").content.decode()
    assert "Consultation tardive" not in body, "the one closing last waits on the full list"
    assert f'href="{reverse("consultation_index")}?status=open"' in body
    listed = client.get(reverse("consultation_index"), {"status": "open"}).content.decode()
    assert "Consultation tardive" in listed


def test_restricted_pages_stay_off_the_home_page(client, site_pages, organisation):
    consultation = consultation_create(organisation=organisation, title="Consultation interne")
    outcome = outcome_create(
        consultation_create(organisation=organisation, title="Publique"), title="Bilan réservé"
    )
    for page in (consultation, outcome):
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    body = client.get("/").content.decode()
    assert "Consultation interne" not in body
    assert "Bilan réservé" not in body
    assert "Publique" in body


def test_the_editors_checker_runs_the_rgaa_rules():
    items = [ContentCheckerItem(in_editor=True)]
    use_rgaa_content_checker(None, items, None)
    checker = items[0]
    assert isinstance(checker, RgaaContentCheckerItem)
    assert checker.in_editor
    rules = checker.get_axe_configuration(None)["options"]["runOnly"]
    assert {"image-alt", "color-contrast", "valid-lang", "link-name", "heading-order"} <= set(rules)


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_default_theme_meets_the_contrast_ratios():
    theme = (ROOT / "config" / "static" / "css" / "theme.css").read_text()
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", theme))
    for text in ("ink", "muted", "accent", "accent-dark", "ok", "error"):
        for background in ("paper", "tint"):
            assert contrast(colours[text], colours[background]) >= 4.5, (text, background)
    assert contrast("#ffffff", colours["accent"]) >= 4.5, "button text"
    assert contrast(colours["line"], colours["paper"]) >= 3, "field borders"
    assert contrast(colours["focus-ring"], colours["paper"]) >= 3, "focus outline"
    css = (ROOT / "config" / "static" / "css" / "concerto.css").read_text()
    assert ":focus-visible { outline: 3px solid var(--focus-ring)" in css
    assert "outline: none" not in css
    assert "outline: 0" not in css


def test_the_default_theme_badges_notices_and_footer_meet_the_ratios():
    """The newer properties too: each status badge's text on its own tint (white on the accent for an
    outcome), text on the notices' tints, the footer's text and the focus halo on its dark ground."""
    theme = (ROOT / "config" / "static" / "css" / "theme.css").read_text()
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", theme))
    for status in ("open", "upcoming", "closed", "analysed"):
        assert contrast(colours[f"status-{status}"], colours[f"status-{status}-tint"]) >= 4.5, status
        assert contrast(colours[f"status-{status}"], colours["paper"]) >= 3, f"{status}: its border"
    for tint in ("accent-tint", "ok-tint", "warning-tint", "error-tint"):
        assert contrast(colours["ink"], colours[tint]) >= 4.5, tint
    assert contrast(colours["accent"], colours["accent-tint"]) >= 4.5, "links in a notice"
    for text in ("footer-ink", "footer-muted", "focus"):
        assert contrast(colours[text], colours["footer-bg"]) >= 4.5, text


def test_the_theme_stylesheet_can_be_replaced(client, settings, home):
    assert 'href="/static/css/theme.css"' in client.get("/").content.decode()
    settings.CONCERTO_THEME_CSS = "https://static.ville.example/concerto-theme.css"
    assert 'href="https://static.ville.example/concerto-theme.css"' in client.get("/").content.decode()


def test_editors_create_the_statement_and_an_incomplete_audit_is_refused(client, editor, home):
    from django.urls import reverse
    from wagtail.test.utils.form_data import nested_form_data, rich_text

    from cms.models import AccessibilityStatementPage

    client.force_login(editor)
    url = reverse("wagtailadmin_pages:add", args=["cms", "accessibilitystatementpage", home.pk])
    assert client.get(url).status_code == 200
    fields = {
        "title": "Accessibilité",
        "slug": "accessibilite",
        "organisation_name": "Ville d’Exemple",
        "service_name": "le site de participation",
        "rgaa_version": "4.1.2",
        "technologies": "HTML5, CSS",
        "test_environment": "Firefox et NVDA",
        "audit_rate": "80",
        "action-publish": "publish",
        **{name: rich_text("") for name in ("sample_pages", "non_conformities", "derogations", "exemptions")},
        "contact_details": rich_text(""),
    }
    refused = client.post(url, nested_form_data(fields))
    assert "audit_date" in refused.context["form"].errors
    assert not AccessibilityStatementPage.objects.exists()
    fields.update(audit_date="2026-10-01", auditor="En interne", established_on="2099-01-01")
    refused = client.post(url, nested_form_data(fields))
    assert "established_on" in refused.context["form"].errors, "not established in the future"
    fields.update(established_on="2026-10-15", updated_on="2026-10-02")
    refused = client.post(url, nested_form_data(fields))
    assert "updated_on" in refused.context["form"].errors, "not updated before it was established"
    fields.update(updated_on="2026-10-20")
    assert client.post(url, nested_form_data(fields)).status_code == 302
    assert AccessibilityStatementPage.objects.get().status == AccessibilityStatus.PARTIAL
    again = reverse("wagtailadmin_pages:add", args=["cms", "accessibilitystatementpage", home.pk])
    assert client.get(again).status_code in (302, 403), "one statement per site"


def test_the_footer_is_kept_for_every_visitor_until_a_page_or_the_settings_change(
    en, client, site_pages, django_capture_on_commit_callbacks
):
    """Read once, then from the cache (no footer query); a publication, an unpublication, a change of
    the settings or a deletion shows at the next request."""
    en.get("/")
    with CaptureQueriesContext(connection) as queries:
        body = en.get("/").content.decode()
    assert "Accessibility: not compliant (no audit" in body
    assert not [query for query in queries if "cms_accessibilitystatementpage" in query["sql"]]

    with django_capture_on_commit_callbacks(execute=True):
        audit(site_pages["statement"], rate="72.5")
    assert "Accessibility: partially compliant" in en.get("/").content.decode()

    assert '<a href="/aide/">Help</a>' in en.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        site_pages["help"].unpublish()
    assert '<a href="/aide/">Help</a>' not in en.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        site_settings = SiteSettings.for_site(site_pages["legal"].get_site())
        site_settings.legal_notice_page = None
        site_settings.save()
    assert "Legal notice" not in en.get("/").content.decode()

    assert "Site map" in en.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        site_pages["sitemap"].delete()
    assert "Site map" not in en.get("/").content.decode()
