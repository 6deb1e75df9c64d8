"""Writes of the public site: announcing an outcome page to the people who took part, and the
messages sent through its forms."""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cms.models import OutcomeAnnouncement, OutcomeNotification, OutcomePage, SiteMessage, SiteSettings
from consultations.models import Idea, Response, Statement, Vote
from core.notifications import email_send, email_send_once, email_send_to
from core.outbox import outbox_enqueue
from opendata.services import opendataset_request_for

logger = logging.getLogger(__name__)


def outcome_published(*, page: OutcomePage) -> bool:
    """Called on each publication of an outcome page: the first one queues the participants' e-mail.

    Returns whether this publication is the one that announces the page.
    """
    _announcement, created = OutcomeAnnouncement.objects.get_or_create(page_id=page.pk)
    if created:
        outbox_enqueue("cms.tasks.outcome_announce_task", page.pk)
    # The consultation's open data quotes the report version the page pins (docs/opendata.md).
    opendataset_request_for(consultation_id=page.consultation_id)
    return created


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
    return get_user_model().objects.filter(took_part, is_active=True, email_outcomes=True)


def outcome_announce(*, page: OutcomePage) -> int:
    """E-mail each participant the outcome page, in their language, once each (safe to run twice).

    Each e-mail's record commits with its sending (`email_send_once`): a worker killed in between
    leaves no record, so the run delivered again sends it; a record never stands for an unsent e-mail.
    """
    sent = 0
    already = OutcomeNotification.objects.filter(page=page).values("user_id")
    context = {"page": page, "consultation": page.consultation}
    for user in outcome_recipients(page=page).exclude(pk__in=already).order_by("pk").iterator():
        outcome = email_send_once(
            record=lambda user=user: OutcomeNotification.objects.create(page=page, user=user),
            send=lambda user=user: email_send(
                user=user, template="cms/email/outcome", context=context, topic="outcomes"
            ),
        )
        if outcome == "refused":
            logger.warning("outcome e-mail refused by the mail server page=%s user=%s", page.pk, user.pk)
        sent += outcome == "sent"
    OutcomeAnnouncement.objects.filter(page=page).update(finished_at=timezone.now())
    logger.info("outcome announced page=%s sent=%s", page.pk, sent)
    return sent


@transaction.atomic
def site_message_submit(
    *,
    kind: str,
    email: str,
    message: str,
    language: str,
    name: str = "",
    page_url: str = "",
    subject: str = "",
) -> SiteMessage:
    """Record a message of the contact or accessibility form; it is forwarded and acknowledged once
    committed."""
    site_message = SiteMessage.objects.create(
        kind=kind,
        name=name,
        email=email,
        page_url=page_url,
        subject=subject,
        message=message,
        language=language,
    )
    logger.info("site message %s recorded (%s)", site_message.pk, kind)
    outbox_enqueue("cms.tasks.site_message_send_task", site_message.pk)
    return site_message


def site_message_forward(*, site_message: SiteMessage) -> bool:
    """E-mail the message to the site's contact address (answering goes to its sender); False when no
    contact address is set, in which case the message waits in the administration."""
    address = SiteSettings.objects.exclude(contact_email="").values_list("contact_email", flat=True).first()
    if not address:
        logger.warning(
            "site message %s not forwarded: no contact address in the site settings", site_message.pk
        )
        return False
    email_send_to(
        address=address,
        language=site_message.language,
        template="cms/email/site_message_forward",
        context={"site_message": site_message},
        headers={"Reply-To": site_message.email},
    )
    SiteMessage.objects.filter(pk=site_message.pk).update(forwarded_at=timezone.now())
    return True


def site_message_acknowledge(*, site_message: SiteMessage) -> None:
    """Acknowledge receipt to the sender (for accessibility complaints, as article R112-3 of the CRPA
    requires)."""
    email_send_to(
        address=site_message.email,
        language=site_message.language,
        template="cms/email/site_message_acknowledgement",
        context={"site_message": site_message},
    )
    SiteMessage.objects.filter(pk=site_message.pk).update(acknowledged_at=timezone.now())
