"""Writes of the consultation domain: every change goes through one of these functions."""

import logging
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from consultations import permissions
from consultations.blocks import OTHER, OTHER_TEXT_MAX_LENGTH, Question
from consultations.events import answers_received, contributions_changed
from consultations.models import (
    COMMENT_MAX_DEPTH,
    COMMENT_MAX_LENGTH,
    Answer,
    Channel,
    Comment,
    ConsultationPage,
    ConsultationUpdateRelease,
    Follow,
    Idea,
    ModerationAction,
    ModerationPolicy,
    Report,
    Response,
    Stance,
    Statement,
    Support,
    Visibility,
    Vote,
)
from consultations.selectors import statement_deck_forget
from core.notifications import email_send
from core.outbox import outbox_enqueue
from core.page_cache import page_cache_forget
from core.windows import Phase

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
    if not permissions.accepts_contributions.test(participant, consultation):
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
        answers_received.announce(consultation_id=consultation.pk)
        # Recorded with the answers: sent once committed, or by the outbox sweep if the broker is down.
        from consultations.tasks import response_receipt_send_task

        outbox_enqueue(response_receipt_send_task, response.pk)
    return response


class PaperRefused(ResponseRefused):
    """A paper form cannot be typed in (a number typed before, a consultation not started…); `status` is
    the HTTP status that says so."""

    def __init__(self, message, *, status: int = 400):
        super().__init__(message)
        self.status = status


def _paper_checked(consultation: ConsultationPage) -> dict[str, Question]:
    # Paper forms collected before the closing date are often typed in afterwards: accepted once open.
    if not consultation.live or consultation.phase() == Phase.UPCOMING:
        raise PaperRefused(_("Paper forms are typed in once the consultation is published and open."))
    return {question.id: question for question in consultation.question_list}


def _paper_rows(questions: dict[str, Question], answers: dict) -> list[Answer]:
    rows = []
    for question_id, value in answers.items():
        question = questions.get(question_id)
        if question is None:
            raise PaperRefused(_("This questionnaire has changed; download the template again."))
        rows.extend(_answer_rows(question, value))
    if not rows:
        raise PaperRefused(_("Answer at least one question before sending."))
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
    for reference, answers in forms:
        rows = _paper_rows(questions, answers)
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
    from consultations.selectors import answers_by_question

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


def updates_release(*, consultation: ConsultationPage, moment=None) -> int:
    """Called on each publication of a consultation page: its follow-up updates published for the first
    time get their release date, which the weekly digest goes by (republishing releases nothing again)."""
    moment = moment or timezone.now()
    new = [
        ConsultationUpdateRelease(update_id=pk, released_at=moment)
        for pk in consultation.updates.filter(release__isnull=True).values_list("pk", flat=True)
    ]
    ConsultationUpdateRelease.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


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
    if not permissions.accepts_statements.test(author, consultation):
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
    if status == Statement.Status.PUBLISHED:
        transaction.on_commit(lambda: statement_deck_forget(consultation.pk))
    return statement


def vote_cast(*, statement: Statement, participant, value: int) -> None:
    """Record or change the participant's vote: one row per person and statement, by a single upsert."""
    if refusal := permissions.statement_votable.refusal(participant, statement):
        raise ResponseRefused(refusal.message)
    if value not in Vote.Value.values:
        raise ResponseRefused(_("Choose agree, disagree or pass."))
    Vote.objects.bulk_create(
        [Vote(statement=statement, participant=participant, value=value)],
        update_conflicts=True,
        unique_fields=["statement", "participant"],
        update_fields=["value", "updated_at"],
    )


def statement_moderate(*, statement: Statement, moderator, kind: str, reason: str = "") -> Statement:
    """Approve, hide or restore a statement; logged, and the reason is shown to its author."""
    return contribution_moderate(item=statement, moderator=moderator, kind=kind, reason=reason)


# What each action may apply to (the item's current status) and what it leaves. Dismissing the
# reports keeps the item as it is.
_MODERATION_RULES = {
    Statement: {
        ModerationAction.Kind.APPROVE: ({Statement.Status.PENDING}, Statement.Status.PUBLISHED),
        ModerationAction.Kind.HIDE: (
            {Statement.Status.PENDING, Statement.Status.PUBLISHED},
            Statement.Status.HIDDEN,
        ),
        ModerationAction.Kind.RESTORE: ({Statement.Status.HIDDEN}, Statement.Status.PUBLISHED),
        ModerationAction.Kind.DISMISS: ({Statement.Status.PUBLISHED}, None),
    },
    Idea: {
        ModerationAction.Kind.HIDE: ({Visibility.PUBLISHED}, Visibility.HIDDEN),
        ModerationAction.Kind.RESTORE: ({Visibility.HIDDEN}, Visibility.PUBLISHED),
        ModerationAction.Kind.DISMISS: ({Visibility.PUBLISHED}, None),
    },
    Comment: {
        ModerationAction.Kind.HIDE: ({Comment.Status.PUBLISHED}, Comment.Status.HIDDEN),
        ModerationAction.Kind.RESTORE: ({Comment.Status.HIDDEN}, Comment.Status.PUBLISHED),
        ModerationAction.Kind.DISMISS: ({Comment.Status.PUBLISHED}, None),
    },
}


def _status_field(item) -> str:
    return "moderation_status" if isinstance(item, Idea) else "status"


def _target_field(item) -> str:
    """The name of the foreign key that points at `item` in reports and the moderation log."""
    return {Statement: "statement", Idea: "idea", Comment: "comment"}[type(item)]


@transaction.atomic
def contribution_moderate(*, item, moderator, kind: str, reason: str = ""):
    """Approve, hide, restore a statement, idea or comment, or dismiss its reports ("keep it").

    Logged in `ModerationAction`; hiding needs a reason, shown to the author. Every action closes
    the item's open reports: the moderator has looked at them.
    """
    model = type(item)
    item = model.objects.select_for_update().get(pk=item.pk)
    rule = _MODERATION_RULES[model].get(kind)
    if rule is None:
        raise ResponseRefused(_("Unknown moderation action."))
    allowed, outcome = rule
    field = _status_field(item)
    if getattr(item, field) not in allowed:
        if model is Statement:
            raise ResponseRefused(
                _("This statement has changed since you opened the page; look at it again.")
            )
        raise ResponseRefused(_("This contribution has changed since you opened the page; look at it again."))
    reason = reason.strip()
    if kind == ModerationAction.Kind.HIDE and not reason:
        raise ResponseRefused(_("Give the reason for hiding it: its author will see it."))
    if outcome is not None:
        setattr(item, field, outcome)
        item.moderation_reason = reason
        item.save(update_fields=[field, "moderation_reason"])
    target = {_target_field(item): item}
    action = ModerationAction.objects.create(**target, moderator=moderator, kind=kind, reason=reason)
    open_reports = Report.objects.filter(**target, resolved_at=None)
    decides = kind in (ModerationAction.Kind.HIDE, ModerationAction.Kind.DISMISS)
    decided = open_reports.update(resolved_at=timezone.now(), decided_by=action if decides else None)
    # The author hears why their contribution was hidden, and each reporter what came of their report;
    # restoring or approving tells nobody. Queued with the change: sent once it commits.
    if (kind == ModerationAction.Kind.HIDE and item.author_id) or (decides and decided):
        from consultations.tasks import moderation_notify_task

        outbox_enqueue(moderation_notify_task, action.pk)
    if isinstance(item, Statement):  # the statement deck shows it, or stops showing it, at once
        transaction.on_commit(lambda: statement_deck_forget(item.consultation_id))
    transaction.on_commit(page_cache_forget)  # visitors stop seeing what was hidden at once, too
    _opendata_changed(item.consultation_id, withdraw=kind == ModerationAction.Kind.HIDE)
    return item


class BulkModerationRefused(ResponseRefused):
    """One of the items ticked cannot take the action: nothing was changed."""


@transaction.atomic
def contributions_moderate(*, items: list, moderator, kind: str, reason: str = "") -> list:
    """The same decision, with one reason, on several statements, ideas and comments: all or nothing.

    `approve` publishes a pending statement and keeps (dismisses the reports of) a reported item; `hide`
    hides each one (the reason is required). An item that cannot take the action (it changed meanwhile,
    nothing to decide on it) refuses the whole batch, naming it: nothing is changed. Returns the items.
    """
    if kind not in (ModerationAction.Kind.APPROVE, ModerationAction.Kind.HIDE):
        raise ResponseRefused(_("Unknown moderation action."))
    if kind == ModerationAction.Kind.HIDE and not reason.strip():
        raise ResponseRefused(_("Give the reason for hiding them: their authors will see it."))
    if not items:
        raise ResponseRefused(_("Tick at least one item in the list."))
    done = []
    for item in items:
        action = kind
        if kind == ModerationAction.Kind.APPROVE and not (
            isinstance(item, Statement) and item.status == Statement.Status.PENDING
        ):
            action = ModerationAction.Kind.DISMISS
            if not Report.objects.filter(**{_target_field(item): item}, resolved_at=None).exists():
                raise BulkModerationRefused(
                    _("“%(item)s” has nothing to approve or keep: untick it, or reload the page.")
                    % {"item": _excerpt(item)}
                )
        try:
            contribution_moderate(item=item, moderator=moderator, kind=action, reason=reason)
        except ResponseRefused as refused:
            raise BulkModerationRefused(
                _("“%(item)s”: %(refusal)s Nothing was changed.")
                % {"item": _excerpt(item), "refusal": refused.message}
            ) from None
        done.append(item)
    return done


def _excerpt(item, length: int = 60) -> str:
    return Truncator(item.title if isinstance(item, Idea) else item.text).chars(length)


# A reason that already ends a sentence (or a question, a quotation) gets no period of ours.
_SENTENCE_ENDS = (".", "!", "?", "…")
_CLOSERS = "\"'»”)]’"


def as_sentence(text: str) -> str:
    """`text` ending with one full stop: "Hors sujet" → "Hors sujet.", "Hors sujet." stays as it is."""
    text = text.strip()
    if not text or text.rstrip(_CLOSERS + " \u00a0").endswith(_SENTENCE_ENDS):
        return text
    return f"{text}."


def _notice_context(item, action: ModerationAction) -> dict:
    kind = _target_field(item)
    return {
        "kind": kind,
        "item": item,
        "excerpt": _excerpt(item, 200),
        "consultation": item.consultation,
        "reason": as_sentence(action.reason),
        "action": action,
    }


def _wants_moderation_email(user) -> bool:
    return user is not None and user.is_active and user.email_moderation


def moderation_notify(*, action: ModerationAction) -> int:
    """E-mail what a moderator decided, each person once, in their language: the author of what was
    hidden (the reason, and what they can do), and each person whose report it decided (hidden or kept).

    Each e-mail's "sent" mark commits with its sending under a lock of its own (`consumer_once`), so
    a task run twice sends each once, and a worker killed in between sends it on the next run. Nothing
    goes out for what was restored meanwhile; the reporter's identity is never in the author's e-mail.
    Returns the number of e-mails sent.
    """
    from core.outbox import consumer_once

    item = action.item
    model = type(item)
    hidden = action.kind == ModerationAction.Kind.HIDE
    sent = 0
    if hidden:
        with consumer_once("moderation_author", action.pk):
            if ModerationAction.objects.filter(pk=action.pk, author_notified_at=None).exists():
                item = model.objects.select_related("author", "consultation").get(pk=item.pk)
                still_hidden = getattr(item, _status_field(item)) == "hidden"
                if still_hidden and _wants_moderation_email(item.author):
                    email_send(
                        user=item.author,
                        template="consultations/email/moderation_hidden",
                        context=_notice_context(item, action),
                        topic="moderation",
                    )
                    sent += 1
                ModerationAction.objects.filter(pk=action.pk).update(author_notified_at=timezone.now())
    for report_id in action.decided_reports.filter(reporter_notified_at=None).values_list("pk", flat=True):
        with consumer_once("moderation_reporter", report_id):
            report = (
                Report.objects.select_related("reporter")
                .filter(pk=report_id, reporter_notified_at=None)
                .first()
            )
            if report is None:  # told by another run meanwhile
                continue
            item = model.objects.select_related("consultation").get(pk=item.pk)
            restored = hidden and getattr(item, _status_field(item)) != "hidden"
            if (
                not restored
                and report.reporter_id != action.moderator_id
                and _wants_moderation_email(report.reporter)
            ):
                email_send(
                    user=report.reporter,
                    template="consultations/email/report_decided",
                    context={**_notice_context(item, action), "report": report, "hidden": hidden},
                    topic="moderation",
                )
                sent += 1
            Report.objects.filter(pk=report_id).update(reporter_notified_at=timezone.now())
    return sent


def _opendata_changed(consultation_id: int, *, withdraw: bool = False) -> None:
    """A closed consultation's open data shows what the site shows: opendata rebuilds it (queued in this
    transaction); what was hidden is withdrawn from it at once (docs/opendata.md)."""
    contributions_changed.announce(consultation_id=consultation_id, withdraw=withdraw)


@transaction.atomic
def idea_submit(*, consultation: ConsultationPage, author, title: str, text: str, theme: str = "") -> Idea:
    """Record an idea; its author follows the consultation from then on."""
    if not permissions.accepts_ideas.test(author, consultation):
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


@transaction.atomic
def idea_support_set(*, idea: Idea, user, supporting: bool) -> None:
    """Support an idea, or withdraw the support; one support per person (a unique constraint).

    The idea's row is locked so that a merge cannot run between the check and the write.
    """
    if refusal := permissions.supports_open.refusal(user, idea):
        raise ResponseRefused(refusal.message)
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    if refusal := permissions.idea_unmerged.refusal(user, idea):
        raise ResponseRefused(refusal.message)
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
    with transaction.atomic():
        Idea.objects.filter(pk=idea.pk).update(
            status=status, answer=answer.strip(), answered_at=timezone.now()
        )
        _opendata_changed(idea.consultation_id)
        transaction.on_commit(page_cache_forget)
    idea.refresh_from_db()
    return idea


class AlreadyReported(ResponseRefused):
    """The person already has an open report on this item."""


def _comment_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise ResponseRefused(_("Write your comment before sending it."))
    if len(text) > COMMENT_MAX_LENGTH:
        raise ResponseRefused(
            _("A comment has at most %(limit)d characters.") % {"limit": COMMENT_MAX_LENGTH}
        )
    return text


@transaction.atomic
def comment_post(
    *, target: Idea | Statement, author, text: str, stance: str, parent: Comment | None = None
) -> Comment:
    """Comment on an idea or a statement, or reply to one of its comments; the author then follows.

    Threads keep at most `COMMENT_MAX_DEPTH` levels: a reply to a comment of the last level stays
    at that level (its `parent` still says which comment it answers).
    """
    if not permissions.commentable.test(author, target):
        raise ResponseRefused(_("This item is not open to comments."))
    if stance not in Stance.values:
        raise ResponseRefused(_("Choose for, against or neutral."))
    text = _comment_text(text)
    field = _target_field(target)
    depth = 0
    if parent is not None:
        if getattr(parent, f"{field}_id") != target.pk:
            raise ResponseRefused(_("You can only reply to a comment on the same item."))
        if parent.status != Comment.Status.PUBLISHED:
            raise ResponseRefused(_("This comment no longer takes replies."))
        depth = min(parent.depth + 1, COMMENT_MAX_DEPTH - 1)
    comment = Comment.objects.create(
        consultation=target.consultation,
        **{field: target},
        parent=parent,
        depth=depth,
        author=author,
        text=text,
        stance=stance,
    )
    Follow.objects.get_or_create(consultation=target.consultation, user=author)
    return comment


@transaction.atomic
def comment_edit(*, comment: Comment, author, text: str, stance: str) -> Comment:
    """Correct one's comment within the edit window; it is then shown as edited."""
    comment = Comment.objects.select_for_update().select_related("consultation").get(pk=comment.pk)
    if not permissions.can(author, "change_comment", comment):
        raise ResponseRefused(_("This comment can no longer be edited."))
    if stance not in Stance.values:
        raise ResponseRefused(_("Choose for, against or neutral."))
    comment.text = _comment_text(text)
    comment.stance = stance
    comment.edited_at = timezone.now()
    comment.save(update_fields=["text", "stance", "edited_at"])
    transaction.on_commit(page_cache_forget)  # a correction shows to visitors at once
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, author) -> Comment:
    """The author withdraws their comment: its text is erased, a placeholder keeps the replies in context."""
    comment = Comment.objects.select_for_update().select_related("consultation").get(pk=comment.pk)
    if not permissions.can(author, "delete_comment", comment):
        raise ResponseRefused(_("Only its author can delete this comment."))
    comment.text = ""
    comment.status = Comment.Status.DELETED
    comment.save(update_fields=["text", "status"])
    Report.objects.filter(comment=comment, resolved_at=None).update(resolved_at=timezone.now())
    transaction.on_commit(page_cache_forget)
    _opendata_changed(comment.consultation_id, withdraw=True)
    return comment


def report_submit(*, item: Statement | Idea | Comment, reporter, reason: str, details: str = "") -> Report:
    """Signal a contribution to the moderators; one open report per person and item.

    The partial unique constraint decides (two racing clicks make one report); the second is told
    the item is already reported.
    """
    if reason not in Report.Reason.values:
        raise ResponseRefused(_("Choose one of the reasons offered."))
    try:
        with transaction.atomic():
            return Report.objects.create(
                **{_target_field(item): item}, reporter=reporter, reason=reason, details=details.strip()[:500]
            )
    except IntegrityError:
        raise AlreadyReported(_("You have already reported this; the moderators will look at it.")) from None


@transaction.atomic
def idea_merge(*, source: Idea, target: Idea, moderator, reason: str) -> Idea:
    """Merge a duplicate `source` into `target`: its supports move, counted once per person.

    Both rows are locked (in id order, against deadlocks) so that no support lands on `source`
    meanwhile; supports of people who supported both are dropped from `source`, the others move,
    and the `(idea, supporter)` unique constraint guarantees nobody counts twice. `source` keeps its
    comments (readable on its page, which points to `target`) and takes no new support or comment.
    """
    if source.pk == target.pk:
        raise ResponseRefused(_("An idea cannot be merged into itself."))
    locked = {
        idea.pk: idea
        for idea in Idea.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")
    }
    source, target = locked[source.pk], locked[target.pk]
    if source.consultation_id != target.consultation_id:
        raise ResponseRefused(_("Only ideas of the same consultation can be merged."))
    if source.merged_into_id is not None:
        raise ResponseRefused(_("This idea is already merged into another one."))
    if target.merged_into_id is not None:
        raise ResponseRefused(_("That idea is itself merged into another one: merge into that one."))
    if target.moderation_status != Visibility.PUBLISHED:
        raise ResponseRefused(_("That idea is hidden by moderation: merge into a published idea."))
    reason = reason.strip()
    if not reason:
        raise ResponseRefused(_("Give the reason for the merge: participants will see it."))
    already = Support.objects.filter(idea=target, supporter=OuterRef("supporter"))
    source.supports.filter(Exists(already)).delete()
    source.supports.update(idea=target)
    source.merged_into = target
    source.moderation_reason = reason
    source.save(update_fields=["merged_into", "moderation_reason"])
    Report.objects.filter(idea=source, resolved_at=None).update(resolved_at=timezone.now())
    ModerationAction.objects.create(
        idea=source, moderator=moderator, kind=ModerationAction.Kind.MERGE, reason=reason
    )
    transaction.on_commit(page_cache_forget)
    _opendata_changed(source.consultation_id)
    return source
