"""Read what a compile needs from the database as plain rows, streamed (no model instance per answer)."""

from collections.abc import Iterable, Iterator

from django.db.models import Count, Max

from accounts.models import Territory

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


def _sent_answers(consultation_id: int):
    return Answer.objects.filter(
        response__consultation_id=consultation_id, response__status=Response.Status.SUBMITTED
    )


def answer_rows(consultation_id: int, *, question_ids: Iterable[str] | None = None) -> Iterator[AnswerRow]:
    """The answers of sent responses (drafts are not contributions yet), of some questions only if
    `question_ids` is given."""
    answers = _sent_answers(consultation_id)
    if question_ids is not None:
        answers = answers.filter(question_id__in=list(question_ids))
    rows = (
        answers.values_list("response_id", "question_id", "choice_id", "text", "number", "position")
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


def open_texts(consultation_id: int, *, question_ids: Iterable[str]) -> dict[str, list[tuple[int, str]]]:
    """The written answers of sent responses to these questions, as (answer id, text) by question: what
    the themes read, with the ids that let each theme link back to its answers. "Other" texts are left
    out: they answer a closed question and are few."""
    texts: dict[str, list[tuple[int, str]]] = {question_id: [] for question_id in question_ids}
    rows = (
        _sent_answers(consultation_id)
        .filter(question_id__in=list(texts), choice_id="")
        .exclude(text="")
        .values_list("id", "question_id", "text")
        .order_by("id")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for answer_id, question_id, text in rows:
        texts[question_id].append((answer_id, text))
    return texts


# From a participant's declared territory up to its département: an arrondissement's parent is its
# commune, a commune's its département.
_UP = "participant__territory"
_LEVELS = [_UP, f"{_UP}__parent", f"{_UP}__parent__parent"]


def response_departements(consultation_id: int) -> tuple[dict[int, str], dict[str, str]]:
    """The département of each sent response's participant, from the commune in their account, and
    the départements' names by code.

    It is where the participant lives now, at compile time, not when they answered; a participant
    without a commune, or whose account is deleted, has none.
    """
    fields = [f"{level}__{name}" for level in _LEVELS for name in ("kind", "code", "name")]
    rows = (
        Response.objects.submitted()
        .filter(consultation_id=consultation_id, participant__territory__isnull=False)
        .values_list("id", *fields)
        .order_by()
        .iterator(chunk_size=CHUNK_SIZE)
    )
    groups: dict[int, str] = {}
    names: dict[str, str] = {}
    for response_id, *levels in rows:
        for kind, code, name in zip(levels[0::3], levels[1::3], levels[2::3], strict=True):
            if kind == Territory.Kind.DEPARTEMENT:
                groups[response_id] = code
                names[code] = name
                break
    return groups, dict(sorted(names.items()))
