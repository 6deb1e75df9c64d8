from datetime import timedelta

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.utils import timezone

from consultations.models import ModerationAction, Response
from consultations.notifications import digest_items
from consultations.services.moderation import moderation_notify
from consultations.services.responses import response_receipt_send, responses_anonymise
from core.notifications import email_send
from core.outbox import EMAIL_TASK, consumer_once

DIGEST_PERIOD = timedelta(days=7)
# How far back a digest reaches for someone who has not had one for a long time.
DIGEST_LONGEST_PERIOD = timedelta(days=28)


@shared_task(ignore_result=True)
def weekly_digest_task() -> int:
    """Queue a digest for every person who follows something and has not turned the digest off, for
    the period ending now."""
    recipients = (
        get_user_model().objects.filter(email_digest=True, is_active=True, follows__isnull=False).distinct()
    )
    until = timezone.now()
    since = (until - DIGEST_PERIOD).isoformat()
    count = 0
    for user_id in recipients.values_list("pk", flat=True):
        # Not the outbox: nothing to commit it with, and a lost digest's news go in the next (digest_sent_at).
        digest_send_task.delay(user_id, since, until.isoformat())
        count += 1
    return count


@shared_task(**EMAIL_TASK)
def digest_send_task(user_id: int, since: str, until: str | None = None) -> bool:
    """Send one person's digest for the period ending `until`, in their language, if there is news.

    The period starts where the person's last digest ended (`digest_sent_at` is the end of the period it
    covered, not the moment it was sent), so consecutive digests neither leave a gap nor repeat; `since`
    is the start for a first digest. A second run for the same period sends nothing.
    """
    until_moment = timezone.datetime.fromisoformat(until) if until else timezone.now()
    users = get_user_model().objects.filter(pk=user_id, email_digest=True, is_active=True)
    with consumer_once("digest", user_id):
        user = users.exclude(digest_sent_at__gte=until_moment).first()
        if user is None:  # turned off, gone, or this period is already sent (a task run twice)
            return False
        since_moment = timezone.datetime.fromisoformat(since)
        if user.digest_sent_at is not None:
            since_moment = max(user.digest_sent_at, until_moment - DIGEST_LONGEST_PERIOD)
        items = digest_items(user=user, since=since_moment, now=until_moment)
        if not items:
            return False
        email_send(user=user, template="consultations/email/digest", context={"items": items}, topic="digest")
        users.update(digest_sent_at=until_moment)
        return True


@shared_task(ignore_result=True)
def responses_anonymise_task() -> int:
    """Daily: answers past their consultation's retention period lose their link to their authors."""
    return responses_anonymise()


@shared_task(**EMAIL_TASK)
def response_receipt_send_task(response_id: int) -> None:
    """Send the receipt of a response once per version of its answers (safe to run twice)."""
    with consumer_once("receipt", response_id):
        response = (
            Response.objects.submitted()
            .select_related("consultation", "participant")
            .filter(pk=response_id, participant__isnull=False)
            .filter(Q(receipt_sent_at=None) | Q(receipt_sent_at__lt=F("updated_at")))
            .first()
        )
        if response is None:  # already sent for these answers, a draft, or anonymised
            return
        response_receipt_send(response=response)


@shared_task(**EMAIL_TASK)
def moderation_notify_task(action_id: int) -> int:
    """E-mail the author of what a moderator hid, and the people whose reports it decided (each once:
    safe to run twice)."""
    action = (
        ModerationAction.objects.select_related("statement", "idea", "comment").filter(pk=action_id).first()
    )
    if action is None:  # gone
        return 0
    return moderation_notify(action=action)
