"""Reads of the consultation domain."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, Subquery

from accounts.territories import search_key

from .models import ConsultationPage, Idea, Response, Statement, Support, Vote

# Words too common to tell two ideas apart.
STOP_WORDS = {
    "a",
    "au",
    "aux",
    "avec",
    "ce",
    "ces",
    "dans",
    "de",
    "des",
    "du",
    "elle",
    "en",
    "et",
    "il",
    "ils",
    "je",
    "la",
    "le",
    "les",
    "leur",
    "mais",
    "ne",
    "nous",
    "on",
    "ou",
    "par",
    "pas",
    "plus",
    "pour",
    "qu",
    "que",
    "qui",
    "sa",
    "se",
    "ses",
    "son",
    "sur",
    "ta",
    "te",
    "un",
    "une",
    "vos",
    "votre",
    "vous",
    "y",
    "the",
    "of",
    "and",
    "to",
    "in",
    "for",
}


def response_of(*, consultation: ConsultationPage, participant) -> Response | None:
    """The participant's response to the consultation, with its answers, or None."""
    if not participant.is_authenticated:
        return None
    return (
        Response.objects.filter(consultation=consultation, participant=participant)
        .prefetch_related("answers")
        .first()
    )


def answers_by_question(response: Response | None) -> dict[str, str]:
    """A response's answers as the questionnaire form's initial values."""
    if response is None:
        return {}
    return {answer.question_id: answer.choice_id or answer.text for answer in response.answers.all()}


# How long the vote counts that order the statements may lag behind the votes (see `statement_deck`).
DECK_COUNTS_SECONDS = 30


def _deck_key(consultation_id: int) -> str:
    return f"consultations:deck:{consultation_id}"


def _published_vote_counts(consultation_id: int) -> dict[int, int]:
    """{statement id: number of votes} of the consultation's published statements, cached briefly.

    Counting every vote of a large consultation on each page view would cost more than everything else
    on the page; the order it gives may lag by DECK_COUNTS_SECONDS, which nobody can notice.
    """
    counts = cache.get(_deck_key(consultation_id))
    if counts is None:
        counts = dict(
            Statement.objects.published()
            .filter(consultation_id=consultation_id)
            .annotate(vote_count=Count("votes"))
            .values_list("id", "vote_count")
        )
        cache.set(_deck_key(consultation_id), counts, DECK_COUNTS_SECONDS)
    return counts


def statement_deck_forget(consultation_id: int) -> None:
    """A statement was published or hidden: the next page view sees it at once."""
    cache.delete(_deck_key(consultation_id))


@dataclass(frozen=True)
class StatementDeck:
    """Where a participant is in the statements of a consultation."""

    next_statement: Statement | None
    voted: int
    total: int


def statement_deck(*, consultation: ConsultationPage, participant) -> StatementDeck:
    """The next statement to show — one the participant has not voted on, the least voted first — and
    how many they voted on. A constant number of queries, whatever the number of statements and votes.
    """
    counts = _published_vote_counts(consultation.pk)
    mine = set(
        Vote.objects.filter(participant=participant, statement__consultation=consultation).values_list(
            "statement_id", flat=True
        )
    )
    unseen = sorted(
        (count, statement_id) for statement_id, count in counts.items() if statement_id not in mine
    )
    next_statement = None
    if unseen:
        # Hidden since the counts were read: take the next one rather than show it.
        candidates = [statement_id for _count, statement_id in unseen[:20]]
        found = Statement.objects.published().in_bulk(candidates)
        next_statement = next((found[pk] for pk in candidates if pk in found), None)
    return StatementDeck(next_statement=next_statement, voted=len(mine & counts.keys()), total=len(counts))


def statements_with_my_votes(*, consultation: ConsultationPage, participant, ids):
    """Published statements among `ids`, with their counts and the participant's own vote (one query)."""
    mine = Vote.objects.filter(statement=OuterRef("pk"), participant=participant).values("value")[:1]
    return (
        Statement.objects.published()
        .filter(consultation=consultation, pk__in=ids)
        .annotate(
            agree=Count("votes", filter=Q(votes__value=1)),
            disagree=Count("votes", filter=Q(votes__value=-1)),
            passed=Count("votes", filter=Q(votes__value=0)),
            my_vote=Subquery(mine),
        )
        .order_by("id")
    )


def _words(text: str) -> set[str]:
    return {word for word in search_key(text).split() if len(word) > 2 and word not in STOP_WORDS}


def ideas_similar_to(
    *, consultation: ConsultationPage, title: str, text: str = "", limit: int = 3
) -> list[Idea]:
    """Existing ideas of the consultation that share the most meaningful words with a new one."""
    wanted = _words(f"{title} {title} {text}")
    if not wanted:
        return []
    scored = []
    for idea_id, idea_title, idea_text in Idea.objects.filter(consultation=consultation).values_list(
        "id", "title", "text"
    ):
        words = _words(f"{idea_title} {idea_text[:500]}")
        overlap = len(wanted & words) / len(wanted | words) if words else 0
        if overlap >= 0.2:
            scored.append((overlap, idea_id))
    best = [idea_id for _score, idea_id in sorted(scored, reverse=True)[:limit]]
    found = Idea.objects.in_bulk(best)
    return [found[idea_id] for idea_id in best]


def ideas_with_supports(*, consultation: ConsultationPage, viewer):
    """The consultation's ideas with their support counts and whether the viewer supports each."""
    mine = Support.objects.filter(
        idea=OuterRef("pk"), supporter=viewer.pk if viewer.is_authenticated else None
    )
    return (
        Idea.objects.filter(consultation=consultation)
        .annotate(support_count=Count("supports"), supported=Exists(mine))
        .order_by("-support_count", "-created_at")
    )
