from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from ..models import ConsultationPage
from . import services
from .models import ReportSnapshot


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def report_compile_task(consultation_id: int) -> None:
    """Compile a new report version for the consultation if it has new responses (safe to run twice)."""
    services.report_compile_started(consultation_id=consultation_id)
    consultation = ConsultationPage.objects.filter(pk=consultation_id).first()
    if consultation is None:  # deleted since
        return
    try:
        services.report_compile(consultation=consultation)
    except Exception as error:
        services.report_compile_finished(consultation_id=consultation_id, error=error)
        raise
    services.report_compile_finished(consultation_id=consultation_id)


@shared_task(ignore_result=True)
def reports_refresh_task() -> int:
    """Queue a compile for every consultation with responses that its latest report version has not read.

    Runs on a schedule (beat): it catches up after a broker outage and compiles once more after closing.
    """
    latest_watermark = (
        ReportSnapshot.objects.filter(consultation=OuterRef("pk"))
        .order_by("-version")
        .values("responses_updated_at")[:1]
    )
    stale = (
        ConsultationPage.objects.live()
        .filter(opens_at__lte=timezone.now())
        # Drafts are not read by a compile: a draft saved since the last one is nothing new.
        .annotate(
            last_response=Max("responses__updated_at", filter=Q(responses__status="submitted")),
            compiled_up_to=Subquery(latest_watermark),
        )
        .filter(last_response__isnull=False)
        .filter(Q(compiled_up_to__isnull=True) | Q(last_response__gt=F("compiled_up_to")))
        .values_list("pk", flat=True)
    )
    return sum(services.report_compile_schedule(consultation_id=pk) for pk in stale)


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def report_export_task(snapshot_id: int, file_format: str, language: str) -> None:
    """Build a report version's file (safe to run twice: the second run finds the first's file)."""
    snapshot = ReportSnapshot.objects.filter(pk=snapshot_id).first()
    if snapshot is not None:
        services.report_export(snapshot=snapshot, file_format=file_format, language=language)
