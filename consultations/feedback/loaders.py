"""Read what a compile needs from the database as plain rows, streamed (no model instance per answer)."""

from collections.abc import Iterator

from django.db.models import Count, Max

from ..models import Answer, ConsultationPage, Response
from .analysis.questionnaire import AnswerRow, QuestionSpec

CHUNK_SIZE = 5000


def question_specs(consultation: ConsultationPage) -> list[QuestionSpec]:
    return [
        QuestionSpec(id=q.id, kind=q.kind, label=q.label, choices=q.choices)
        for q in consultation.question_list
    ]


def answer_rows(consultation_id: int) -> Iterator[AnswerRow]:
    rows = (
        Answer.objects.filter(response__consultation_id=consultation_id)
        .values_list("response_id", "question_id", "choice_id", "text")
        .order_by()
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for response_id, question_id, choice_id, text in rows:
        yield AnswerRow(response_id, question_id, choice_id, bool(text))


def response_watermark(consultation_id: int) -> tuple[int, object]:
    """How many responses there are and when the last one changed: a compile's input, in two numbers."""
    aggregate = Response.objects.filter(consultation_id=consultation_id).aggregate(
        count=Count("id"), last=Max("updated_at")
    )
    return aggregate["count"], aggregate["last"]
