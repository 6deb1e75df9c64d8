"""Compiling reports: the layer between the database and the plain-Python analysis."""

import logging

from django.core.cache import cache
from django.db import transaction
from django.db.models import Max

from ..models import ConsultationPage
from . import loaders
from .analysis.questionnaire import summarise
from .models import ReportSnapshot

logger = logging.getLogger(__name__)

# While a compile is queued, further requests for the same consultation do not queue another one.
PENDING_KEY = "feedback:compile-pending:{consultation_id}"
PENDING_SECONDS = 60


def report_compile(*, consultation: ConsultationPage, force: bool = False) -> ReportSnapshot | None:
    """Compile a new version of the consultation's report and store it in one transaction.

    Returns None, and writes nothing, when the latest version already covers every response (unless
    `force`). The analysis runs before the transaction, so a failure leaves the previous version as
    the one shown.
    """
    count, last = loaders.response_watermark(consultation.pk)
    latest = ReportSnapshot.objects.latest_for(consultation.pk)
    if not force and latest and (latest.response_count, latest.responses_updated_at) == (count, last):
        return None

    data = summarise(
        loaders.question_specs(consultation), loaders.answer_rows(consultation.pk), participants=count
    )
    data["consultation"] = {
        "title": consultation.title,
        "opens_at": consultation.opens_at.isoformat(),
        "closes_at": consultation.closes_at.isoformat(),
    }

    with transaction.atomic():
        # Lock the consultation's row so that two compiles take their version numbers in turn.
        ConsultationPage.objects.select_for_update().filter(pk=consultation.pk).exists()
        current = ReportSnapshot.objects.filter(consultation=consultation).aggregate(v=Max("version"))["v"]
        snapshot = ReportSnapshot.objects.create(
            consultation=consultation,
            version=(current or 0) + 1,
            response_count=count,
            responses_updated_at=last,
            data=data,
        )
    logger.info("report compiled consultation=%s version=%s", consultation.pk, snapshot.version)
    return snapshot


def report_compile_schedule(*, consultation_id: int) -> bool:
    """Queue a compile of the consultation's report, unless one is already queued.

    Never raises: the contribution that asked for it is already committed, and if the broker is down
    the periodic refresh compiles the report once it is back. Returns whether a task was queued.
    """
    from .tasks import report_compile_task

    if not cache.add(PENDING_KEY.format(consultation_id=consultation_id), 1, PENDING_SECONDS):
        return False
    try:
        report_compile_task.delay(consultation_id)
    except Exception:  # broker unreachable: logged, and caught up by reports_refresh_task
        cache.delete(PENDING_KEY.format(consultation_id=consultation_id))
        logger.exception("report compile not queued consultation=%s", consultation_id)
        return False
    return True


def report_compile_started(*, consultation_id: int) -> None:
    """Let new contributions queue another compile once this one has read its input."""
    cache.delete(PENDING_KEY.format(consultation_id=consultation_id))
