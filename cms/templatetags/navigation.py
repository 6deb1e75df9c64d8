"""The site's main navigation and account menu (config/templates/base.html): the sections with the one
the person is in marked `aria-current="page"`, and the account links for who is signed in."""

from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from calls.models import CallPage
from cms.models import OutcomePage
from consultations.models import ConsultationPage

register = template.Library()

# Each section: its key, its name, its address (whose path is also its prefix), the Wagtail page type
# that belongs to it (those pages are served at their own paths), and the search's kind that lists it.
SECTIONS = [
    ("consultations", _("Consultations"), "consultation_index", ConsultationPage, "consultation"),
    ("calls", _("Calls for projects"), "call_index", CallPage, "call"),
    ("votes", _("Citizen votes"), "budgets_votes_list", None, None),
    ("initiatives", _("Initiatives"), "commons_initiative_list", None, None),
    ("outcomes", _("Outcomes"), "outcome_index", OutcomePage, "outcome"),
]

# Addresses inside a section's prefix that are the person's own (the account menu), not the section.
ACCOUNT_URLS = ["my_contributions", "calls_projects_mine", "calls_evaluations"]

# The sign-in's own pages (allauth's, config/urls.py): signing in from them comes back to the home page.
ALLAUTH_PREFIX = "/accounts/"


def current_section(request, page=None) -> str:
    """The key of the section the page belongs to ("search" for the search), or ""."""
    if page is not None:
        specific = getattr(page, "specific_class", None) or type(page)
        for key, _label, _url, page_type, _kind in SECTIONS:
            if page_type is not None and issubclass(specific, page_type):
                return key
    if request is None:
        return ""
    path = request.path
    if any(path.startswith(reverse(name)) for name in ACCOUNT_URLS):
        return ""
    if path.startswith(reverse("search")):
        # The sections' addresses show the search's list of their kind (search/urls.py).
        kind = request.GET.get("kind", "")
        return next((key for key, *_rest, listed in SECTIONS if kind and kind == listed), "search")
    for key, _label, url, _page_type, _kind in SECTIONS:
        if path.startswith(reverse(url)):
            return key
    return ""


@register.simple_tag(takes_context=True)
def nav_sections(context) -> dict:
    """The main navigation: `sections` (key, label, url, current) and whether the search is current."""
    current = current_section(context.get("request"), context.get("page"))
    sections = [
        {"key": key, "label": label, "url": reverse(url), "current": key == current}
        for key, label, url, _page_type, _kind in SECTIONS
    ]
    return {"sections": sections, "search_current": current == "search"}


@register.simple_tag(takes_context=True)
def account_links(context) -> list[dict]:
    """The account menu of the person signed in: label, url, current (this very page)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    contributions = reverse("my_contributions")
    links = [
        (_("My contributions"), contributions),
        (_("My dossiers"), reverse("calls_projects_mine")),
    ]
    if getattr(user, "has_evaluations", False):
        links.append((_("My evaluations"), reverse("calls_evaluations")))
    links += [
        # Ballots are listed with the rest of what the person gave (consultations/my_contributions.html).
        (_("My votes"), contributions + "#ballots-title"),
        (_("My data"), reverse("account_profile") + "#privacy-title"),
        (_("My account"), reverse("account_profile")),
    ]
    return [{"label": label, "url": url, "current": url == request.path} for label, url in links]


@register.simple_tag(takes_context=True)
def login_url(context) -> str:
    """Sign in, coming back to this page afterwards (not to a page of the sign-in itself)."""
    url = reverse("account_login")
    request = context.get("request")
    if request is None or request.path.startswith(ALLAUTH_PREFIX):
        return url
    return f"{url}?next={quote(request.get_full_path(), safe='')}"
