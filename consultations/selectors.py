"""Reads of the consultation domain."""

from django.db.models import Count, OuterRef, Q, Subquery

from .models import ConsultationPage, Response, Statement, Vote


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
