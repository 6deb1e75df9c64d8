import logging

from celery import Task, shared_task
from django.db import DatabaseError, InterfaceError, OperationalError
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from consultations.models import ConsultationPage, Response, Vote
from core.outbox import OUTBOX_TASK
from reports import services
from reports.models import ReportSnapshot

logger = logging.getLogger(__name__)

# Tasks whose work must happen once: acknowledged only when done (a killed worker's task is delivered
# again), retried with backoff when the database is briefly unreachable.
RELIABLE = {
    "acks_late": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "max_retries": 5,
    "ignore_result": True,
}


class ReportCompileTask(Task):
    """A compile whose failure, whatever it is and wherever it happens (before its body runs too), is
    recorded: in the database when the worker can reach it, and always in the result backend
    (`store_errors_even_if_ignored`), where the report page finds it when the worker could not write it
    (`services.report_compile_state`)."""

    store_errors_even_if_ignored = True

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        consultation_id = kwargs.get("consultation_id", args[0] if args else None)
        try:
            services.report_compile_failed(
                consultation_id=consultation_id, task_id=task_id, error=type(exc).__name__
            )
        except DatabaseError:
            logger.warning("report compile failure kept in the result backend only task=%s", task_id)


# Retried a few times within seconds when the database is briefly unreachable, then failed: the official
# reads that it failed, and may ask again (the refresh schedule asks again too).
@shared_task(base=ReportCompileTask, name=services.COMPILE_TASK, **{**RELIABLE, "max_retries": 3})
def report_compile_task(consultation_id: int) -> None:
    """Compile a new report version for the consultation if it has new responses (safe to run twice)."""
    services.report_compile_started(consultation_id=consultation_id)
    consultation = ConsultationPage.objects.filter(pk=consultation_id).first()
    if consultation is None:  # deleted since
        return
    services.report_compile(consultation=consultation)
    services.report_compile_finished(consultation_id=consultation_id)


@shared_task(**OUTBOX_TASK)
def report_compile_request_task(consultation_id: int) -> None:
    """Queue a compile of the consultation's report (through the claim that collapses requests).

    Queued through the outbox by changes that bring many contributions at once outside the site's forms
    (an import): the request commits with them, and is delivered even if the broker was down then."""
    services.report_compile_schedule(consultation_id=consultation_id)


@shared_task(ignore_result=True)
def reports_refresh_task() -> int:
    """Queue a compile for every consultation whose latest report version misses responses or votes,
    and once more for each consultation that closed since its latest version (the final report).

    Runs on a schedule (beat): it keeps reports fresh while votes come in (votes queue no compile
    themselves), catches up after a broker outage, and compiles once at closing. Drafts and unpublished
    consultations are included: an imported conversation is a draft whose report officials read before
    publishing it, and a page with no contributions is never stale, so they cost nothing.
    """
    now = timezone.now()
    latest = ReportSnapshot.objects.filter(consultation=OuterRef("pk")).order_by("-version")
    # Drafts are not read by a compile: a draft saved since the last one is nothing new.
    last_response = Response.objects.filter(consultation=OuterRef("pk"), status="submitted").order_by(
        "-updated_at"
    )
    last_vote = Vote.objects.filter(statement__consultation=OuterRef("pk")).order_by("-updated_at")
    stale = (
        ConsultationPage.objects.filter(opens_at__lte=now)
        .annotate(
            last_response=Subquery(last_response.values("updated_at")[:1]),
            last_vote=Subquery(last_vote.values("updated_at")[:1]),
            compiled_at=Subquery(latest.values("compiled_at")[:1]),
            responses_up_to=Subquery(latest.values("responses_updated_at")[:1]),
            votes_up_to=Subquery(latest.values("votes_updated_at")[:1]),
        )
        .filter(Q(last_response__isnull=False) | Q(last_vote__isnull=False))
        .filter(
            Q(compiled_at__isnull=True)
            | Q(last_response__isnull=False, responses_up_to__isnull=True)
            | Q(last_response__gt=F("responses_up_to"))
            | Q(last_vote__isnull=False, votes_up_to__isnull=True)
            | Q(last_vote__gt=F("votes_up_to"))
            | Q(closes_at__lte=now, compiled_at__lt=F("closes_at"))
        )
        .values_list("pk", flat=True)
    )
    return sum(services.report_compile_schedule(consultation_id=pk) for pk in stale)


@shared_task(name=services.EXPORT_TASK, **OUTBOX_TASK)
def report_export_task(snapshot_id: int, file_format: str, language: str) -> None:
    """Build a report version's file (safe to run twice: the second run finds the first's file).

    Queued through the outbox (`services.report_export_schedule`)."""
    snapshot = ReportSnapshot.objects.filter(pk=snapshot_id).first()
    if snapshot is not None:
        services.report_export(snapshot=snapshot, file_format=file_format, language=language)
