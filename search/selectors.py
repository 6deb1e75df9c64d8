"""The site search: public pages, consultations, calls, ideas, laureate projects and initiatives.

Each kind is searched through Wagtail's search backend (PostgreSQL full-text search with French
stemming, SQLite FTS5 on the embedded default), always within an ORM queryset of what is public and
matches the filters, so nothing private can come out even if the index still held it.
"""

import re
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from accounts.models import Territory
from calls.models import CallPage, Project
from cms.models import NewsPage, OutcomePage, StandardPage
from commons.models import Initiative, InitiativeTheme
from commons.selectors import within
from consultations.models import ConsultationPage, Idea
from core.typography import written_date
from core.windows import Phase, in_phase

# The best results of each kind that are merged by relevance; more is a sign the words are too vague.
RESULTS_PER_KIND = 100

KIND_LABELS = {
    "consultation": _("Consultation"),
    "call": _("Call for projects"),
    "idea": _("Idea"),
    "project": _("Selected project"),
    "initiative": _("Initiative of the commons"),
    "outcome": _("Outcome page"),
    "news": _("News"),
    "page": _("Page"),
}
OPEN, CLOSED = "open", "closed"
STATUS_LABELS = {
    OPEN: _("Open (consultations and calls)"),
    CLOSED: _("Closed (consultations and calls)"),
    # Lazy both ways: the labels follow the language of each request, not the one at import time.
    **{
        f"idea-{value}": format_lazy(_("Idea: {status}"), status=label)
        for value, label in Idea.Status.choices
    },
}


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    text: str
    meta: str
    score: float

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]


def search_themes() -> list[str]:
    """The themes one can filter by: those of published ideas and initiatives (dossier tags are
    officials' internal labels, never shown)."""
    private = Page.objects.private_q()
    ideas = Idea.objects.filter(_public_ideas(private)).exclude(theme="")
    idea_themes = ideas.values_list("theme", flat=True)
    initiative_themes = Tag.objects.filter(
        pk__in=InitiativeTheme.objects.filter(content_object__published=True).values("tag_id")
    ).values_list("name", flat=True)
    return sorted({*idea_themes, *initiative_themes}, key=str.casefold)


def _public_pages(model, private: Q):
    """Live pages outside any section with a view restriction (`private` is read once per search:
    `PageQuerySet.public()` would read the restrictions again for each kind)."""
    return model.objects.live().exclude(private)


def _public_ideas(private: Q) -> Q:
    return Q(
        moderation_status="published",
        merged_into=None,
        consultation__in=_public_pages(ConsultationPage, private).values("pk"),
    )


def _calendar(status: str, now) -> Q:
    return in_phase(Phase.OPEN if status == OPEN else Phase.CLOSED, now)


def _querysets(*, kind: str, area: Territory | None, theme: str, status: str):
    """For each kind the filters allow, the public rows matching them (an ORM queryset)."""
    now = timezone.now()
    private = Page.objects.private_q()
    idea_status = status.removeprefix("idea-") if status.startswith("idea-") else ""
    calendar_status = status if status in (OPEN, CLOSED) else ""
    wanted = {}

    if not theme and not idea_status:
        consultations = _public_pages(ConsultationPage, private)
        calls = _public_pages(CallPage, private)
        if area:
            consultations = consultations.filter(within(area, "audience_territory"))
            calls = calls.filter(within(area))
        if calendar_status:
            consultations = consultations.filter(_calendar(calendar_status, now))
            calls = calls.filter(_calendar(calendar_status, now))
        wanted["consultation"] = consultations
        wanted["call"] = calls
    if not calendar_status:
        ideas = Idea.objects.filter(_public_ideas(private))
        if area:
            ideas = ideas.filter(within(area))
        if theme:
            ideas = ideas.filter(theme__iexact=theme)
        if idea_status:
            ideas = ideas.filter(status=idea_status)
        wanted["idea"] = ideas
    if not status and not theme:
        projects = Project.objects.laureates().filter(call__in=_public_pages(CallPage, private).values("pk"))
        outcomes = _public_pages(OutcomePage, private)
        if area:
            projects = projects.filter(within(area))
            outcomes = outcomes.filter(within(area, "consultation__audience_territory"))
        wanted["project"] = projects
        wanted["outcome"] = outcomes
    if not status:
        initiatives = Initiative.objects.published()
        if area:
            initiatives = initiatives.filter(within(area))
        if theme:
            initiatives = initiatives.filter(themes__name__iexact=theme)
        wanted["initiative"] = initiatives
    if not status and not theme and not area:
        wanted["news"] = _public_pages(NewsPage, private)
        wanted["page"] = _public_pages(StandardPage, private)
    return {name: queryset for name, queryset in wanted.items() if not kind or kind == name}


def _hit(kind: str, obj, score, request) -> Hit:
    score = float(score or 0)
    if isinstance(obj, Page):
        # With the request, Wagtail reads the site's root paths once per request, not once per page.
        url = obj.get_url(request=request)
    if kind == "consultation":
        return Hit(kind, obj.title, url, strip_tags(obj.introduction), obj.organisation.name, score)
    if kind == "call":
        return Hit(kind, obj.title, url, obj.objectives, obj.organisation.name, score)
    if kind == "outcome":
        return Hit(kind, obj.title, url, obj.summary, "", score)
    if kind == "news":
        return Hit(kind, obj.title, url, obj.introduction, written_date(obj.date), score)
    if kind == "page":
        return Hit(kind, obj.title, url, strip_tags(obj.body), "", score)
    if kind == "idea":
        return Hit(kind, obj.title, obj.get_absolute_url(), obj.text, obj.get_status_display(), score)
    if kind == "project":
        url = reverse("calls_laureates", args=[obj.call_id])
        return Hit(kind, obj.title, url, obj.summary, str(obj.territory or ""), score)
    return Hit(kind, obj.title, obj.get_absolute_url(), obj.description, str(obj.territory), score)


BROWSE_ORDER = {"consultation": ("closes_at", "pk"), "call": ("closes_at", "pk")}
RELATED = {
    "consultation": ("organisation",),
    "call": ("organisation",),
    "project": ("territory", "territory__parent"),
    "initiative": ("territory", "territory__parent"),
}


def site_search(
    *,
    text: str,
    kind: str = "",
    area: Territory | None = None,
    theme: str = "",
    status: str = "",
    request=None,
):
    """Public results for `text`, the most relevant first, each kind limited to its best matches
    (`request`, when given, lets pages' addresses be worked out without a cache read each).

    Without words, what the filters select is listed instead (browsing "all open consultations"):
    consultations and calls by closing date, the rest newest first.
    """
    # Words only: quotes, operators and other signs mean something to SQLite's FTS5 query syntax
    # (`"` alone is an error there); PostgreSQL's parser ignores them anyway.
    text = " ".join(re.findall(r"\w+", text.lower()))
    backend = get_search_backend()
    hits = []
    for name, public in _querysets(kind=kind, area=area, theme=theme, status=status).items():
        model = public.model
        candidates = model.objects.filter(id__in=public.values("pk")).select_related(*RELATED.get(name, ()))
        if text:
            results = backend.search(text, candidates, operator="and").annotate_score("_score")
        else:
            results = candidates.order_by(*BROWSE_ORDER.get(name, ("-pk",)))
        hits.extend(_hit(name, obj, getattr(obj, "_score", 0), request) for obj in results[:RESULTS_PER_KIND])
    hits.sort(key=lambda hit: hit.score, reverse=True)  # stable: browsing keeps each kind's order
    return hits
