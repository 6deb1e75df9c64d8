from datetime import timedelta

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.notifications import email_send
from accounts.outbox import EMAIL_TASK

from . import services
from .notifications import digest_items

DIGEST_PERIOD = timedelta(days=7)


@shared_task(ignore_result=True)
def weekly_digest_task() -> int:
    """Queue a digest for every person who follows something and has not turned the digest off."""
    recipients = (
        get_user_model().objects.filter(email_digest=True, is_active=True, follows__isnull=False).distinct()
    )
    since = (timezone.now() - DIGEST_PERIOD).isoformat()
    count = 0
    for user_id in recipients.values_list("pk", flat=True):
        digest_send_task.delay(user_id, since)
        count += 1
    return count


@shared_task(**EMAIL_TASK)
def digest_send_task(user_id: int, since: str) -> bool:
    """Send one person's digest, in their language, if there is news (nothing is sent otherwise)."""
    since_moment = timezone.datetime.fromisoformat(since)
    users = get_user_model().objects.filter(pk=user_id, email_digest=True, is_active=True)
    # Already sent for this period (a task run twice, a redelivery): nothing more.
    user = users.exclude(digest_sent_at__gt=since_moment).first()
    if user is None:
        return False
    now = timezone.now()
    items = digest_items(user=user, since=since_moment, now=now)
    if not items:
        return False
    email_send(user=user, template="consultations/email/digest", context={"items": items}, topic="digest")
    users.update(digest_sent_at=now)
    return True


@shared_task(ignore_result=True)
def responses_anonymise_task() -> int:
    """Daily: answers past their consultation's retention period lose their link to their authors."""
    return services.responses_anonymise()


@shared_task(**EMAIL_TASK)
def response_receipt_send_task(response_id: int) -> None:
    """Send the receipt of a response once per version of its answers (safe to run twice)."""
    from django.db.models import F, Q

    from .models import Response

    response = (
        Response.objects.submitted()
        .select_related("consultation", "participant")
        .filter(pk=response_id, participant__isnull=False)
        .filter(Q(receipt_sent_at=None) | Q(receipt_sent_at__lt=F("updated_at")))
        .first()
    )
    if response is None:  # already sent for these answers, a draft, or anonymised
        return
    services.response_receipt_send(response=response)
