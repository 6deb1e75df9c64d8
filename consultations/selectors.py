"""Reads of the consultation domain."""

from django.db.models import Count, Exists, OuterRef, Q, Subquery

from accounts.territories import search_key

from .blocks import OTHER, Question
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


def answers_by_question(response: Response | None, questions: list[Question] | None = None) -> dict:
    """A response's answers, keyed by question id, in the shape `ResponseForm.answers()` gives them.

    Answers to questions removed since are left out (they stay stored, and reports count them apart).
    """
    if response is None:
        return {}
    if questions is None:
        questions = response.consultation.question_list
    kinds = {question.id: question.kind for question in questions}
    rows: dict[str, list] = {}
    for answer in sorted(response.answers.all(), key=lambda a: (a.position or 0, a.pk)):
        if answer.question_id in kinds:
            rows.setdefault(answer.question_id, []).append(answer)
    given = {}
    for question_id, answers in rows.items():
        values = [
            answer.number
            if answer.number is not None
            else (OTHER, answer.text)
            if answer.choice_id == OTHER
            else answer.choice_id or answer.text
            for answer in answers
        ]
        given[question_id] = values if kinds[question_id] in ("multiple_choice", "ranking") else values[0]
    return given


def statement_next_for(*, consultation: ConsultationPage, participant) -> Statement | None:
    """The next statement to show: one the participant has not voted on, the least voted first."""
    return (
        Statement.objects.published()
        .filter(consultation=consultation)
        .exclude(votes__participant=participant)
        .annotate(vote_count=Count("votes"))
        .order_by("vote_count", "id")
        .first()
    )


def statements_with_my_votes(*, consultation: ConsultationPage, participant):
    """Published statements with their counts and the participant's own vote (one query)."""
    mine = Vote.objects.filter(statement=OuterRef("pk"), participant=participant).values("value")[:1]
    return (
        Statement.objects.published()
        .filter(consultation=consultation)
        .annotate(
            agree=Count("votes", filter=Q(votes__value=1)),
            disagree=Count("votes", filter=Q(votes__value=-1)),
            passed=Count("votes", filter=Q(votes__value=0)),
            my_vote=Subquery(mine),
        )
        .order_by("id")
    )


def statement_progress(*, consultation: ConsultationPage, participant) -> tuple[int, int]:
    """(statements the participant voted on, published statements)."""
    published = Statement.objects.published().filter(consultation=consultation)
    return published.filter(votes__participant=participant).count(), published.count()


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
