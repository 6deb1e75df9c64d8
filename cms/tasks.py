from celery import shared_task

from cms import services
from cms.models import OutcomeAnnouncement, OutcomePage, SiteMessage
from core.outbox import EMAIL_TASK, consumer_once

# E-mails: retried with backoff, then deferred to the outbox (core/outbox.py).
RELIABLE = EMAIL_TASK


@shared_task(**RELIABLE)
def outcome_announce_task(page_id: int) -> int:
    """E-mail the participants a newly published outcome page (once each; safe to run twice)."""
    page = OutcomePage.objects.live().public().select_related("consultation").filter(pk=page_id).first()
    if page is None:  # unpublished, restricted or deleted since: nothing to announce yet
        return 0
    return services.outcome_announce(page=page)


@shared_task(ignore_result=True)
def outcome_announcements_resume_task() -> int:
    """Queue the announcements that never finished (broker down when published, worker lost)."""
    pending = OutcomeAnnouncement.objects.filter(finished_at=None, page__live=True)
    count = 0
    for page_id in pending.values_list("page_id", flat=True):
        # Not the outbox: the unfinished OutcomeAnnouncement is the record, and this task comes back hourly.
        outcome_announce_task.delay(page_id)
        count += 1
    return count


@shared_task(**EMAIL_TASK)
def site_message_send_task(site_message_id: int) -> None:
    """Forward a site message to the contact address and acknowledge it to its sender, each once (a
    retry after a failure sends only what is still missing)."""
    # Each e-mail in its own transaction: a failed acknowledgement does not undo the forward's mark.
    with consumer_once("site_message_forward", site_message_id):
        site_message = SiteMessage.objects.filter(pk=site_message_id, forwarded_at=None).first()
        if site_message is not None:
            services.site_message_forward(site_message=site_message)
    with consumer_once("site_message_acknowledge", site_message_id):
        site_message = SiteMessage.objects.filter(pk=site_message_id, acknowledged_at=None).first()
        if site_message is not None:
            services.site_message_acknowledge(site_message=site_message)
