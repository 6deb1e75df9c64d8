"""The applicants' and evaluators' pages of calls for projects: dossiers, attachments, receipts,
laureates, and the evaluators' declarations and scores."""

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.core.ratelimit import consume_or_429
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from calls import permissions, selectors
from calls.forms import (
    AttachmentForm,
    BudgetFormSet,
    ConflictForm,
    MilestoneForm,
    ProjectForm,
    ScoreForm,
    TeamFormSet,
)
from calls.models import Assignment, Attachment, CallPage, Criterion, Milestone, Project
from calls.services import dossiers
from calls.services import milestones as milestone_services
from calls.services.evaluations import conflict_declare, scores_save
from calls.services.evaluator_invitations import (
    INVITATION_REFUSAL_STATUS,
    evaluator_invitation_accept,
    evaluator_invitation_for_token,
)
from calls.services.refusals import CallRefused

TOO_MANY = _lazy("Too many contributions in a short time: wait a minute, then try again.")


def _refused(request, status: int, message: str, template: str | None = None, context: dict | None = None):
    """A refusal the person can read, with a 4xx status: the page they were on when given, else a
    page with the message alone."""
    messages.error(request, message)
    return TemplateResponse(request, template or f"{status}.html", context or {}, status=status)


def _call_or_404(call_id: int) -> CallPage:
    return get_object_or_404(CallPage.objects.live().select_related("organisation", "territory"), pk=call_id)


def _project_or_404(request, project_id: int, action: str = "view_project") -> Project:
    project = get_object_or_404(
        Project.objects.select_related(
            "call", "call__organisation", "call__territory", "territory", "applicant"
        ),
        pk=project_id,
    )
    # Someone else's dossier does not exist as far as they can tell.
    if not permissions.can(request.user, action, project):
        raise Http404
    return project


def _dossier_context(call, project, form, team, budget, **extra):
    problems = dossiers.project_problems(project) if project is not None and project.pk else []
    return {
        "call": call,
        "project": project,
        "form": form.described,
        "team": team,
        "budget": budget,
        "problems": problems,
        "attachment_form": AttachmentForm(call=call).described
        if project is not None and project.pk
        else None,
        "attachments": project.attachments.select_related("document")
        if project is not None and project.pk
        else [],
        **extra,
    }


def _dossier_forms(request, call, project):
    data = request.POST if request.method == "POST" else None
    instance = project or Project(call=call)
    form = ProjectForm(data, instance=instance, call=call)
    team_initial = budget_initial = None
    if project is not None and data is None:
        team_initial = list(project.team.values("name", "role", "organisation", "email", "co_applicant"))
        budget_initial = list(project.budget_lines.values("label", "amount"))
    team = TeamFormSet(data, initial=team_initial, prefix="team")
    budget = BudgetFormSet(data, initial=budget_initial, prefix="budget")
    for formset in (team, budget):
        for subform in formset.forms:
            subform.describe()
    return form, team, budget


@login_required
def project_create(request, call_id: int):
    """Start a dossier: saved as a draft, to be resumed and submitted before the deadline."""
    call = _call_or_404(call_id)
    if refused := permissions.refusal(request.user, "apply", call):
        return _refused(request, 403, refused.message)
    form, team, budget = _dossier_forms(request, call, None)
    if request.method == "POST":
        if consume_or_429(request, action="contribute_dossier", user=request.user):
            # The dossier's form comes back as it was filled in: nothing typed is lost.
            context = _dossier_context(call, None, form, team, budget)
            return _refused(request, 429, TOO_MANY, "calls/project_form.html", context)
        if form.is_valid() and team.is_valid() and budget.is_valid():
            try:
                project = dossiers.project_save(
                    call=call,
                    applicant=request.user,
                    project=None,
                    fields=form.project_fields(),
                    answers=form.answers(),
                    team=team.rows(),
                    budget=budget.rows(),
                )
            except CallRefused as refusal:
                return _refused(
                    request,
                    403,
                    refusal.message,
                    "calls/project_form.html",
                    _dossier_context(call, None, form, team, budget),
                )
            messages.success(
                request, _("Your draft is saved. You can come back to it until the call closes.")
            )
            return redirect("calls_project", project.pk)
        messages.error(request, _("Some answers need correcting: see the messages next to them."))
        return TemplateResponse(
            request, "calls/project_form.html", _dossier_context(call, None, form, team, budget), status=400
        )
    return TemplateResponse(
        request, "calls/project_form.html", _dossier_context(call, None, form, team, budget)
    )


@login_required
def project_detail(request, project_id: int):
    """The dossier: an editable form for its applicant while the call is open, else a read-only page."""
    project = _project_or_404(request, project_id)
    call = project.call
    if refused := permissions.refusal(request.user, "change_project", project):
        if request.method == "POST":
            return _project_change_refused(request, project, refused)
        return _project_page(request, project)
    form, team, budget = _dossier_forms(request, call, project)
    if request.method == "POST":
        if not (form.is_valid() and team.is_valid() and budget.is_valid()):
            messages.error(request, _("Some answers need correcting: see the messages next to them."))
            project.refresh_from_db()
            return TemplateResponse(
                request,
                "calls/project_form.html",
                _dossier_context(call, project, form, team, budget),
                status=400,
            )
        try:
            project = dossiers.project_save(
                call=call,
                applicant=request.user,
                project=project,
                fields=form.project_fields(),
                answers=form.answers(),
                team=team.rows(),
                budget=budget.rows(),
            )
        except CallRefused as refusal:
            project.refresh_from_db()
            return _refused(
                request,
                400,
                refusal.message,
                "calls/project_form.html",
                _dossier_context(call, project, form, team, budget),
            )
        if "submit" in request.POST and project.status == Project.Status.DRAFT:
            try:
                dossiers.project_submit(project=project, actor=request.user)
            except CallRefused as refusal:
                messages.warning(request, _("Your draft is saved, but it cannot be submitted yet."))
                return _refused(
                    request,
                    400,
                    refusal.message,
                    "calls/project_form.html",
                    _dossier_context(call, project, *_dossier_forms_get(call, project)),
                )
            messages.success(
                request, _("Your dossier is submitted. A receipt is on its way to your mailbox.")
            )
            return redirect("calls_project_receipt", project.pk)
        messages.success(request, _("Your changes are saved."))
        return redirect("calls_project", project.pk)
    return TemplateResponse(
        request, "calls/project_form.html", _dossier_context(call, project, form, team, budget)
    )


def _dossier_forms_get(call, project):
    project.refresh_from_db()
    form = ProjectForm(instance=project, call=call)
    team = TeamFormSet(
        initial=list(project.team.values("name", "role", "organisation", "email", "co_applicant")),
        prefix="team",
    )
    budget = BudgetFormSet(initial=list(project.budget_lines.values("label", "amount")), prefix="budget")
    return form, team, budget


def _edit_page_refused(request, project, message: str, attachment_form=None, *, status: int = 400):
    """The dossier's form again, with the refusal of an attachment (400, or 429 when too many): the
    message at the top and next to the file field."""
    context = _dossier_context(project.call, project, *_dossier_forms_get(project.call, project))
    if attachment_form is not None:
        context["attachment_form"] = attachment_form.described
    return _refused(request, status, message, "calls/project_form.html", context)


def _project_change_refused(request, project, refused):
    context = _project_context(request, project)
    return _refused(request, 403, refused.message, "calls/project_detail.html", context)


def _project_context(request, project):
    show_scores = permissions.can(request.user, "view_scores", project)
    may_follow_up = permissions.can(request.user, "update_milestone", project)
    milestones = list(project.milestones.all())
    return {
        "call": project.call,
        "project": project,
        "log": selectors.status_log(project=project),
        "attachments": project.attachments.select_related("document"),
        "team": project.team.all(),
        "budget_lines": project.budget_lines.all(),
        "milestones": milestones,
        "milestone_form": MilestoneForm().described if may_follow_up else None,
        "milestone_forms": [
            (milestone, MilestoneForm(instance=milestone, prefix=f"m{milestone.pk}").described)
            for milestone in milestones
        ]
        if may_follow_up
        else [],
        "scores": selectors.project_scores(project=project) if show_scores else None,
        "is_applicant": permissions.is_applicant(request.user, project),
    }


def _project_page(request, project, status=200):
    return TemplateResponse(
        request, "calls/project_detail.html", _project_context(request, project), status=status
    )


@login_required
def project_receipt(request, project_id: int):
    """The receipt of a submitted dossier: its reference and the date it was received."""
    project = _project_or_404(request, project_id)
    if not permissions.is_applicant(request.user, project) or project.submitted_at is None:
        raise Http404
    return TemplateResponse(request, "calls/project_receipt.html", {"project": project, "call": project.call})


@login_required
def projects_mine(request):
    """The person's dossiers, drafts first to resume them."""
    return TemplateResponse(
        request, "calls/projects_mine.html", {"projects": selectors.projects_of_applicant(user=request.user)}
    )


@login_required
@require_POST
def attachment_add(request, project_id: int):
    project = _project_or_404(request, project_id)
    if refused := permissions.refusal(request.user, "change_project", project):
        return _project_change_refused(request, project, refused)
    if consume_or_429(request, action="contribute_dossier", user=request.user):
        return _edit_page_refused(request, project, TOO_MANY, status=429)
    # Refused before the upload is read and stored, from the size the browser announces.
    announced = request.META.get("CONTENT_LENGTH", "")
    if announced.isascii() and announced.isdigit() and int(announced) > project.call.max_file_size + 65536:
        message = _("This file is too large: files of this call must weigh at most %(max)s MB.") % {
            "max": project.call.max_file_size_mb
        }
        return _edit_page_refused(request, project, message)
    form = AttachmentForm(request.POST, request.FILES, call=project.call)
    if not form.is_valid():
        message = " ".join(error for errors in form.errors.values() for error in errors)
        return _edit_page_refused(request, project, message, attachment_form=form)
    try:
        dossiers.attachment_add(
            project=project, upload=form.cleaned_data["file"], document=form.cleaned_data["document"]
        )
    except CallRefused as refusal:
        form.add_error("file", refusal.message)
        return _edit_page_refused(request, project, refusal.message, attachment_form=form)
    messages.success(request, _("The file is attached."))
    return redirect(reverse("calls_project", args=[project.pk]) + "#attachments")


@login_required
@require_POST
def attachment_delete(request, project_id: int, attachment_id: int):
    project = _project_or_404(request, project_id)
    attachment = get_object_or_404(Attachment, pk=attachment_id, project=project)
    if refused := permissions.refusal(request.user, "change_project", project):
        return _project_change_refused(request, project, refused)
    try:
        dossiers.attachment_delete(attachment=attachment)
    except CallRefused as refusal:
        return _edit_page_refused(request, project, refusal.message)
    messages.success(request, _("The file is removed."))
    return redirect(reverse("calls_project", args=[project.pk]) + "#attachments")


@login_required
def attachment_download(request, project_id: int, attachment_id: int):
    """An attachment, served only to those who may read the dossier, never from a public address."""
    project = _project_or_404(request, project_id, "view_attachment")
    attachment = get_object_or_404(Attachment, pk=attachment_id, project=project)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def milestone_save(request, project_id: int, milestone_id: int | None = None):
    """The applicant (or an official) records a follow-up milestone and its progress."""
    project = _project_or_404(request, project_id)
    if not permissions.can(request.user, "update_milestone", project):
        return _refused(
            request,
            403,
            _("Only selected projects have follow-up milestones."),
            "calls/project_detail.html",
            _project_context(request, project),
        )
    milestone = get_object_or_404(Milestone, pk=milestone_id, project=project) if milestone_id else None
    form = MilestoneForm(request.POST, instance=milestone, prefix=f"m{milestone.pk}" if milestone else None)
    if not form.is_valid():
        context = _project_context(request, project)
        if milestone is None:
            context["milestone_form"] = form.described
        else:
            context["milestone_forms"] = [
                (item, form.described if item.pk == milestone.pk else other)
                for item, other in context["milestone_forms"]
            ]
        messages.error(request, _("Some answers need correcting: see the messages next to them."))
        return TemplateResponse(request, "calls/project_detail.html", context, status=400)
    milestone_services.milestone_save(
        project=project, milestone=milestone, actor=request.user, **form.cleaned_data
    )
    messages.success(request, _("The milestone is saved."))
    return redirect(reverse("calls_project", args=[project.pk]) + "#milestones")


def laureates(request, call_id: int):
    """The published list of a call's selected projects and their progress."""
    call = _call_or_404(call_id)
    if call.laureates_published_at is None:
        raise Http404
    return TemplateResponse(
        request,
        "calls/laureates.html",
        {
            "call": call,
            "page": call,
            "projects": selectors.laureates(call=call),
            "followed": selectors.followed_laureates(call=call, user=request.user),
        },
    )


@require_POST
def project_follow(request, project_id: int):
    """Follow or stop following a published laureate (`following=1` or `0`), then back to its call's
    laureates page."""
    project = (
        Project.objects.laureates().select_related("call").filter(pk=project_id, call__live=True).first()
    )
    if project is None:
        return _refused(request, 404, _("Only the published laureates of a call can be followed."))
    if refused := permissions.refusal(request.user, "follow_project", project):
        return _refused(request, 403, refused.message)
    following = request.POST.get("following")
    if following not in ("0", "1"):
        return _refused(request, 400, _("Choose whether to follow this project or not."))
    milestone_services.project_follow_set(project=project, user=request.user, following=following == "1")
    if following == "1":
        messages.success(
            request, _("You follow this project: each change of its milestones will be e-mailed to you.")
        )
    else:
        messages.success(request, _("You no longer follow this project."))
    return redirect(reverse("calls_laureates", args=[project.call_id]) + f"#project-{project.pk}")


# Evaluators ---------------------------------------------------------------------------------------


@login_required
def evaluations(request):
    """The dossiers given to the person to evaluate."""
    return TemplateResponse(
        request,
        "calls/evaluations.html",
        {"assignments": selectors.assignments_of_evaluator(user=request.user)},
    )


def evaluator_invitation(request, token: str):
    """The link of an invitation to evaluate a dossier: what it is for; once signed in (or signed up),
    accept it and the dossier is given to the person. A used, expired or forged link is refused (4xx)
    with the reason, and gives nothing."""
    invitation = evaluator_invitation_for_token(token)
    if invitation is None:
        return _invitation_page(
            request,
            None,
            _("This invitation link is not valid. Check that you copied it whole."),
            status=404,
        )
    if invitation.accepted_at is not None:
        return _invitation_page(request, None, _("This invitation has already been used."), status=410)
    if invitation.is_expired:
        return _invitation_page(
            request,
            None,
            _("This invitation has expired. Ask the person who invited you to send a new one."),
            status=410,
        )
    if request.method != "POST":
        if not request.user.is_authenticated:
            # The link reached this address: signing up with it needs no confirmation e-mail (allauth).
            get_account_adapter(request).stash_verified_email(request, invitation.email)
        return _invitation_page(request, invitation)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
    try:
        assignment = evaluator_invitation_accept(invitation=invitation, user=request.user)
    except CallRefused as refusal:
        status = INVITATION_REFUSAL_STATUS.get(refusal.code, 400)
        return _invitation_page(request, invitation, refusal.message, status=status)
    messages.success(
        request,
        _("The dossier is given to you. First say whether you have a conflict of interest with it."),
    )
    return redirect("calls_evaluation", assignment.pk)


def _invitation_page(request, invitation, error: str = "", *, status: int = 200):
    response = TemplateResponse(
        request,
        "calls/evaluator_invitation.html",
        {"invitation": invitation, "error": error},
        status=status,
    )
    response["Cache-Control"] = "private, no-store"
    return response


class NotYourAssignment(Exception):
    pass


def _assignment_or_404(request, assignment_id: int) -> Assignment:
    # Evaluators reach only their own assignments; anyone else's is refused with a reason (403).
    assignment = get_object_or_404(
        Assignment.objects.select_related("project", "project__call", "project__territory"), pk=assignment_id
    )
    if assignment.evaluator_id != request.user.pk:
        raise NotYourAssignment
    return assignment


def _not_yours(request):
    return _refused(request, 403, _("This dossier was not given to you to evaluate."))


def _evaluation_context(request, assignment, conflict_form=None, score_form=None):
    project = assignment.project
    criteria = Criterion.objects.filter(call_id=project.call_id)
    scores = {score.criterion_id: score for score in assignment.scores.all()}
    return {
        "assignment": assignment,
        "project": project,
        "call": project.call,
        "attachments": project.attachments.select_related("document")
        if assignment.has_conflict is not True
        else [],
        "budget_lines": project.budget_lines.all(),
        "team": project.team.all(),
        "conflict_form": (conflict_form or ConflictForm()).described,
        "score_form": (
            score_form or ScoreForm(criteria=criteria, scores=scores, initial={"comment": assignment.comment})
        ).described,
        "may_declare": permissions.can(request.user, "declare_conflict", project),
        "may_score": permissions.can(request.user, "score_project", project),
    }


@login_required
def evaluation(request, assignment_id: int):
    try:
        return _evaluation(request, assignment_id)
    except NotYourAssignment:
        return _not_yours(request)


def _evaluation(request, assignment_id: int):
    """Declare one's interests, then score the dossier on the call's grid."""
    assignment = _assignment_or_404(request, assignment_id)
    return TemplateResponse(request, "calls/evaluation.html", _evaluation_context(request, assignment))


@login_required
@require_POST
def evaluation_declare(request, assignment_id: int):
    try:
        return _evaluation_declare(request, assignment_id)
    except NotYourAssignment:
        return _not_yours(request)


def _evaluation_declare(request, assignment_id: int):
    assignment = _assignment_or_404(request, assignment_id)
    if not permissions.can(request.user, "declare_conflict", assignment.project):
        return _refused(
            request,
            403,
            _("Your declaration for this dossier is already recorded."),
            "calls/evaluation.html",
            _evaluation_context(request, assignment),
        )
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether you have a conflict of interest."))
        return TemplateResponse(
            request,
            "calls/evaluation.html",
            _evaluation_context(request, assignment, conflict_form=form),
            status=400,
        )
    try:
        conflict_declare(assignment=assignment, **form.cleaned_data)
    except CallRefused as refusal:
        return _refused(
            request, 400, refusal.message, "calls/evaluation.html", _evaluation_context(request, assignment)
        )
    messages.success(request, _("Your declaration is recorded."))
    return redirect("calls_evaluation", assignment.pk)


@login_required
@require_POST
def evaluation_score(request, assignment_id: int):
    try:
        return _evaluation_score(request, assignment_id)
    except NotYourAssignment:
        return _not_yours(request)


def _evaluation_score(request, assignment_id: int):
    assignment = _assignment_or_404(request, assignment_id)
    project = assignment.project
    if not permissions.can(request.user, "score_project", project):
        if assignment.has_conflict:
            message = _("You declared a conflict of interest with this dossier, so you cannot score it.")
        elif assignment.has_conflict is None:
            message = _("Declare whether you have a conflict of interest before scoring this dossier.")
        else:
            message = _("This dossier is no longer being evaluated.")
        return _refused(
            request, 403, message, "calls/evaluation.html", _evaluation_context(request, assignment)
        )
    form = ScoreForm(request.POST, criteria=Criterion.objects.filter(call_id=project.call_id))
    if not form.is_valid():
        messages.error(request, _("Some scores need correcting: see the messages next to them."))
        return TemplateResponse(
            request,
            "calls/evaluation.html",
            _evaluation_context(request, assignment, score_form=form),
            status=400,
        )
    try:
        scores_save(assignment=assignment, values=form.values(), comment=form.cleaned_data["comment"])
    except CallRefused as refusal:
        return _refused(
            request, 400, refusal.message, "calls/evaluation.html", _evaluation_context(request, assignment)
        )
    messages.success(request, _("Your scores are recorded."))
    return redirect("calls_evaluations")
