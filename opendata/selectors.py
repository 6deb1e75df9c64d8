"""Reads of the open data: which consultations and calls have a public dataset, the report version
it quotes, and its stored files (built by a task: services.py)."""

from django.utils import timezone

from calls.models import CallPage
from consultations.models import ConsultationPage
from opendata.models import OpenDataset
from reports.models import ReportSnapshot


def consultations_public():
    """Live consultations anyone may see (no view restriction), latest closing first."""
    return (
        ConsultationPage.objects.live().public().select_related("organisation").order_by("-closes_at", "pk")
    )


def calls_public():
    """Live calls anyone may see, latest closing first."""
    return (
        CallPage.objects.live()
        .public()
        .select_related("organisation", "territory")
        .order_by("-closes_at", "pk")
    )


def report_published(consultation: ConsultationPage) -> ReportSnapshot | None:
    """The report version whose figures the open data quotes: the one a live, public outcome page of the
    consultation pins (the most recently published page, when several pin one); else, once the
    consultation is closed, its latest version compiled after closing (the report at closing, which
    covers every contribution). None when there is neither yet."""
    outcome_model = ConsultationPage._meta.get_field("outcome_pages").related_model  # cms's, by relation
    pinned = (
        outcome_model.objects.live()
        .public()
        .filter(consultation=consultation, report_version__isnull=False)
        .order_by("-last_published_at", "-pk")
        .values_list("report_version", flat=True)
        .first()
    )
    if pinned is not None:
        return ReportSnapshot.objects.filter(pk=pinned).first()
    if consultation.closes_at > timezone.now():
        return None
    return (
        ReportSnapshot.objects.filter(consultation=consultation, compiled_at__gte=consultation.closes_at)
        .order_by("-version")
        .first()
    )


def _stamp(page) -> int:
    return int((page.last_published_at or page.closes_at).timestamp())


def consultation_stage(consultation: ConsultationPage, report: ReportSnapshot | None = None) -> str:
    """What a closed consultation's dataset covers: its published report version and its page's last
    publication. A stored dataset of another stage is rebuilt."""
    report = report if report is not None else report_published(consultation)
    return f"report:{report.pk if report else 0}:page:{_stamp(consultation)}"


def call_stage(call: CallPage) -> str:
    """What a call's dataset covers: the milestones reached (closing, laureates, end of the public vote)
    and its page's last publication."""
    now = timezone.now()
    vote = getattr(call, "public_vote", None)  # None when the call has no public vote
    milestones = (
        call.closes_at <= now,
        call.laureates_published_at,
        vote is not None and vote.closes_at <= now,
    )
    phases = "".join("1" if reached else "0" for reached in milestones)
    return f"phases:{phases}:page:{_stamp(call)}"


def dataset_of(*, consultation=None, call=None) -> OpenDataset | None:
    """The stored dataset of a consultation or a call (built or not), or None."""
    if consultation is not None:
        return OpenDataset.objects.filter(consultation=consultation).first()
    return OpenDataset.objects.filter(call=call).first()
