"""Writes of the public site: messages sent through its forms."""

import logging

from django.db import transaction
from django.utils import timezone

from accounts.notifications import email_send_to

from .models import SiteMessage, SiteSettings

logger = logging.getLogger(__name__)


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
    from .tasks import site_message_send_task

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
    site_message_send_task.delay_on_commit(site_message.pk)
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
