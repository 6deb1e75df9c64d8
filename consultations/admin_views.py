"""The back office of participation: the moderation queue (statements, ideas, comments, reports),
merging duplicate ideas, the organisation's answers to ideas, and paper questionnaires typed in."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from consultations import permissions, selectors
from consultations.forms import ModerationBulkForm, PaperResponseForm, PaperUploadForm
from consultations.imports import paper
from consultations.models import (
    Channel,
    ConsultationPage,
    Idea,
    ModerationAction,
    Response,
)
from consultations.services import ideas as idea_services
from consultations.services import moderation
from consultations.services.refusals import PaperRefused, ResponseRefused
from consultations.services.responses import responses_paper_enter

# Rows on a page of the moderation queue.
QUEUE_PAGE_SIZE = 50


def _queue_query(request) -> dict[str, str]:
    """Which list and page of the queue the moderator was on (kept across the forms sent from it)."""
    show = request.GET.get("show", "")
    show = show if show in selectors.QUEUE_SHOWS else selectors.QUEUE_DECIDE
    page = request.GET.get("page", "")
    return {"show": show, "page": page if page.isascii() and page.isdigit() and len(page) < 10 else "1"}


def _queue_url(request) -> str:
    return f"{reverse('consultations_moderation')}?{urlencode(_queue_query(request))}"


def moderation_queue(request, *, status: int = 200, bulk_form=None):
    """The contributions of the moderator's organisations, 50 a page, by default those that need a
    decision (pending statements, reported items, most reported first); also the hidden ones, or all.
    Each row: the text, its consultation, its author's pseudonym, its date, its open reports; one form
    decides on the ticked rows. Then the log."""
    if not permissions.has_role_somewhere(request.user, "moderator"):
        raise PermissionDenied
    scopes = _moderation_scopes(request.user)
    query = _queue_query(request)
    rows = selectors.moderation_queue_rows(
        statements=scopes["statement"], ideas=scopes["idea"], comments=scopes["comment"], show=query["show"]
    )
    page = Paginator(rows, QUEUE_PAGE_SIZE).get_page(query["page"])
    form = bulk_form or ModerationBulkForm(scopes=scopes)
    context = {
        "show": query["show"],
        "shows": [
            (selectors.QUEUE_DECIDE, _("Needs a decision")),
            (selectors.QUEUE_HIDDEN, _("Hidden contributions")),
            (selectors.QUEUE_ALL, _("All contributions")),
        ],
        "page_obj": page,
        "items": selectors.moderation_queue_items(page.object_list),
        "bulk_form": form,
        "ticked": form.ticked(),
        "queue_query": urlencode({"show": query["show"], "page": page.number}),
        "actions": ModerationAction.objects.filter(
            Q(statement__in=scopes["statement"].values("pk"))
            | Q(idea__in=scopes["idea"].values("pk"))
            | Q(comment__in=scopes["comment"].values("pk"))
        ).select_related("moderator", "statement", "idea", "idea__merged_into", "comment")[:50],
    }
    return TemplateResponse(request, "consultations/admin/moderation.html", context, status=status)


def _moderation_scopes(user) -> dict:
    return {kind: scope(user) for kind, scope in MODERATED.items()}


@require_POST
def moderation_bulk(request):
    """Publish or keep, or hide with one reason, the ticked contributions: all of them or, with the
    reason why, none (4xx)."""
    if not permissions.has_role_somewhere(request.user, "moderator"):
        raise PermissionDenied
    form = ModerationBulkForm(request.POST, scopes=_moderation_scopes(request.user))
    if not form.is_valid():
        messages.error(request, _("Nothing was changed: see the message next to the decision."))
        return moderation_queue(request, status=400, bulk_form=form)
    items = form.cleaned_data["items"]
    if any(not permissions.can(request.user, "moderate_contribution", item) for item in items):
        messages.error(
            request,
            _("Your own contributions are moderated by someone else: untick them. Nothing was changed."),
        )
        return moderation_queue(request, status=403, bulk_form=form)
    try:
        moderation.contributions_moderate(
            items=items,
            moderator=request.user,
            kind=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
        )
    except ResponseRefused as refused:
        messages.error(request, refused.message)
        return moderation_queue(request, status=400, bulk_form=form)
    messages.success(
        request,
        ngettext("%(count)d contribution moderated.", "%(count)d contributions moderated.", len(items))
        % {"count": len(items)},
    )
    return redirect(_queue_url(request))


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
        moderation.contribution_moderate(
            item=item, moderator=request.user, kind=action, reason=request.POST.get("reason", "")[:500]
        )
    except ResponseRefused as refused:
        messages.error(request, refused.message)
        return moderation_queue(request, status=400)
    messages.success(request, _("Done."))
    return redirect(_queue_url(request))


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
        idea_services.idea_merge(source=source, target=target, moderator=request.user, reason=reason)
    except ResponseRefused as refused:
        messages.error(request, refused.message)
        return TemplateResponse(request, "consultations/admin/merge.html", context, status=400)
    messages.success(request, _("The idea is merged: its supports now count for the other one."))
    return redirect("consultations_idea_merge", idea_id=source.pk)


def idea_answers(request):
    """Ideas of the officials' consultations, unanswered first, each with its answer form."""
    ideas = permissions.answerable_ideas(request.user)
    if not permissions.has_role_somewhere(request.user, "official"):
        raise PermissionDenied
    # Unanswered first in every database (PostgreSQL puts NULLs last in ascending order).
    ideas = ideas.annotate(support_count=Count("supports")).order_by(
        F("answered_at").asc(nulls_first=True), "-support_count"
    )[:200]
    return TemplateResponse(
        request, "consultations/admin/ideas.html", {"ideas": ideas, "statuses": Idea.Status.choices}
    )


@require_POST
def idea_answer(request, idea_id: int):
    idea = get_object_or_404(permissions.answerable_ideas(request.user), pk=idea_id)
    try:
        idea_services.idea_answer(
            idea=idea, status=request.POST.get("status", ""), answer=request.POST.get("answer", "")[:3000]
        )
    except ResponseRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The answer is published on the idea."))
    return redirect("consultations_idea_answers")


def paper_index(request):
    """The consultations whose paper questionnaires this official may type in."""
    if not permissions.has_role_somewhere(request.user, "official"):
        raise PermissionDenied
    consultations = permissions.paper_consultations(request.user).annotate(
        paper_count=Count("responses", filter=Q(responses__channel=Channel.PAPER))
    )[:200]
    return TemplateResponse(request, "consultations/admin/paper_index.html", {"consultations": consultations})


def _paper_consultation(request, consultation_id: int) -> ConsultationPage:
    consultation = get_object_or_404(
        ConsultationPage.objects.select_related("organisation"), pk=consultation_id
    )
    if not permissions.can(request.user, "view_paper_forms", consultation):
        raise PermissionDenied
    return consultation


def _paper_refusal(consultation: ConsultationPage) -> str:
    if not consultation.question_list:
        return _("This consultation has no questionnaire.")
    return _("Paper forms are typed in once the consultation is published and open.")


def paper_forms(request, consultation_id: int, *, upload_form=None, upload=None, status: int = 200):
    """A consultation's paper forms: the template, the upload of a filled one, the forms typed in."""
    consultation = _paper_consultation(request, consultation_id)
    entered = (
        Response.objects.filter(consultation=consultation, channel=Channel.PAPER)
        .select_related("entered_by")
        .order_by("-submitted_at", "-id")
    )
    context = {
        "consultation": consultation,
        "can_enter": permissions.can(request.user, "enter_paper_forms", consultation),
        "refusal": _paper_refusal(consultation),
        "upload_form": upload_form or PaperUploadForm(),
        "upload": upload,
        "entered": entered[:50],
        "paper_count": entered.count(),
        "max_rows": paper.MAX_ROWS,
    }
    return TemplateResponse(request, "consultations/admin/paper.html", context, status=status)


def paper_template(request, consultation_id: int):
    """The CSV template of the questionnaire, to fill in a spreadsheet."""
    consultation = _paper_consultation(request, consultation_id)
    if not consultation.question_list:
        messages.error(request, _paper_refusal(consultation))
        return paper_forms(request, consultation_id, status=400)
    response = HttpResponse(paper.paper_template_csv(consultation), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="paper-forms-{consultation.pk}.csv"'
    return response


@require_POST
def paper_upload(request, consultation_id: int):
    """Save every paper form of a filled template, or none: each problem is listed with its line."""
    consultation = _paper_consultation(request, consultation_id)
    if not permissions.can(request.user, "enter_paper_forms", consultation):
        messages.error(request, _paper_refusal(consultation))
        return paper_forms(request, consultation_id, status=403)
    form = PaperUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return paper_forms(request, consultation_id, upload_form=form, status=400)
    uploaded = form.cleaned_data["file"]
    if uploaded.size > paper.MAX_BYTES:
        upload = paper.PaperUpload()
        upload.error(
            None,
            "",
            _("The file is larger than %(size)d MB: split it into several files.")
            % {"size": paper.MAX_BYTES // 2**20},
        )
        return paper_forms(request, consultation_id, upload_form=form, upload=upload, status=413)
    upload = paper.paper_csv_read(consultation, uploaded.read())
    if upload.errors:
        return paper_forms(request, consultation_id, upload_form=form, upload=upload, status=400)
    try:
        created = responses_paper_enter(
            consultation=consultation,
            agent=request.user,
            forms=[(row.reference, row.answers) for row in upload.rows],
        )
    except PaperRefused as refused:
        messages.error(request, refused.message)
        return paper_forms(request, consultation_id, upload_form=form, status=refused.status)
    messages.success(
        request,
        ngettext(
            "%(count)d paper form saved.",
            "%(count)d paper forms saved.",
            len(created),
        )
        % {"count": len(created)},
    )
    return redirect("consultations_paper_forms", consultation_id=consultation.pk)


def paper_form_enter(request, consultation_id: int):
    """Type one paper questionnaire in, through the online questionnaire with the form's number."""
    consultation = _paper_consultation(request, consultation_id)
    context = {"consultation": consultation}
    if not permissions.can(request.user, "enter_paper_forms", consultation):
        context["refusal"] = _paper_refusal(consultation)
        return TemplateResponse(request, "consultations/admin/paper_form.html", context, status=403)
    questions = consultation.question_list
    status = 200
    if request.method == "POST":
        form = PaperResponseForm(request.POST, questions=questions)
        status = 400
        if form.is_valid():
            reference = form.cleaned_data["reference"]
            try:
                responses_paper_enter(
                    consultation=consultation, agent=request.user, forms=[(reference, form.answers())]
                )
            except PaperRefused as refused:
                status = refused.status
                form.add_error("reference" if refused.status == 409 else None, refused.message)
            else:
                messages.success(request, _("Paper form %(number)s is saved.") % {"number": reference})
                return redirect("consultations_paper_form_enter", consultation_id=consultation.pk)
    elif request.method in ("GET", "HEAD"):
        form = PaperResponseForm(questions=questions)
    else:
        return HttpResponse(status=405)
    context["form"] = form
    return TemplateResponse(request, "consultations/admin/paper_form.html", context, status=status)
