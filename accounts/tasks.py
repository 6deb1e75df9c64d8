from celery import shared_task

from accounts import services
from accounts.models import Invitation
from core.outbox import EMAIL_TASK, consumer_once, outbox_sweep


@shared_task(acks_late=True, ignore_result=True)
def inactive_accounts_task() -> None:
    """Warn, then delete, accounts left unused (scheduled daily by beat). Safe to run twice."""
    services.inactive_accounts_process()


@shared_task(**EMAIL_TASK)
def invitation_send_task(invitation_id: int, _token: str | None = None) -> None:
    """E-mail the invitation link, once: a second delivery finds it sent. (`_token`: rows queued by an
    earlier version carried one; it is ignored, a fresh token is sent.)"""
    with consumer_once("invitation", invitation_id):
        invitation = (
            Invitation.objects.filter(pk=invitation_id, accepted_at=None, sent_at=None)
            .select_related("organisation")
            .first()
        )
        if invitation is None:  # already sent, accepted, or deleted
            return
        services.invitation_send(invitation=invitation)


@shared_task(ignore_result=True)
def sessions_clear_task() -> None:
    """Daily: expired sessions go (they hold the address of the last sign-in)."""
    from django.core.management import call_command

    call_command("clearsessions")


@shared_task(ignore_result=True)
def outbox_sweep_task() -> int:
    """Every minute: publish the tasks recorded while the broker was down (core/outbox.py)."""
    return outbox_sweep()
