"""The back office of participation: the moderation queue (statements, ideas, comments, reports),
merging duplicate ideas, and the organisation's answers to ideas."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import permissions, selectors, services
from .models import Comment, Idea, ModerationAction, Statement, Visibility


def moderation_queue(request, *, status: int = 200):
    """What needs a moderator: pending statements, reported contributions (with their reports' count
    and reasons), then published statements and hidden items, and the log."""
    if not permissions.has_role_somewhere(request.user, "moderator"):
        raise PermissionDenied
    statements = permissions.moderated_statements(request.user)
    ideas = permissions.moderated_ideas(request.user)
    comments = permissions.moderated_comments(request.user).select_related("idea", "statement")
    context = {
        "pending": statements.filter(status=Statement.Status.PENDING).order_by("created_at")[:100],
        "reported_statements": selectors.reported(statements)[:100],
        "reported_ideas": selectors.reported(ideas)[:100],
        "reported_comments": selectors.reported(comments)[:100],
        "published": statements.filter(status=Statement.Status.PUBLISHED).order_by("-created_at")[:100],
        "hidden_statements": statements.filter(status=Statement.Status.HIDDEN).order_by("-created_at")[:100],
        "hidden_ideas": ideas.filter(moderation_status=Visibility.HIDDEN).order_by("-created_at")[:100],
        "hidden_comments": comments.filter(status=Comment.Status.HIDDEN).order_by("-created_at")[:100],
        "actions": ModerationAction.objects.filter(
            Q(statement__in=statements.values("pk"))
            | Q(idea__in=ideas.values("pk"))
            | Q(comment__in=comments.values("pk"))
        ).select_related("moderator", "statement", "idea", "idea__merged_into", "comment")[:50],
    }
    return TemplateResponse(request, "consultations/admin/moderation.html", context, status=status)


MODERATED = {
    "statement": permissions.moderated_statements,
    "idea": permissions.moderated_ideas,
    "comment": permissions.moderated_comments,
}


@require_POST
def statement_moderate(request, statement_id: int):
    return contribution_moderate(request, "statement", statement_id)


@require_POST
def contribution_moderate(request, kind: str, item_id: int):
    """Approve, hide, restore a statement, idea or comment, or dismiss its reports; refusals say why (4xx)."""
    scope = MODERATED.get(kind)
    if scope is None:
        raise Http404
    item = get_object_or_404(scope(request.user), pk=item_id)
    if not permissions.can(request.user, "moderate_contribution", item):
        messages.error(request, _("Your own contributions are moderated by someone else."))
        return moderation_queue(request, status=403)
    action = request.POST.get("kind")
    if action not in ModerationAction.Kind.values or action == ModerationAction.Kind.MERGE:
        messages.error(request, _("Unknown moderation action."))
        return moderation_queue(request, status=400)
    try:
        services.contribution_moderate(
            item=item, moderator=request.user, kind=action, reason=request.POST.get("reason", "")[:500]
        )
    except services.ResponseRefused as refused:
        messages.error(request, refused.message)
        return moderation_queue(request, status=400)
    messages.success(request, _("Done."))
    return redirect("consultations_moderation")


def idea_merge(request, idea_id: int):
    """Merge a duplicate idea into another idea of the same consultation, with a reason."""
    source = get_object_or_404(permissions.mergeable_ideas(request.user), pk=idea_id)
    candidates = (
        Idea.objects.published()
        .filter(consultation=source.consultation_id, merged_into=None)
        .exclude(pk=source.pk)
        .order_by("title")
    )
    context = {"idea": source, "candidates": candidates}
    if not permissions.can(request.user, "merge_idea", source):
        messages.error(request, _("Your own contributions are moderated by someone else."))
        return TemplateResponse(request, "consultations/admin/merge.html", context, status=403)
    if request.method != "POST":
        return TemplateResponse(request, "consultations/admin/merge.html", context)
    raw = request.POST.get("into", "")
    target = Idea.objects.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() else None
    reason = request.POST.get("reason", "")[:500]
    context["reason"] = reason
    if target is None:
        messages.error(request, _("Choose the idea to merge it into."))
        return TemplateResponse(request, "consultations/admin/merge.html", context, status=400)
    try:
        services.idea_merge(source=source, target=target, moderator=request.user, reason=reason)
    except services.ResponseRefused as refused:
        messages.error(request, refused.message)
        return TemplateResponse(request, "consultations/admin/merge.html", context, status=400)
    messages.success(request, _("The idea is merged: its supports now count for the other one."))
    return redirect("consultations_idea_merge", idea_id=source.pk)


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
