from celery import shared_task

from . import services
from .models import Invitation
from .outbox import EMAIL_TASK


@shared_task(acks_late=True, ignore_result=True)
def inactive_accounts_task() -> None:
    """Warn, then delete, accounts left unused (scheduled daily by beat). Safe to run twice."""
    services.inactive_accounts_process()


@shared_task(**EMAIL_TASK)
def invitation_send_task(invitation_id: int, token: str) -> None:
    """E-mail the invitation link (the token exists only in this message and the e-mail); once: a second
    delivery finds it sent."""
    from django.utils import timezone

    invitations = Invitation.objects.filter(pk=invitation_id, accepted_at=None, sent_at=None)
    invitation = invitations.select_related("organisation").first()
    if invitation is None:
        return
    services.invitation_send(invitation=invitation, token=token)
    invitations.update(sent_at=timezone.now())


@shared_task(ignore_result=True)
def sessions_clear_task() -> None:
    """Daily: expired sessions go (they hold the address of the last sign-in)."""
    from django.core.management import call_command

    call_command("clearsessions")


@shared_task(ignore_result=True)
def outbox_sweep_task() -> int:
    """Every minute: publish the tasks recorded while the broker was down (accounts/outbox.py)."""
    from .outbox import outbox_sweep

    return outbox_sweep()
