from celery import shared_task
from django.db import InterfaceError, OperationalError

from .models import OutcomeAnnouncement, OutcomePage

RELIABLE = {
    "acks_late": True,
    "autoretry_for": (OperationalError, InterfaceError, OSError),
    "retry_backoff": True,
    "max_retries": 5,
    "ignore_result": True,
}


@shared_task(**RELIABLE)
def outcome_announce_task(page_id: int) -> int:
    """E-mail the participants a newly published outcome page (once each; safe to run twice)."""
    from . import services

    page = OutcomePage.objects.live().select_related("consultation").filter(pk=page_id).first()
    if page is None:  # unpublished or deleted since: nothing to announce yet
        return 0
    return services.outcome_announce(page=page)


@shared_task(ignore_result=True)
def outcome_announcements_resume_task() -> int:
    """Queue the announcements that never finished (broker down when published, worker lost)."""
    pending = OutcomeAnnouncement.objects.filter(finished_at=None, page__live=True)
    count = 0
    for page_id in pending.values_list("page_id", flat=True):
        outcome_announce_task.delay(page_id)
        count += 1
    return count
