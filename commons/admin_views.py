"""Back-office actions of the commons that start elsewhere: a selected dossier of a call becomes an
initiative of the catalogue."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calls import permissions as calls_permissions
from calls.models import Project
from commons import permissions, services
from commons.models import Initiative


@require_POST
def initiative_from_project(request, project_id: int):
    """Draft the initiative of a selected dossier (or open the one it already has) in the editor."""
    project = get_object_or_404(Project.objects.select_related("call"), pk=project_id)
    if not calls_permissions.can(request.user, "manage_project", project):
        raise Http404
    if not permissions.can(
        request.user, "add_initiative", Initiative(organisation=project.call.organisation)
    ):
        raise Http404
    try:
        initiative, created = services.initiative_from_project(project=project)
    except services.NotSelected as refusal:
        messages.error(request, refusal.message)
        return redirect("calls_admin_project", project.pk)
    if created:
        messages.success(
            request,
            _("Initiative drafted from the dossier: choose its licence and documentation, then publish it."),
        )
    return redirect("commons_initiatives:edit", initiative.pk)
