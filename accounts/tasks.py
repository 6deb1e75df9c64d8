from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True)
def inactive_accounts_task() -> None:
    """Warn, then delete, accounts left unused (scheduled daily by beat). Safe to run twice."""
    services.inactive_accounts_process()
