"""Reads of the consultation domain."""

from .models import ConsultationPage, Response


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
