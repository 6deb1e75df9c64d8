"""Moderation: reports by participants, moderators' decisions on statements, ideas and comments, and
the e-mails that tell their authors and reporters."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from consultations.events import contributions_changed
from consultations.models import Comment, Idea, ModerationAction, Report, Statement, Visibility
from consultations.selectors import statement_deck_forget
from consultations.services.contributions import target_field
from consultations.services.refusals import AlreadyReported, BulkModerationRefused, ResponseRefused
from core.notifications import email_send
from core.outbox import consumer_once, outbox_enqueue

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
    target = {target_field(item): item}
    action = ModerationAction.objects.create(**target, moderator=moderator, kind=kind, reason=reason)
    open_reports = Report.objects.filter(**target, resolved_at=None)
    decides = kind in (ModerationAction.Kind.HIDE, ModerationAction.Kind.DISMISS)
    decided = open_reports.update(resolved_at=timezone.now(), decided_by=action if decides else None)
    # The author hears why their contribution was hidden, and each reporter what came of their report;
    # restoring or approving tells nobody. Queued with the change: sent once it commits.
    if (kind == ModerationAction.Kind.HIDE and item.author_id) or (decides and decided):
        outbox_enqueue("consultations.tasks.moderation_notify_task", action.pk)
    if isinstance(item, Statement):  # the statement deck shows it, or stops showing it, at once
        transaction.on_commit(lambda: statement_deck_forget(item.consultation_id))
    # Visitors stop seeing what was hidden at once (the pages kept for them are forgotten), and the open
    # data withdraws it (docs/opendata.md): the listeners of the event.
    contributions_changed.announce(
        consultation_id=item.consultation_id, withdraw=kind == ModerationAction.Kind.HIDE
    )
    return item


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
            if not Report.objects.filter(**{target_field(item): item}, resolved_at=None).exists():
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
    kind = target_field(item)
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
                **{target_field(item): item}, reporter=reporter, reason=reason, details=details.strip()[:500]
            )
    except IntegrityError:
        raise AlreadyReported(_("You have already reported this; the moderators will look at it.")) from None
