from celery import shared_task

from . import services
from .models import Invitation


@shared_task(acks_late=True, ignore_result=True)
def inactive_accounts_task() -> None:
    """Warn, then delete, accounts left unused (scheduled daily by beat). Safe to run twice."""
    services.inactive_accounts_process()


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5, ignore_result=True)
def invitation_send_task(invitation_id: int, token: str) -> None:
    """E-mail the invitation link (the token exists only in this message and the e-mail)."""
    invitation = (
        Invitation.objects.select_related("organisation").filter(pk=invitation_id, accepted_at=None).first()
    )
    if invitation is None:
        return
    services.invitation_send(invitation=invitation, token=token)


@shared_task(ignore_result=True)
def sessions_clear_task() -> None:
    """Daily: expired sessions go (they hold the address of the last sign-in)."""
    from django.core.management import call_command

    call_command("clearsessions")
