"""Responses to a consultation's questionnaire: sent online, typed in from paper forms, acknowledged
by e-mail, and unlinked from their authors once the retention period is over."""

import logging
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations import permissions
from consultations.blocks import OTHER, OTHER_TEXT_MAX_LENGTH, Question
from consultations.events import answers_received
from consultations.models import Answer, Channel, ConsultationPage, Follow, Response
from consultations.selectors import answers_by_question
from consultations.services.refusals import PaperRefused, ResponseRefused
from core.notifications import email_send
from core.outbox import outbox_enqueue
from core.windows import Phase

logger = logging.getLogger(__name__)


def _answer_rows(question: Question, value) -> list[Answer]:
    """The rows storing one question's answer, checked against the questionnaire as it is now.

    The form has validated the answer already; this guards the database against anything else
    (a stale form, a script): unknown choices, repeats, out-of-range numbers are refused.
    """
    changed = ResponseRefused(_("This questionnaire has changed; reload the page and answer again."))
    choices = dict(question.all_choices)
    kind = question.kind

    def choice_row(item) -> Answer:
        text = ""
        if isinstance(item, tuple):
            item, text = item
        if item not in choices or (text and item != OTHER):
            raise changed
        return Answer(question_id=question.id, choice_id=item, text=text[:OTHER_TEXT_MAX_LENGTH])

    if kind in ("single_choice", "yes_no", "age_band"):
        return [choice_row(value)]
    if kind == "multiple_choice":
        rows = [choice_row(item) for item in value]
        if len({row.choice_id for row in rows}) != len(rows) or (
            question.max_choices and len(rows) > question.max_choices
        ):
            raise changed
        return rows
    if kind == "ranking":
        if len(set(value)) != len(value) or not set(value) <= set(choices):
            raise changed
        return [
            Answer(question_id=question.id, choice_id=choice_id, position=position)
            for position, choice_id in enumerate(value, start=1)
        ]
    if kind in ("scale", "number"):
        try:
            number = Decimal(value)
        except (InvalidOperation, TypeError, ValueError):
            raise changed from None
        if (
            not number.is_finite()
            or abs(number) >= 10**12
            or (
                (question.min_value is not None and number < question.min_value)
                or (question.max_value is not None and number > question.max_value)
            )
        ):
            raise changed
        return [Answer(question_id=question.id, number=number)]
    if not isinstance(value, str) or len(value) > question.max_length:
        raise changed
    return [Answer(question_id=question.id, text=value)]


@transaction.atomic
def response_submit(
    *, consultation: ConsultationPage, participant, answers: dict, draft: bool = False
) -> Response:
    """Record a participant's answers; one response per participant, replaced on each edit until closing.

    `draft=True` keeps the answers without sending them: no receipt, no report compile, not counted.
    Sending a draft makes it a response like any other. A sent response cannot go back to draft.
    Submitting twice (a double click, a resent form) leaves one response with the last answers.
    """
    if not permissions.accepts_contributions.test(participant, consultation):
        raise ResponseRefused(_("This consultation is not accepting answers."))
    questions = {question.id: question for question in consultation.question_list}
    rows = _rows_of(
        questions,
        answers,
        ResponseRefused(_("This questionnaire has changed; reload the page and answer again.")),
    )

    response, created = Response.objects.get_or_create(
        consultation=consultation,
        participant=participant,
        defaults={} if draft else {"status": Response.Status.SUBMITTED, "submitted_at": timezone.now()},
    )
    # Lock the row so that two simultaneous submissions replace the answers one after the other.
    response = Response.objects.select_for_update().get(pk=response.pk)
    if draft and response.status == Response.Status.SUBMITTED:
        raise ResponseRefused(_("Your answers are already sent: change them and update them instead."))
    response.answers.all().delete()
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    if not draft and response.status == Response.Status.DRAFT:
        response.status = Response.Status.SUBMITTED
        response.submitted_at = timezone.now()
    response.save(update_fields=["status", "submitted_at", "updated_at"])

    # Taking part means following: the person hears what comes of it (they can stop at any time).
    if created:
        Follow.objects.get_or_create(consultation=consultation, user=participant)
    if not draft:
        answers_received.announce(consultation_id=consultation.pk)
        # Recorded with the answers: sent once committed, or by the outbox sweep if the broker is down.
        outbox_enqueue("consultations.tasks.response_receipt_send_task", response.pk)
    return response


def _paper_checked(consultation: ConsultationPage) -> dict[str, Question]:
    # Paper forms collected before the closing date are often typed in afterwards: accepted once open.
    if not consultation.live or consultation.phase() == Phase.UPCOMING:
        raise PaperRefused(_("Paper forms are typed in once the consultation is published and open."))
    return {question.id: question for question in consultation.question_list}


def _rows_of(questions: dict[str, Question], answers: dict, changed: ResponseRefused) -> list[Answer]:
    """The answer rows of `answers` (question id → value); `changed` is raised when a question is no
    longer in the questionnaire (the online form and the paper template say what to do differently)."""
    rows = []
    for question_id, value in answers.items():
        question = questions.get(question_id)
        if question is None:
            raise changed
        rows.extend(_answer_rows(question, value))
    if not rows:
        raise type(changed)(_("Answer at least one question before sending."))
    return rows


@transaction.atomic
def responses_paper_enter(
    *, consultation: ConsultationPage, agent, forms: list[tuple[str, dict]]
) -> list[Response]:
    """Type paper questionnaires in: one sent response per paper form, without an account, under the
    form's number (`reference`, once per consultation), recorded as typed in by `agent`.

    `forms` is a list of (number, answers) as `ResponseForm.answers()` gives them. All of them are
    saved, or none (a number typed before refuses the whole batch). No receipt: nobody to send it to.
    """
    questions = _paper_checked(consultation)
    now = timezone.now()
    responses, answer_rows = [], []
    changed = PaperRefused(_("This questionnaire has changed; download the template again."))
    for reference, answers in forms:
        rows = _rows_of(questions, answers, changed)
        responses.append(
            Response(
                consultation=consultation,
                participant=None,
                channel=Channel.PAPER,
                reference=reference,
                entered_by=agent,
                status=Response.Status.SUBMITTED,
                submitted_at=now,
            )
        )
        answer_rows.append(rows)
    try:
        with transaction.atomic():
            created = Response.objects.bulk_create(responses)
    except IntegrityError:
        taken = set(
            Response.objects.filter(
                consultation=consultation, channel=Channel.PAPER, reference__in=[r for r, _a in forms]
            ).values_list("reference", flat=True)
        )
        raise PaperRefused(
            _("Paper form %(number)s was typed in before: nothing was saved.")
            % {"number": ", ".join(sorted(taken)) or "?"},
            status=409,
        ) from None
    for response, rows in zip(created, answer_rows, strict=True):
        for row in rows:
            row.response = response
    Answer.objects.bulk_create([row for rows in answer_rows for row in rows], batch_size=2000)
    logger.info(
        "paper forms entered consultation=%s count=%s agent=%s", consultation.pk, len(created), agent.pk
    )
    answers_received.announce(consultation_id=consultation.pk)
    return created


def response_receipt_send(*, response: Response) -> None:
    """E-mail the participant what they answered, in their language."""
    given = answers_by_question(response)
    lines = [
        (question.label, question.display(given[question.id]))
        for question in response.consultation.question_list
        if question.id in given
    ]
    email_send(
        user=response.participant,
        template="consultations/email/receipt",
        context={"consultation": response.consultation, "answers": lines},
    )
    Response.objects.filter(pk=response.pk).update(receipt_sent_at=timezone.now())


def responses_anonymise(*, now=None) -> int:
    """Unlink the answers of consultations past their retention period from their authors.

    Drafts are not contributions: they are deleted instead (past the retention period, or once their
    author's account is gone).
    """
    now = now or timezone.now()
    unlinked = 0
    # A draft whose author deleted their account can never be sent: nothing to keep.
    Response.objects.filter(status=Response.Status.DRAFT, participant=None).delete()
    for consultation in ConsultationPage.objects.filter(
        closes_at__lt=now, responses__participant__isnull=False
    ).distinct():
        if consultation.anonymised_on <= now:
            # Drafts were never sent: they are deleted rather than kept without their author.
            consultation.responses.filter(status=Response.Status.DRAFT).delete()
            unlinked += consultation.responses.exclude(participant=None).update(participant=None)
    return unlinked
