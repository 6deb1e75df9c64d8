"""Compiling reports: the layer between the database and the plain-Python analysis."""

import logging
from datetime import timedelta

from django.db import DatabaseError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from ..models import ConsultationPage
from . import loaders, selectors
from .analysis import crosstabs, themes
from .analysis.questionnaire import summarise
from .models import ReportCompileState, ReportSnapshot

logger = logging.getLogger(__name__)

# A compile queued longer ago than this and never started is taken as lost, and may be queued again.
STALE_AFTER = timedelta(minutes=10)


def report_up_to_date(*, consultation_id: int, watermark=None) -> ReportSnapshot | None:
    """The latest version if it already covers every response as they are now, else None.

    `watermark` is `loaders.response_watermark(consultation_id)` when the caller has read it already.
    """
    count, last = watermark or loaders.response_watermark(consultation_id)
    latest = selectors.report_latest(consultation_id=consultation_id)
    if latest and (latest.response_count, latest.responses_updated_at) == (count, last):
        return latest
    return None


def report_compile(*, consultation: ConsultationPage, force: bool = False) -> ReportSnapshot | None:
    """Compile a new version of the consultation's report and store it in one transaction.

    Returns None, and writes nothing, when the latest version already covers every response (unless
    `force`). The analysis runs before the transaction, so a failure leaves the previous version as
    the one shown.
    """
    count, last = loaders.response_watermark(consultation.pk)
    if not force and report_up_to_date(consultation_id=consultation.pk, watermark=(count, last)):
        return None

    questions = loaders.question_specs(consultation)
    data = summarise(questions, loaders.answer_rows(consultation.pk), participants=count)
    data["crosstabs"] = _crosstabs(consultation.pk, questions)
    data["themes"] = _themes(consultation.pk, questions)
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


def _crosstabs(consultation_id: int, questions: list) -> list[dict]:
    """Single-answer questions by département and by age band (when asked), tests adjusted together."""
    crossed = [q for q in questions if q.kind in crosstabs.CROSSED_KINDS]
    if not crossed:
        return []
    # Only these questions' rows, one small tuple per person and question: kept in memory to be read twice.
    rows = list(loaders.answer_rows(consultation_id, question_ids=[q.id for q in crossed]))
    departements, names = loaders.response_departements(consultation_id)
    groupings = [
        crosstabs.Grouping(id="territory", label="", groups=departements, labels=names),
        *crosstabs.age_band_groupings(crossed, rows),
    ]
    return crosstabs.crosstabulate(crossed, rows, groupings)


def _themes(consultation_id: int, questions: list) -> list[dict]:
    """The themes of each long-text question; short texts (a name, a place) have none to find."""
    open_questions = [q for q in questions if q.kind == "open_text"]
    texts = loaders.open_texts(consultation_id, question_ids=[q.id for q in open_questions])
    return [
        {"question_id": q.id, "question_label": q.label, **themes.themes(texts[q.id])} for q in open_questions
    ]


def report_compile_schedule(*, consultation_id: int) -> bool:
    """Queue a compile of the consultation's report, unless one is already queued and not started.

    Never raises: the contribution that asked for it is already committed, and if the broker is down
    the periodic refresh compiles the report once it is back. Returns whether a task was queued.
    """
    from .tasks import report_compile_task

    now = timezone.now()
    try:
        ReportCompileState.objects.get_or_create(consultation_id=consultation_id)
        claimed = (
            ReportCompileState.objects.filter(consultation_id=consultation_id)
            .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - STALE_AFTER))
            .update(queued_at=now)
        )
    except DatabaseError:  # e.g. a lock timeout: the refresh schedule will queue it
        logger.exception("report compile not claimed consultation=%s", consultation_id)
        return False
    if not claimed:
        return False
    try:
        report_compile_task.delay(consultation_id)
    except Exception:  # broker unreachable: logged, and caught up by reports_refresh_task
        logger.exception("report compile not queued consultation=%s", consultation_id)
        try:
            ReportCompileState.objects.filter(consultation_id=consultation_id).update(queued_at=None)
        except DatabaseError:  # the claim then expires after STALE_AFTER
            logger.exception("report compile claim not released consultation=%s", consultation_id)
        return False
    return True


def report_compile_started(*, consultation_id: int) -> None:
    """Let new contributions queue another compile once this one has started reading its input."""
    ReportCompileState.objects.filter(consultation_id=consultation_id).update(
        queued_at=None, started_at=timezone.now()
    )


def report_compile_finished(*, consultation_id: int, error: BaseException | None = None) -> None:
    now = timezone.now()
    if error is None:
        changes = {"finished_at": now, "last_error": ""}
    else:
        changes = {"failed_at": now, "last_error": type(error).__name__[:200]}
    ReportCompileState.objects.filter(consultation_id=consultation_id).update(**changes)
