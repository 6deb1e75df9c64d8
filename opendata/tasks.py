from celery import shared_task

from core.outbox import OUTBOX_TASK
from opendata import services


@shared_task(**OUTBOX_TASK)
def opendataset_build_task(kind: str, pk: int) -> None:
    """Build and store the open data of a consultation or a call (`kind`), from the database as it is
    now (safe to run twice: the same data gives the same files)."""
    services.opendataset_build(kind=kind, pk=pk)


@shared_task(ignore_result=True)
def opendatasets_refresh_task() -> int:
    """Queue the builds of datasets missing or out of date (beat): consultations that closed, calls
    whose milestones were reached, report versions newly pinned."""
    return services.opendatasets_refresh()
