"""Writes of the consultation domain: every change goes through one of these functions."""

import logging
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.notifications import email_send

from .blocks import OTHER, OTHER_TEXT_MAX_LENGTH, Question
from .feedback.services import report_compile_schedule
from .models import (
    Answer,
    ConsultationPage,
    Follow,
    Idea,
    ModerationAction,
    ModerationPolicy,
    Phase,
    Response,
    Statement,
    Support,
    Vote,
)

logger = logging.getLogger(__name__)


class ResponseRefused(ValidationError):
    """The consultation does not accept this response (not open, unknown question…)."""


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
    if not consultation.live or consultation.phase() != Phase.OPEN:
        raise ResponseRefused(_("This consultation is not accepting answers."))
    questions = {question.id: question for question in consultation.question_list}
    rows = []
    for question_id, value in answers.items():
        question = questions.get(question_id)
        if question is None:
            raise ResponseRefused(_("This questionnaire has changed; reload the page and answer again."))
        rows.extend(_answer_rows(question, value))
    if not rows:
        raise ResponseRefused(_("Answer at least one question before sending."))

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
        transaction.on_commit(lambda: report_compile_schedule(consultation_id=consultation.pk))
        transaction.on_commit(lambda: _receipt_schedule(response.pk))
    return response


def _receipt_schedule(response_id: int) -> None:
    from .tasks import response_receipt_send_task

    try:
        response_receipt_send_task.delay(response_id)
    except Exception:  # broker down: the answers stand; only the receipt is missed
        logger.exception("receipt not queued response=%s", response_id)


def response_receipt_send(*, response: Response) -> None:
    """E-mail the participant what they answered, in their language."""
    from .selectors import answers_by_question

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


def follow_set(*, consultation: ConsultationPage, user, following: bool) -> None:
    """Follow or stop following a consultation (idempotent)."""
    if following:
        Follow.objects.get_or_create(consultation=consultation, user=user)
    else:
        Follow.objects.filter(consultation=consultation, user=user).delete()


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


@transaction.atomic
def statement_submit(*, consultation: ConsultationPage, author, text: str) -> Statement:
    """Record a statement; published at once or held for moderation, as the consultation decides.

    As in Pol.is, the author is counted as agreeing with their own statement.
    """
    if not (consultation.live and consultation.statements_enabled and consultation.phase() == Phase.OPEN):
        raise ResponseRefused(_("This consultation is not accepting statements."))
    status = (
        Statement.Status.PENDING
        if consultation.statement_moderation == ModerationPolicy.PRE
        else Statement.Status.PUBLISHED
    )
    statement = Statement.objects.create(
        consultation=consultation, author=author, text=text.strip(), status=status
    )
    Vote.objects.create(statement=statement, participant=author, value=Vote.Value.AGREE)
    Follow.objects.get_or_create(consultation=consultation, user=author)
    return statement


def vote_cast(*, statement: Statement, participant, value: int) -> None:
    """Record or change the participant's vote: one row per person and statement, by a single upsert."""
    consultation = statement.consultation
    if not (
        statement.status == Statement.Status.PUBLISHED
        and consultation.live
        and consultation.statements_enabled
        and consultation.phase() == Phase.OPEN
    ):
        raise ResponseRefused(_("Votes on this statement are closed."))
    if value not in Vote.Value.values:
        raise ResponseRefused(_("Choose agree, disagree or pass."))
    Vote.objects.bulk_create(
        [Vote(statement=statement, participant=participant, value=value)],
        update_conflicts=True,
        unique_fields=["statement", "participant"],
        update_fields=["value", "updated_at"],
    )


MODERATION_OUTCOME = {
    ModerationAction.Kind.APPROVE: Statement.Status.PUBLISHED,
    ModerationAction.Kind.HIDE: Statement.Status.HIDDEN,
    ModerationAction.Kind.RESTORE: Statement.Status.PUBLISHED,
}


@transaction.atomic
def statement_moderate(*, statement: Statement, moderator, kind: str, reason: str = "") -> Statement:
    """Approve, hide or restore a statement; logged, and the reason is shown to its author."""
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    allowed = {
        ModerationAction.Kind.APPROVE: {Statement.Status.PENDING},
        ModerationAction.Kind.HIDE: {Statement.Status.PENDING, Statement.Status.PUBLISHED},
        ModerationAction.Kind.RESTORE: {Statement.Status.HIDDEN},
    }
    if statement.status not in allowed[kind]:
        raise ResponseRefused(_("This statement has changed since you opened the page; look at it again."))
    if kind == ModerationAction.Kind.HIDE and not reason.strip():
        raise ResponseRefused(_("Give the reason for hiding it: its author will see it."))
    statement.status = MODERATION_OUTCOME[kind]
    statement.moderation_reason = reason.strip()
    statement.save(update_fields=["status", "moderation_reason"])
    ModerationAction.objects.create(
        statement=statement, moderator=moderator, kind=kind, reason=reason.strip()
    )
    return statement


@transaction.atomic
def idea_submit(*, consultation: ConsultationPage, author, title: str, text: str, theme: str = "") -> Idea:
    """Record an idea; its author follows the consultation from then on."""
    if not (consultation.live and consultation.ideas_enabled and consultation.phase() == Phase.OPEN):
        raise ResponseRefused(_("This consultation is not accepting ideas."))
    idea = Idea.objects.create(
        consultation=consultation,
        author=author,
        title=title,
        text=text,
        theme=theme,
        territory=getattr(author, "territory", None),
    )
    Follow.objects.get_or_create(consultation=consultation, user=author)
    return idea


def idea_support_set(*, idea: Idea, user, supporting: bool) -> None:
    """Support an idea, or withdraw the support; one support per person (a unique constraint)."""
    consultation = idea.consultation
    if not (consultation.live and consultation.ideas_enabled and consultation.phase() == Phase.OPEN):
        raise ResponseRefused(_("Supports for this idea are closed."))
    if supporting:
        Support.objects.bulk_create([Support(idea=idea, supporter=user)], ignore_conflicts=True)
    else:
        Support.objects.filter(idea=idea, supporter=user).delete()


def idea_answer(*, idea: Idea, status: str, answer: str) -> Idea:
    """The organisation's answer: a status and the reason for it, shown on the idea."""
    if status not in Idea.Status.values:
        raise ResponseRefused(_("Choose one of the statuses offered."))
    if status != Idea.Status.RECEIVED and not answer.strip():
        raise ResponseRefused(_("Explain the status: participants see the reason."))
    Idea.objects.filter(pk=idea.pk).update(status=status, answer=answer.strip(), answered_at=timezone.now())
    idea.refresh_from_db()
    return idea
