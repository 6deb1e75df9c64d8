"""The site search: public pages, consultations, calls, ideas, laureate projects and initiatives.

Each kind is searched through Wagtail's search backend (PostgreSQL full-text search with French
stemming, SQLite FTS5 on the embedded default), always within an ORM queryset of what is public and
matches the filters, so nothing private can come out even if the index still held it.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time

from django.contrib.contenttypes.models import ContentType
from django.db.models import FloatField, Q, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from accounts.models import Territory
from calls.models import CallPage, Project
from cms import cards
from cms.models import NewsPage, OutcomePage, StandardPage
from commons.models import Initiative, InitiativeTheme
from commons.selectors import initiative_card, initiatives_catalogue, within
from consultations.models import ConsultationPage, Idea
from core.cards import Card
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


def _querysets(*, kind: str, area: Territory | None, theme: str, status: str, private: Q):
    """For each kind the filters allow, the public rows matching them (an ORM queryset)."""
    now = timezone.now()
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


# What each kind is ordered by when no words are given, and its "recency" (newest first among equals).
BROWSE_ORDER = {"consultation": ("closes_at", "pk"), "call": ("closes_at", "pk")}
RECENCY = {
    "consultation": "closes_at",
    "call": "closes_at",
    "outcome": "first_published_at",
    "news": "date",
    "page": "last_published_at",
    "idea": "created_at",
    "project": "submitted_at",
    "initiative": "updated_at",
}
# Open first, then upcoming: what one can still take part in comes before what is over.
OPEN_RANK, UPCOMING_RANK, OTHER_RANK = 0, 1, 2


@dataclass(frozen=True)
class Match:
    """A result before it is shown: enough to order it among the others, not to show it."""

    kind: str
    pk: int
    rank: int
    score: float
    recency: float


def _match(name: str, row: tuple, now) -> Match:
    """`row`: (pk, score, recency[, opens_at, closes_at])."""
    pk, score, moment, *window = row
    rank = OTHER_RANK
    if window:
        opens_at, closes_at = window
        if opens_at <= now < closes_at:
            rank = OPEN_RANK
        elif now < opens_at:
            rank = UPCOMING_RANK
    if moment is not None and not hasattr(moment, "timestamp"):  # a date
        moment = datetime.combine(moment, time(), tzinfo=UTC)
    return Match(name, pk, rank, float(score or 0), moment.timestamp() if moment else 0)


def site_search(
    *,
    text: str,
    kind: str = "",
    area: Territory | None = None,
    theme: str = "",
    status: str = "",
    request=None,
) -> "SearchResults":
    """Public results for `text`, each kind limited to its best matches, as cards with their status
    (`request`, when given, lets pages' addresses be worked out without a cache read each).

    Order: what one can take part in first (open consultations and calls, then upcoming ones), then by
    relevance (the search backend's score), then the most recent first. So an open consultation comes
    before an old outcome page found by the same words.

    Without words, what the filters select is listed instead (browsing "all open consultations"): the
    same order, consultations and calls by closing date, the rest newest first.

    Two steps: every match is read with only what orders it (its id, dates and score), then only the
    cards of the page shown are read in full (`SearchResults`), a query per kind on it.
    """
    # Words only: quotes, operators and other signs mean something to SQLite's FTS5 query syntax
    # (`"` alone is an error there); PostgreSQL's parser ignores them anyway.
    text = " ".join(re.findall(r"\w+", text.lower()))
    now = timezone.now()
    backend = get_search_backend()
    matches = []
    private = Page.objects.private_q()
    querysets = _querysets(kind=kind, area=area, theme=theme, status=status, private=private)
    if text and not (area or theme or status):
        # Without filters, the pages of every kind are one search over the page tree, not one per kind.
        pages = {name: querysets.pop(name).model for name in PAGE_KINDS if name in querysets}
        if pages:
            matches.extend(_page_matches(text, pages, private, backend, now))
    for name, public in querysets.items():
        model = public.model
        window = ("opens_at", "closes_at") if name in ("consultation", "call") else (None, None)
        candidates = model.objects.filter(id__in=public.values("pk"))
        if text:
            # The backend's own query (its ranking, on either database), read as plain values: building
            # a model instance per match would cost more than the search.
            results = backend.search(text, candidates, operator="and").annotate_score("_score")
            rows = results[:RESULTS_PER_KIND].get_queryset()
            columns = ("pk", "_score")
        else:
            rows = candidates.order_by(*BROWSE_ORDER.get(name, ("-pk",)))[:RESULTS_PER_KIND]
            columns = ("pk", Value(0.0, output_field=FloatField()))
        fields = [*columns, RECENCY[name], *(field for field in window if field)]
        matches.extend(_match(name, row, now) for row in rows.values_list(*fields))
    if text:
        matches.sort(key=lambda match: (match.rank, -match.score, -match.recency))
    else:
        # Each kind keeps its own order (the sort is stable), open and upcoming first.
        matches.sort(key=lambda match: match.rank)
    return SearchResults(matches, request)


PAGE_KINDS = ("consultation", "call", "outcome", "news", "page")


def _page_matches(text: str, kinds: dict, private: Q, backend, now):
    """The public pages of `kinds` ({kind: page model}) matching `text`, in one search of the page tree
    (at most `RESULTS_PER_KIND` a kind on average); consultations' and calls' dates read for their
    order in one more query each."""
    content_types = {ContentType.objects.get_for_model(model).pk: name for name, model in kinds.items()}
    public = Page.objects.live().exclude(private).filter(content_type_id__in=content_types)
    candidates = Page.objects.filter(id__in=public.values("pk"))
    results = backend.search(text, candidates, operator="and").annotate_score("_score")
    rows = list(
        results[: RESULTS_PER_KIND * len(kinds)]
        .get_queryset()
        .values_list("pk", "_score", "content_type_id", "last_published_at")
    )
    windows = {}
    for name in ("consultation", "call"):
        ids = [pk for pk, _score, content_type, _moment in rows if content_types[content_type] == name]
        if ids:
            dates = kinds[name].objects.filter(pk__in=ids).values_list("pk", "opens_at", "closes_at")
            windows.update({pk: (opens_at, closes_at) for pk, opens_at, closes_at in dates})
    for pk, score, content_type, moment in rows:
        window = windows.get(pk)
        # Recency: a consultation's or call's closing date, another page's last publication.
        yield _match(
            content_types[content_type], (pk, score, window[1] if window else moment, *(window or ())), now
        )


class SearchResults(Sequence):
    """The matches in order; a slice (a page of them) reads its cards, the rest is never read."""

    def __init__(self, matches: list[Match], request=None):
        self.matches = matches
        self.request = request

    def __len__(self):
        return len(self.matches)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return result_cards(self.matches[index], self.request)
        return result_cards([self.matches[index]], self.request)[0]


SNIPPET_WORDS = 35


def _snippet(text: str) -> str:
    return Truncator(cards.plain_text(text)).words(SNIPPET_WORDS, truncate=" …")


def result_cards(matches: list[Match], request=None) -> list[Card]:
    """The cards of `matches`, in their order: a query per kind among them, whatever their number."""
    ids: dict[str, list[int]] = {}
    for match in matches:
        ids.setdefault(match.kind, []).append(match.pk)
    found = {}
    for name, pks in ids.items():
        for pk, card in CARD_READERS[name](pks, request):
            card.kind_label = KIND_LABELS[name]
            found[name, pk] = card
    # A row that stopped being public between the two steps is left out.
    return [found[match.kind, match.pk] for match in matches if (match.kind, match.pk) in found]


def _consultations(pks, request):
    for page in cards.consultations_for_cards(ordered=False).filter(pk__in=pks):
        yield page.pk, cards.consultation_card(page, request)


def _calls(pks, request):
    for page in cards.calls_for_cards(ordered=False).filter(pk__in=pks):
        yield page.pk, cards.call_card(page, request)


def _outcomes(pks, request):
    for page in cards.outcomes_for_cards().filter(pk__in=pks):
        yield page.pk, cards.outcome_card(page, request)


def _news(pks, request):
    pages = NewsPage.objects.filter(pk__in=pks).only(
        "title", "url_path", "path", "depth", "date", "introduction"
    )
    for page in pages:
        yield (
            page.pk,
            Card(
                "news",
                page.title,
                page.get_url(request=request),
                published_at=page.date,
                summary=_snippet(page.introduction),
            ),
        )


def _pages(pks, request):
    pages = StandardPage.objects.filter(pk__in=pks).only("title", "url_path", "path", "depth", "body")
    for page in pages:
        yield page.pk, Card("page", page.title, page.get_url(request=request), summary=_snippet(page.body))


def _ideas(pks, request):
    ideas = (
        Idea.objects.filter(pk__in=pks)
        .select_related("consultation__organisation")
        .only("title", "text", "status", "consultation__organisation__name")
    )
    for idea in ideas:
        yield (
            idea.pk,
            Card(
                "idea",
                idea.title,
                idea.get_absolute_url(),
                status_text=idea.get_status_display(),
                organisation=idea.consultation.organisation.name,
                summary=_snippet(idea.text),
            ),
        )


def _projects(pks, request):
    projects = Project.objects.filter(pk__in=pks).select_related(
        "territory", "territory__parent", "call__organisation"
    )
    for project in projects:
        yield (
            project.pk,
            Card(
                "project",
                project.title,
                reverse("calls_laureates", args=[project.call_id]),
                organisation=project.call.organisation.name,
                extra=str(project.territory or ""),
                summary=_snippet(project.summary),
            ),
        )


def _initiatives(pks, request):
    for initiative in initiatives_catalogue().filter(pk__in=pks):
        yield initiative.pk, initiative_card(initiative)


CARD_READERS = {
    "consultation": _consultations,
    "call": _calls,
    "outcome": _outcomes,
    "news": _news,
    "page": _pages,
    "idea": _ideas,
    "project": _projects,
    "initiative": _initiatives,
}
