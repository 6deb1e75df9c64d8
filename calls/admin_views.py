"""The officials' back office of calls for projects, in the Wagtail admin: the dossiers of a call with
filters and bulk changes, a dossier's decisions and evaluators, the ranking, exports, laureates."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import Organisation
from accounts.permissions import within_role
from calls import permissions, selectors
from calls.forms import AnswerTemplateForm, AssignForm, BulkForm, ExportForm, ServiceForm, StatusForm
from calls.models import AnswerTemplate, EvaluatorInvitation, Export, Project, Service, Tag
from calls.services.decisions import (
    laureates_publish,
    project_status_change,
    projects_status_change,
    service_set,
    tags_set,
)
from calls.services.evaluator_invitations import evaluator_invite
from calls.services.exports import export_request
from calls.services.refusals import CallRefused
from consultations.sections import sections_open_to
from core.converters import id_from


def _managed_call_or_404(request, call_id: int):
    if not permissions.manages_some_call(request.user):
        raise PermissionDenied
    return get_object_or_404(permissions.managed_calls(request.user), pk=call_id)


def _managed_project_or_404(request, project_id: int) -> Project:
    project = get_object_or_404(
        Project.objects.submitted().select_related(
            "call", "call__organisation", "applicant", "territory", "service"
        ),
        pk=project_id,
    )
    if not permissions.can(request.user, "manage_project", project):
        raise Http404
    return project


def calls_index(request):
    """The calls of the official's organisations, with their dossiers counted by status, and a link to
    launch one in each section where they may."""
    if not permissions.manages_some_call(request.user):
        raise PermissionDenied
    calls = permissions.managed_calls(request.user).annotate(
        submitted_count=Count("projects", filter=~Q(projects__status=Project.Status.DRAFT)),
        draft_count=Count("projects", filter=Q(projects__status=Project.Status.DRAFT)),
        selected_count=Count("projects", filter=Q(projects__status=Project.Status.SELECTED)),
    )
    # Where they may launch a call: their organisations' sections.
    context = {"calls": calls, "sections": sections_open_to(request.user)}
    return TemplateResponse(request, "calls/admin/calls.html", context)


def call_projects(request, call_id: int, *, bulk_form=None, status: int = 200):
    """The submitted dossiers of a call: filters, bulk changes, exports."""
    call = _managed_call_or_404(request, call_id)
    projects = selectors.projects_for_officials(call=call)
    chosen = {key: request.GET.get(key, "") for key in ("status", "tag", "service")}
    if chosen["status"] in Project.Status.values:
        projects = projects.filter(status=chosen["status"])
    if (tag := id_from(chosen["tag"])) is not None:
        projects = projects.filter(tags=tag)
    if (service := id_from(chosen["service"])) is not None:
        projects = projects.filter(service=service)
    context = {
        "call": call,
        "projects": projects,
        "chosen": chosen,
        "statuses": [choice for choice in Project.Status.choices if choice[0] != Project.Status.DRAFT],
        "tags": Tag.objects.filter(organisation_id=call.organisation_id),
        "services": Service.objects.filter(organisation_id=call.organisation_id),
        "bulk_form": (bulk_form or BulkForm(call=call)).described,
        "export_form": ExportForm(),
        "exports": call.exports.all()[:10],
    }
    return TemplateResponse(request, "calls/admin/projects.html", context, status=status)


@require_POST
def call_bulk(request, call_id: int):
    """Change the status, tags or service of the ticked dossiers; each refusal is listed with its reason."""
    call = _managed_call_or_404(request, call_id)
    form = BulkForm(request.POST, call=call)
    if not form.is_valid():
        messages.error(request, _("The change could not be made: see the messages next to the fields."))
        return call_projects(request, call.pk, bulk_form=form, status=400)
    projects = list(form.cleaned_data["projects"])
    action = form.cleaned_data["action"]
    if action == "status":
        changed, refused = projects_status_change(
            projects=projects,
            to_status=form.cleaned_data["to_status"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
        if changed:
            messages.success(
                request,
                ngettext("%(count)s dossier changed.", "%(count)s dossiers changed.", len(changed))
                % {"count": len(changed)},
            )
        for project, message in refused:
            messages.error(request, f"{project.title}: {message}")
        if refused and not changed:
            return call_projects(request, call.pk, bulk_form=form, status=400)
    elif action in ("tag", "untag"):
        tags_set(projects=projects, tags=[form.tag_object()], add=action == "tag")
        messages.success(request, _("Tags updated."))
    else:
        service_set(projects=projects, service=form.cleaned_data["service"])
        messages.success(request, _("Service assigned."))
    return redirect("calls_admin_projects", call.pk)


def call_ranking(request, call_id: int):
    """The evaluated dossiers, by the weighted mean of their evaluators' marks, with their disagreement."""
    call = _managed_call_or_404(request, call_id)
    context = {
        "call": call,
        "ranks": selectors.ranking(call=call),
        "criteria": call.criteria.all(),
        "threshold": selectors.DISAGREEMENT_SPREAD,
    }
    return TemplateResponse(request, "calls/admin/ranking.html", context)


def project_manage(request, project_id: int, *, status_form=None, assign_form=None, status: int = 200):
    """A dossier as officials see it: its contents, log, evaluators and their scores, and the decisions."""
    project = _managed_project_or_404(request, project_id)
    context = {
        "call": project.call,
        "project": project,
        "log": selectors.status_log(project=project),
        "attachments": project.attachments.select_related("document"),
        "team": project.team.all(),
        "budget_lines": project.budget_lines.all(),
        "assignments": selectors.project_scores(project=project),
        "rank": next(
            (rank for rank in selectors.ranking(call=project.call) if rank.project.pk == project.pk), None
        ),
        "threshold": selectors.DISAGREEMENT_SPREAD,
        "milestones": project.milestones.all(),
        "status_form": (status_form or StatusForm(organisation_id=project.call.organisation_id)).described,
        "assign_form": (assign_form or AssignForm()).described,
        "may_invite": permissions.can(request.user, "invite_evaluator", project),
        "invitations": project.evaluator_invitations.all(),
        "answers": [
            (question.label, (project.answers or {}).get(question.key, ""))
            for question in project.call.fields.all()
        ],
    }
    return TemplateResponse(request, "calls/admin/project.html", context, status=status)


@require_POST
def project_status(request, project_id: int):
    project = _managed_project_or_404(request, project_id)
    form = StatusForm(request.POST, organisation_id=project.call.organisation_id)
    if not form.is_valid():
        messages.error(request, _("The decision could not be recorded: see the messages next to the fields."))
        return project_manage(request, project.pk, status_form=form, status=400)
    try:
        project_status_change(
            project=project,
            to_status=form.cleaned_data["to_status"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except CallRefused as refusal:
        messages.error(request, refusal.message)
        return project_manage(request, project.pk, status_form=form, status=400)
    messages.success(request, _("The decision is recorded; the applicant is told by e-mail."))
    return redirect("calls_admin_project", project.pk)


@require_POST
def project_assign(request, project_id: int):
    """Give the dossier to an evaluator by address; someone without an account is invited by e-mail."""
    project = _managed_project_or_404(request, project_id)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The evaluator could not be added: see the message next to the field."))
        return project_manage(request, project.pk, assign_form=form, status=400)
    if not permissions.can(request.user, "invite_evaluator", project):
        messages.error(request, _("Only eligible dossiers are given to evaluators."))
        return project_manage(request, project.pk, assign_form=form, status=400)
    try:
        given = evaluator_invite(
            project=project,
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            actor=request.user,
        )
    except CallRefused as refusal:
        messages.error(request, refusal.message)
        return project_manage(request, project.pk, assign_form=form, status=400)
    if isinstance(given, EvaluatorInvitation):
        messages.success(
            request,
            _("%(email)s has no account yet: an invitation to evaluate this dossier is e-mailed to them.")
            % {"email": given.email},
        )
    else:
        messages.success(request, _("The evaluator is added."))
    return redirect("calls_admin_project", project.pk)


@require_POST
def call_export(request, call_id: int):
    call = _managed_call_or_404(request, call_id)
    form = ExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose CSV, XLSX or ODS."))
        return call_projects(request, call.pk, status=400)
    export_request(call=call, requested_by=request.user, file_format=form.cleaned_data["format"])
    messages.success(request, _("The export is being built: it will be listed below in a moment."))
    return redirect("calls_admin_projects", call.pk)


def export_download(request, export_id: int):
    export = get_object_or_404(Export.objects.select_related("call"), pk=export_id, finished_at__isnull=False)
    if not permissions.can(request.user, "manage_call", export.call):
        raise Http404
    response = FileResponse(
        export.file.open("rb"), as_attachment=True, filename=export.file.name.rsplit("/", 1)[-1]
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def call_laureates_publish(request, call_id: int):
    call = _managed_call_or_404(request, call_id)
    try:
        count = laureates_publish(call=call, actor=request.user)
    except CallRefused as refusal:
        messages.error(request, refusal.message)
        return call_projects(request, call.pk, status=400)
    messages.success(
        request,
        ngettext("%(count)s laureate published.", "%(count)s laureates published.", count) % {"count": count},
    )
    return redirect("calls_admin_projects", call.pk)


def _organisations(user):
    return within_role(user, Organisation.objects.all(), organisation="", role="official")


def call_settings(request):
    """The services dossiers are assigned to, and the answer templates of bulk decisions."""
    if not permissions.manages_some_call(request.user):
        raise PermissionDenied
    organisations = _organisations(request.user)
    forms = {
        "service": ServiceForm(organisations=organisations, prefix="service"),
        "template": AnswerTemplateForm(organisations=organisations, prefix="template"),
    }
    status = 200
    if request.method == "POST":
        kind = request.POST.get("kind")
        if kind in forms:
            form_class = ServiceForm if kind == "service" else AnswerTemplateForm
            form = form_class(request.POST, organisations=organisations, prefix=kind)
            if form.is_valid():  # a duplicate name is a form error (the model's unique constraint)
                form.save()
                messages.success(request, _("Saved."))
                return redirect("calls_admin_settings")
            forms[kind] = form
        messages.error(request, _("It could not be saved: see the messages next to the fields."))
        status = 400
    context = {
        "service_form": forms["service"].described,
        "template_form": forms["template"].described,
        "services": Service.objects.filter(organisation__in=organisations).select_related("organisation"),
        "templates": AnswerTemplate.objects.filter(organisation__in=organisations).select_related(
            "organisation"
        ),
    }
    return TemplateResponse(request, "calls/admin/settings.html", context, status=status)
