"""The report pages officials read, inside the Wagtail admin (one back office for staff)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import permissions
from ..models import ConsultationPage
from . import loaders, selectors, services
from .models import ReportCompileState


def _consultation_for(request, consultation_id: int, action: str) -> ConsultationPage:
    consultation = get_object_or_404(
        ConsultationPage.objects.select_related("organisation"), pk=consultation_id
    )
    if not permissions.can(request.user, action, consultation):
        raise PermissionDenied
    return consultation


def report_index(request):
    """The consultations whose reports this official may read, with their latest version."""
    consultations = selectors.with_latest_report(permissions.reportable_consultations(request.user))
    return TemplateResponse(request, "feedback/report_index.html", {"consultations": consultations})


def report_detail(request, consultation_id: int):
    """A consultation's report: the latest version, or the one asked for with ?version=N."""
    consultation = _consultation_for(request, consultation_id, "view_report")
    versions = list(selectors.report_versions(consultation_id=consultation.pk))
    context = {
        "consultation": consultation,
        "versions": versions,
        "state": selectors.report_compile_state(consultation_id=consultation.pk),
        "current_responses": loaders.response_watermark(consultation.pk)[0],
        "can_compile": permissions.can(request.user, "compile_report", consultation),
    }
    requested = request.GET.get("version")
    if requested is None:
        context["snapshot"] = selectors.report_latest(consultation_id=consultation.pk)
    elif requested.isascii() and requested.isdigit():
        context["snapshot"] = selectors.report_version(
            consultation_id=consultation.pk, version=int(requested)
        )
        if context["snapshot"] is None:
            raise Http404(_("This report version does not exist."))
    else:
        context["error"] = _("Unknown report version: give its number, as listed below.")
        return TemplateResponse(request, "feedback/report_detail.html", context, status=400)
    return TemplateResponse(request, "feedback/report_detail.html", context)


def report_status(request, consultation_id: int):
    """Where the compile stands, as JSON, for the progress bar of the report page."""
    consultation = _consultation_for(request, consultation_id, "view_report")
    state = selectors.report_compile_state(consultation_id=consultation.pk)
    latest = selectors.report_latest(consultation_id=consultation.pk)
    running = bool(state and state.running)
    stage = (state.stage or ReportCompileState.Stage.QUEUED) if running else ""
    return JsonResponse(
        {
            "running": running,
            "stage": str(ReportCompileState.Stage(stage).label) if stage else "",
            "progress": state.progress if running else 100,
            "version": latest.version if latest else None,
        }
    )


@require_POST
def report_compile_request(request, consultation_id: int):
    """An official asks for a fresh compile; it runs in the background."""
    consultation = _consultation_for(request, consultation_id, "compile_report")
    if latest := services.report_up_to_date(consultation_id=consultation.pk):
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
