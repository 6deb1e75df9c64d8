"""The report pages officials read, inside the Wagtail admin (one back office for staff)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import permissions
from .. import selectors as consultation_selectors
from ..models import ConsultationPage
from . import loaders, services
from .models import ReportCompileState, ReportSnapshot


def report_index(request):
    """The consultations whose reports this official may read, with their latest version."""
    consultations = list(consultation_selectors.consultations_reportable_by(request.user))
    latest = {
        snapshot.consultation_id: snapshot
        for snapshot in ReportSnapshot.objects.filter(consultation__in=consultations)
        .order_by("consultation_id", "version")
        .only("id", "consultation_id", "version", "compiled_at", "response_count")
    }
    rows = [(consultation, latest.get(consultation.pk)) for consultation in consultations]
    return TemplateResponse(request, "feedback/report_index.html", {"rows": rows})


def report_detail(request, consultation_id: int):
    """A consultation's report: the latest version, or the one asked for with ?version=N."""
    consultation = get_object_or_404(ConsultationPage, pk=consultation_id)
    if not permissions.can(request.user, "view_report", consultation):
        raise PermissionDenied
    versions = list(
        ReportSnapshot.objects.filter(consultation=consultation).only("id", "version", "compiled_at")
    )
    snapshot = None
    requested = request.GET.get("version")
    if requested is not None:
        if not requested.isdigit():
            return TemplateResponse(
                request,
                "feedback/report_detail.html",
                {"consultation": consultation, "versions": versions, "error": _("Unknown report version.")},
                status=400,
            )
        snapshot = get_object_or_404(ReportSnapshot, consultation=consultation, version=int(requested))
    elif versions:
        snapshot = ReportSnapshot.objects.get(pk=versions[0].pk)
    count, _last = loaders.response_watermark(consultation.pk)
    context = {
        "consultation": consultation,
        "snapshot": snapshot,
        "versions": versions,
        "current_responses": count,
        "state": ReportCompileState.objects.filter(consultation=consultation).first(),
        "can_compile": permissions.can(request.user, "compile_report", consultation),
    }
    return TemplateResponse(request, "feedback/report_detail.html", context)


@require_POST
def report_compile_request(request, consultation_id: int):
    """An official asks for a fresh compile; it runs in the background."""
    consultation = get_object_or_404(ConsultationPage, pk=consultation_id)
    if not permissions.can(request.user, "compile_report", consultation):
        raise PermissionDenied
    count, last = loaders.response_watermark(consultation.pk)
    latest = ReportSnapshot.objects.latest_for(consultation.pk)
    if latest and (latest.response_count, latest.responses_updated_at) == (count, last):
        messages.info(
            request,
            _("The report is up to date: version %(version)s covers every response.")
            % {"version": latest.version},
        )
    elif services.report_compile_schedule(consultation_id=consultation.pk):
        messages.success(request, _("The report is being compiled. Reload this page in a moment."))
    else:
        messages.info(request, _("A compile is already queued. Reload this page in a moment."))
    return redirect("feedback_report_detail", consultation_id=consultation.pk)
