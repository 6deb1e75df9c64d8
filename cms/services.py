"""Writes of the public site: announcing an outcome page to the people who took part."""

import logging

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.notifications import email_send
from consultations.models import Idea, Response, Statement, Vote

from .models import OutcomeAnnouncement, OutcomeNotification, OutcomePage

logger = logging.getLogger(__name__)


def outcome_published(*, page: OutcomePage) -> bool:
    """Called on each publication of an outcome page: the first one queues the participants' e-mail.

    Returns whether this publication is the one that announces the page.
    """
    _announcement, created = OutcomeAnnouncement.objects.get_or_create(page_id=page.pk)
    if created:
        transaction.on_commit(lambda: _announce_schedule(page.pk))
    return created


def _announce_schedule(page_id: int) -> None:
    from .tasks import outcome_announce_task

    try:
        outcome_announce_task.delay(page_id)
    except Exception:  # broker down: the page stands; `outcome_announcements_resume_task` retries
        logger.exception("outcome announcement not queued page=%s", page_id)


def outcome_recipients(*, page: OutcomePage):
    """Active accounts that took part in the page's consultation: sent a response, wrote or voted on a
    statement, proposed an idea. Deleted accounts are gone from the contributions, so never reached."""
    consultation_id = page.consultation_id
    # Subqueries rather than joins: a person with many votes is one row, not one per vote.
    took_part = (
        Q(
            pk__in=Response.objects.submitted()
            .filter(consultation_id=consultation_id)
            .values("participant_id")
        )
        | Q(pk__in=Statement.objects.filter(consultation_id=consultation_id).values("author_id"))
        | Q(pk__in=Vote.objects.filter(statement__consultation_id=consultation_id).values("participant_id"))
        | Q(pk__in=Idea.objects.filter(consultation_id=consultation_id).values("author_id"))
    )
    return get_user_model().objects.filter(took_part, is_active=True)


def outcome_announce(*, page: OutcomePage) -> int:
    """E-mail each participant the outcome page, in their language, once each (safe to run twice).

    Each e-mail is recorded before it is sent; if sending fails the record is removed, so a retry sends
    it then and never twice.
    """
    sent = 0
    already = OutcomeNotification.objects.filter(page=page).values("user_id")
    for user in outcome_recipients(page=page).exclude(pk__in=already).order_by("pk").iterator():
        try:
            notification = OutcomeNotification.objects.create(page=page, user=user)
        except IntegrityError:  # another run sent it meanwhile
            continue
        try:
            email_send(
                user=user,
                template="cms/email/outcome",
                context={"page": page, "consultation": page.consultation},
            )
        except Exception:
            notification.delete()
            raise
        sent += 1
    OutcomeAnnouncement.objects.filter(page=page).update(finished_at=timezone.now())
    logger.info("outcome announced page=%s sent=%s", page.pk, sent)
    return sent
