"""Read what a compile needs from the database as plain rows, streamed (no model instance per answer)."""

from collections.abc import Iterator

from django.db.models import Count, Max

from ..models import Answer, ConsultationPage, Response
from .analysis.questionnaire import AnswerRow, QuestionSpec

CHUNK_SIZE = 5000


def question_specs(consultation: ConsultationPage) -> list[QuestionSpec]:
    return [
        QuestionSpec(
            id=q.id,
            kind=q.kind,
            label=q.label,
            choices=q.all_choices,
            min_value=None if q.min_value is None else float(q.min_value),
            max_value=None if q.max_value is None else float(q.max_value),
        )
        for q in consultation.question_list
    ]


def answer_rows(consultation_id: int) -> Iterator[AnswerRow]:
    """The answers of sent responses (drafts are not contributions yet)."""
    rows = (
        Answer.objects.filter(
            response__consultation_id=consultation_id, response__status=Response.Status.SUBMITTED
        )
        .values_list("response_id", "question_id", "choice_id", "text", "number", "position")
        .order_by()
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for response_id, question_id, choice_id, text, number, position in rows:
        yield AnswerRow(
            response_id,
            question_id,
            choice_id,
            bool(text),
            None if number is None else float(number),
            position,
        )


def response_watermark(consultation_id: int) -> tuple[int, object]:
    """How many sent responses there are and when the last one changed: a compile's input, in two
    numbers. Drafts are left out, so saving a draft never makes a compile."""
    aggregate = (
        Response.objects.submitted()
        .filter(consultation_id=consultation_id)
        .aggregate(count=Count("id"), last=Max("updated_at"))
    )
    return aggregate["count"], aggregate["last"]
