from celery import shared_task

from . import services
from .models import SiteMessage


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5, ignore_result=True)
def site_message_send_task(site_message_id: int) -> None:
    """Forward a site message to the contact address and acknowledge it to its sender, each once (a
    retry after a failure sends only what is still missing)."""
    site_message = SiteMessage.objects.filter(pk=site_message_id).first()
    if site_message is None:
        return
    if site_message.forwarded_at is None:
        services.site_message_forward(site_message=site_message)
    if site_message.acknowledged_at is None:
        services.site_message_acknowledge(site_message=site_message)
