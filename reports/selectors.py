"""Reads of report snapshots."""

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

from consultations.models import Answer
from reports.models import ReportCompileState, ReportExport, ReportSnapshot


def report_latest(*, consultation_id: int) -> ReportSnapshot | None:
    return ReportSnapshot.objects.filter(consultation_id=consultation_id).order_by("-version").first()


def report_latest_id(*, consultation_id: int) -> int | None:
    """The id of the latest version, without reading its data (a large conversation's is megabytes)."""
    return (
        ReportSnapshot.objects.filter(consultation_id=consultation_id)
        .order_by("-version")
        .values_list("pk", flat=True)
        .first()
    )


def report_versions(*, consultation_id: int):
    """Every version of a consultation's report, newest first, without their data."""
    return ReportSnapshot.objects.filter(consultation_id=consultation_id).defer("data").order_by("-version")


def report_version(*, consultation_id: int, version: int) -> ReportSnapshot | None:
    return ReportSnapshot.objects.filter(consultation_id=consultation_id, version=version).first()


def report_compile_state(*, consultation_id: int) -> ReportCompileState | None:
    return ReportCompileState.objects.filter(consultation_id=consultation_id).first()


def with_latest_report(consultations):
    """Annotate consultations with their latest report version's number, date and participants (one query):
    everyone who took part, as its headline says, or in a version compiled before they were counted,
    the people who sent the questionnaire."""
    latest = ReportSnapshot.objects.filter(consultation=OuterRef("pk")).order_by("-version")
    return consultations.annotate(
        report_version=Subquery(latest.values("version")[:1]),
        report_compiled_at=Subquery(latest.values("compiled_at")[:1]),
        report_participants=Subquery(
            latest.annotate(people=Coalesce("people_count", "response_count")).values("people")[:1]
        ),
    )


def report_export(*, snapshot: ReportSnapshot, file_format: str, language: str) -> ReportExport | None:
    return ReportExport.objects.filter(snapshot=snapshot, format=file_format, language=language).first()


def report_exports(*, snapshot: ReportSnapshot, language: str):
    return ReportExport.objects.filter(snapshot=snapshot, language=language)


def written_answers(*, consultation_id: int, question_id: str, ids=None):
    """The written answers of sent responses to a question (only those of `ids` if given), oldest first."""
    answers = Answer.objects.filter(
        response__consultation_id=consultation_id, response__status="submitted", question_id=question_id
    ).exclude(text="")
    if ids is not None:
        answers = answers.filter(pk__in=list(ids))
    return answers.only("id", "text").order_by("id")
