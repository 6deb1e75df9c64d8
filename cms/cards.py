"""The cards of the public lists: consultations, calls and outcome pages, with their status decided here
and nowhere else (public votes: `budgets/selectors.vote_cards`; the vocabulary: `core/cards.py`).

A consultation is upcoming, open, closed, analysed (a report version was compiled after it closed) or
has its outcome published (a live outcome page about it); a call is upcoming, open, under evaluation
(closed) or has its laureates published. The status is worked out by the database (`card_status`), so
lists filter and order by it and page through it in two queries whatever their length: the counts on
the cards (participants, dossiers) are subqueries of the same query, never one query per card.

Participants of a consultation: everyone who took part as its latest report version counted them
(`people.total`, else the respondents of an older format); while it is open and no version has
counted them yet, the respondents or the voters on statements, whichever is more (a lower bound that
never counts a person twice).
"""

import re
from dataclasses import dataclass
from datetime import datetime
from html import unescape

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from budgets.selectors import votes_for_cards
from calls.models import CallPage, Project
from cms.models import NewsPage, OutcomePage, SiteSettings
from consultations.models import ConsultationPage, Response, Vote
from core.cards import Card, CardStatus, Figure
from core.windows import Phase, in_phase
from reports.models import ReportSnapshot
from reports.schema import Report, UnknownFormat

SUMMARY_WORDS = 30

CONSULTATION_STATUSES = [
    CardStatus.OPEN,
    CardStatus.UPCOMING,
    CardStatus.CLOSED,
    CardStatus.ANALYSED,
    CardStatus.OUTCOME,
]
CALL_STATUSES = [CardStatus.OPEN, CardStatus.UPCOMING, CardStatus.EVALUATION, CardStatus.LAUREATES]
# "Closed" in a filter also finds what is closed and further on (analysed, outcome published...).
CLOSED_AND_AFTER = {
    CardStatus.CLOSED: [CardStatus.CLOSED, CardStatus.ANALYSED, CardStatus.OUTCOME],
}

_CARD_FIELDS = ("title", "url_path", "path", "depth", "opens_at", "closes_at", "organisation__name")


def _count(queryset, field: str, expression) -> Subquery:
    """One number per outer row, computed by the database in the outer query."""
    return Subquery(
        queryset.order_by().values(field).annotate(n=expression).values("n")[:1],
        output_field=IntegerField(),
    )


def _phase_cases(now: datetime, *, after: list) -> Case:
    return Case(
        When(in_phase(Phase.UPCOMING, now), then=Value(CardStatus.UPCOMING.value)),
        When(in_phase(Phase.OPEN, now), then=Value(CardStatus.OPEN.value)),
        *after,
        default=Value(CardStatus.CLOSED.value),
        output_field=CharField(),
    )


def _ordered(queryset, now: datetime):
    """Open first (closing soonest first), then upcoming (opening soonest first), then the rest (most
    recently closed first)."""
    return queryset.annotate(
        card_rank=Case(
            When(in_phase(Phase.OPEN, now), then=Value(0)),
            When(in_phase(Phase.UPCOMING, now), then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
        card_moment=Case(
            When(in_phase(Phase.OPEN, now), then=F("closes_at")),
            When(in_phase(Phase.UPCOMING, now), then=F("opens_at")),
            default=None,
            output_field=DateTimeField(),
        ),
    ).order_by("card_rank", "card_moment", "-closes_at", "pk")


def _filtered(queryset, status: str, organisation_id: int | None):
    if status:
        queryset = queryset.filter(card_status__in=CLOSED_AND_AFTER.get(status, [status]))
    if organisation_id:
        queryset = queryset.filter(organisation_id=organisation_id)
    return queryset


def consultations_for_cards(
    *, status: str = "", organisation_id: int | None = None, now=None, ordered: bool = True
):
    """Public consultations with their card status and participants, in list order, filtered by
    status (a `CardStatus` value; "closed" includes analysed and outcome published) and organisation."""
    now = now or timezone.now()
    latest = ReportSnapshot.objects.filter(consultation=OuterRef("pk")).order_by("-version")
    queryset = (
        ConsultationPage.objects.live()
        .public()
        .select_related("organisation")
        .only(*_CARD_FIELDS, "search_description", "introduction")
        .annotate(
            card_status=_phase_cases(
                now,
                after=[
                    When(
                        Exists(OutcomePage.objects.live().filter(consultation=OuterRef("pk"))),
                        then=Value(CardStatus.OUTCOME.value),
                    ),
                    When(
                        Exists(
                            ReportSnapshot.objects.filter(
                                consultation=OuterRef("pk"), compiled_at__gte=OuterRef("closes_at")
                            )
                        ),
                        then=Value(CardStatus.ANALYSED.value),
                    ),
                ],
            ),
            report_people=Subquery(
                latest.annotate(people=Coalesce("people_count", "response_count")).values("people")[:1],
                output_field=IntegerField(),
            ),
            respondents=_count(
                Response.objects.submitted().filter(consultation=OuterRef("pk")), "consultation", Count("pk")
            ),
            voters=_count(
                Vote.objects.filter(statement__consultation=OuterRef("pk")),
                "statement__consultation",
                Count("participant", distinct=True) + Count("external_participant", distinct=True),
            ),
        )
    )
    queryset = _filtered(queryset, status, organisation_id)
    return _ordered(queryset, now) if ordered else queryset


def calls_for_cards(*, status: str = "", organisation_id: int | None = None, now=None, ordered: bool = True):
    """Public calls with their card status and submitted dossiers, in list order, filtered."""
    now = now or timezone.now()
    queryset = (
        CallPage.objects.live()
        .public()
        .select_related("organisation")
        .only(*_CARD_FIELDS, "search_description", "objectives", "laureates_published_at")
        .annotate(
            card_status=_phase_cases(
                now,
                after=[When(laureates_published_at__isnull=False, then=Value(CardStatus.LAUREATES.value))],
            ),
            dossiers=_count(Project.objects.submitted().filter(call=OuterRef("pk")), "call", Count("pk")),
        )
    )
    # A closed call without published laureates is being evaluated.
    queryset = queryset.annotate(
        card_status=Case(
            When(card_status=CardStatus.CLOSED.value, then=Value(CardStatus.EVALUATION.value)),
            default=F("card_status"),
            output_field=CharField(),
        )
    )
    queryset = _filtered(queryset, status, organisation_id)
    return _ordered(queryset, now) if ordered else queryset


def outcomes_for_cards(*, organisation_id: int | None = None):
    """Public outcome pages, the most recently published first, with the figures of the report version
    each pins (read by key, not the whole version, which can weigh megabytes)."""
    queryset = OutcomePage.objects.live().public().defer_streamfields()
    if organisation_id:
        queryset = queryset.filter(consultation__organisation_id=organisation_id)
    return (
        queryset.select_related("consultation__organisation")
        .only(
            "title",
            "url_path",
            "path",
            "depth",
            "summary",
            "first_published_at",
            "consultation__title",
            "consultation__organisation__name",
            "report_version_id",
        )
        .annotate(
            figures_format=F("report_version__data__format"),
            figures_participants=F("report_version__data__participants"),
            figures_people=F("report_version__data__people"),
            figures_channels=F("report_version__data__participation__channels"),
            figures_ideas=F("report_version__data__ideas"),
        )
        .order_by("-first_published_at", "-pk")
    )


@dataclass(frozen=True)
class ReportFigures:
    participants: int
    contributions: int


def report_figures(outcome) -> ReportFigures | None:
    """Participants and contributions of the version an outcome page pins (None without one), read
    through the report's format from the parts `outcomes_for_cards` fetched."""
    if outcome.report_version_id is None:
        return None
    stored = {
        name: value
        for name, value in (
            ("participants", outcome.figures_participants),
            ("people", outcome.figures_people),
            ("participation", {"channels": outcome.figures_channels} if outcome.figures_channels else None),
            ("ideas", outcome.figures_ideas),
        )
        if value is not None
    }
    if outcome.figures_format is not None:
        stored["format"] = outcome.figures_format
    try:
        report = Report.from_data(stored)
    except UnknownFormat:
        return None  # a version compiled by newer code than this process: no figures rather than a 503
    people = report.people.total.people if report.people else report.participants
    contributions = report.ideas.count if report.ideas else 0
    if report.participation and report.participation.channels:
        channels = report.participation.channels
        contributions += sum(
            sum(counts.values()) for counts in (channels.responses, channels.statements, channels.votes)
        )
    else:
        contributions += report.participants
    return ReportFigures(participants=people, contributions=contributions)


# Rich text is stored well formed (Wagtail writes it): its tags come off with a pattern, faster than an
# HTML parser on a page's whole introduction. Block ends become spaces, so paragraphs don't run together.
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|div|blockquote|ul|ol|tr|td)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
# More than a summary ever shows, so a long text is not read whole.
_SUMMARY_SOURCE = 3000


def plain_text(html: str) -> str:
    """Rich text (or plain text) as one line for a summary or a search snippet: tags taken out,
    paragraphs and list items kept apart by a space, entities decoded once (the template escapes the
    result, once: "What's", never "What&#x27;s")."""
    text = _TAG.sub("", _BLOCK_END.sub(" ", (html or "")[:_SUMMARY_SOURCE]))
    return " ".join(unescape(text).split())


def _summary(text: str) -> str:
    return Truncator(plain_text(text)).words(SUMMARY_WORDS, truncate=" …")


def consultation_card(page, request=None) -> Card:
    """The card of a consultation from `consultations_for_cards`."""
    people = page.report_people if page.card_status != CardStatus.OPEN else None
    if people is None:
        people = max(page.respondents or 0, page.voters or 0, page.report_people or 0)
    return Card(
        kind="consultation",
        title=page.title,
        url=page.get_url(request=request),
        status=CardStatus(page.card_status),
        organisation=page.organisation.name,
        opens_at=page.opens_at,
        closes_at=page.closes_at,
        count=people,
        count_of=Figure.PARTICIPANTS,
        summary=_summary(page.search_description or page.introduction),
    )


def call_card(page, request=None) -> Card:
    """The card of a call from `calls_for_cards`."""
    return Card(
        kind="call",
        title=page.title,
        url=page.get_url(request=request),
        status=CardStatus(page.card_status),
        organisation=page.organisation.name,
        opens_at=page.opens_at,
        closes_at=page.closes_at,
        count=page.dossiers or 0,
        count_of=Figure.DOSSIERS,
        summary=_summary(page.search_description or page.objectives),
    )


def outcome_card(page, request=None) -> Card:
    """The card of an outcome page from `outcomes_for_cards`: its figures on `card.figures`."""
    figures = report_figures(page)
    card = Card(
        kind="outcome",
        title=page.title,
        url=page.get_url(request=request),
        status=CardStatus.OUTCOME,
        organisation=page.consultation.organisation.name,
        published_at=page.first_published_at,
        count=figures.participants if figures else None,
        count_of=Figure.PARTICIPANTS,
        summary=_summary(page.summary),
    )
    card.figures = figures
    return card


def news_for_cards(limit: int):
    """The latest public news, newest first, with their images' renditions in two more queries."""
    return list(
        NewsPage.objects.live()
        .public()
        .defer_streamfields()
        .select_related("image")
        .prefetch_related("image__renditions")
        .order_by("-date", "-pk")[:limit]
    )


def organisations_of(model) -> list[tuple[int, str]]:
    """The organisations that have public pages of `model` (consultations, calls), for a list's filter:
    (id, name), by name."""
    rows = model.objects.live().public().values_list("organisation_id", "organisation__name").distinct()
    return sorted(set(rows), key=lambda row: row[1].casefold())


def outcome_organisations() -> list[tuple[int, str]]:
    """The organisations whose consultations have a public outcome page, for the outcomes' filter."""
    rows = (
        OutcomePage.objects.live()
        .public()
        .values_list("consultation__organisation_id", "consultation__organisation__name")
        .distinct()
    )
    return sorted(set(rows), key=lambda row: row[1].casefold())


HOME_OPEN = 6
HOME_OUTCOMES = 3
HOME_NEWS = 3


def home_context(request) -> dict:
    """What the home page shows beside its introduction: the site's home image, the consultations,
    calls and votes open now (a screenful each, and whether there are more), what came of past
    consultations with their figures, and the latest news. A constant number of queries."""
    now = timezone.now()
    open_consultations = list(consultations_for_cards(status=CardStatus.OPEN, now=now)[: HOME_OPEN + 1])
    open_calls = list(calls_for_cards(status=CardStatus.OPEN, now=now)[: HOME_OPEN + 1])
    open_votes = [card for card in votes_for_cards(now=now) if card.status == CardStatus.OPEN]
    open_cards = [
        *_labelled(
            [consultation_card(page, request) for page in open_consultations[:HOME_OPEN]], _("Consultation")
        ),
        *_labelled([call_card(page, request) for page in open_calls[:HOME_OPEN]], _("Call for projects")),
        *_labelled(open_votes[:HOME_OPEN], _("Public vote")),
    ]
    outcomes = [outcome_card(page, request) for page in outcomes_for_cards()[:HOME_OUTCOMES]]
    return {
        "open_cards": open_cards,
        "more_open": {
            "consultations": len(open_consultations) > HOME_OPEN,
            "calls": len(open_calls) > HOME_OPEN,
            "votes": len(open_votes) > HOME_OPEN,
        },
        "past_outcomes": outcomes,
        "latest_news": news_for_cards(HOME_NEWS),
        "home_image": _home_image(request),
    }


def _labelled(cards: list[Card], label) -> list[Card]:
    for card in cards:
        card.kind_label = label
    return cards


def _home_image(request):
    """The site's home image, when the site settings have one (the field comes with the branding)."""
    settings = SiteSettings.for_request(request)
    return getattr(settings, "home_image", None)
