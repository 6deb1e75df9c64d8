"""The moderation queue, in the back office: approve, hide and restore statements, with reasons."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import permissions, services
from .models import Idea, ModerationAction, Statement


def moderation_queue(request):
    """Statements awaiting moderation first, then the published and hidden ones, newest first."""
    statements = permissions.moderated_statements(request.user)
    if not permissions.has_role_somewhere(request.user, "moderator"):
        raise PermissionDenied
    context = {
        "pending": statements.filter(status=Statement.Status.PENDING).order_by("created_at")[:100],
        "published": statements.filter(status=Statement.Status.PUBLISHED).order_by("-created_at")[:100],
        "hidden": statements.filter(status=Statement.Status.HIDDEN).order_by("-created_at")[:100],
        "actions": ModerationAction.objects.filter(statement__in=statements).select_related("moderator")[:50],
    }
    return TemplateResponse(request, "consultations/admin/moderation.html", context)


@require_POST
def statement_moderate(request, statement_id: int):
    statement = get_object_or_404(permissions.moderated_statements(request.user), pk=statement_id)
    if not permissions.can(request.user, "moderate_statement", statement):
        messages.error(request, _("Your own contributions are moderated by someone else."))
        return redirect("consultations_moderation")
    kind = request.POST.get("kind")
    if kind not in ModerationAction.Kind.values:
        messages.error(request, _("Unknown moderation action."))
        return redirect("consultations_moderation")
    try:
        services.statement_moderate(
            statement=statement,
            moderator=request.user,
            kind=kind,
            reason=request.POST.get("reason", "")[:500],
        )
    except services.ResponseRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Done."))
    return redirect("consultations_moderation")


def idea_answers(request):
    """Ideas of the officials' consultations, unanswered first, each with its answer form."""
    ideas = permissions.answerable_ideas(request.user)
    if not permissions.has_role_somewhere(request.user, "official"):
        raise PermissionDenied
    ideas = ideas.annotate(support_count=Count("supports")).order_by("answered_at", "-support_count")[:200]
    return TemplateResponse(
        request, "consultations/admin/ideas.html", {"ideas": ideas, "statuses": Idea.Status.choices}
    )


@require_POST
def idea_answer(request, idea_id: int):
    idea = get_object_or_404(permissions.answerable_ideas(request.user), pk=idea_id)
    try:
        services.idea_answer(
            idea=idea, status=request.POST.get("status", ""), answer=request.POST.get("answer", "")[:3000]
        )
    except services.ResponseRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The answer is published on the idea."))
    return redirect("consultations_idea_answers")
