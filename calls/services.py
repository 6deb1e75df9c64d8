"""Writes of calls for projects: every change to a dossier and its evaluation goes through one of these."""

import logging
import secrets
from datetime import timedelta
from decimal import Decimal

import filetype
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from wagtail.search import index

from accounts.services import token_hash
from accounts.territories import territory_within
from calls.events import laureates_published
from calls.models import (
    ApplicantType,
    Assignment,
    Attachment,
    BudgetLine,
    CallKind,
    CallPage,
    Criterion,
    EvaluatorInvitation,
    Milestone,
    MilestoneNotification,
    Project,
    ProjectFollow,
    Score,
    StatusChange,
    TeamMember,
)
from calls.validators import validate_rna, validate_siret
from core.notifications import email_send, email_send_once, email_send_to
from core.outbox import outbox_enqueue

logger = logging.getLogger(__name__)
Status = Project.Status


class CallRefused(ValidationError):
    """The call, the dossier or its state does not allow this change; the message says why."""


# What may follow what, when an official decides (submission is `project_submit`'s own step).
TRANSITIONS = {
    Status.SUBMITTED: {Status.ELIGIBLE, Status.INELIGIBLE, Status.CLOSED},
    Status.ELIGIBLE: {
        Status.IN_EVALUATION,
        Status.INELIGIBLE,
        Status.SELECTED,
        Status.NOT_SELECTED,
        Status.CLOSED,
    },
    Status.IN_EVALUATION: {Status.SELECTED, Status.NOT_SELECTED, Status.CLOSED},
    Status.INELIGIBLE: {Status.ELIGIBLE},
    Status.SELECTED: {Status.CLOSED},
}
NEEDS_REASON = {Status.INELIGIBLE, Status.SELECTED, Status.NOT_SELECTED, Status.CLOSED}

# Attachments: the type is read from the first bytes of the file, never from its name or the browser.
ACCEPTED_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
}
MAX_ATTACHMENTS = 20


def _refuse(message: str, code: str = "refused"):
    raise CallRefused(message, code=code)


def _deadline_check(call: CallPage) -> None:
    now = timezone.now()
    if not call.live or now < call.opens_at:
        _refuse(_("This call is not open yet."), "not_open")
    if now >= call.closes_at:
        _refuse(
            _("This call closed on %(date)s: dossiers can no longer be changed or submitted.")
            % {"date": formats.date_format(timezone.localtime(call.closes_at), "DATETIME_FORMAT")},
            "closed",
        )


def _log(*, project: Project, from_status: str, to_status: str, reason: str, actor) -> StatusChange:
    change = StatusChange.objects.create(
        project=project, from_status=from_status, to_status=to_status, reason=reason, actor=actor
    )
    from calls.tasks import status_change_notify_task

    outbox_enqueue(status_change_notify_task, change.pk)
    return change


# The applicant's dossier -------------------------------------------------------------------------


@transaction.atomic
def project_save(
    *,
    call: CallPage,
    applicant,
    project: Project | None,
    fields: dict,
    answers: dict,
    team: list[dict],
    budget: list[dict],
) -> Project:
    """Create or update a dossier with its team and budget lines, as a whole.

    A draft may be incomplete. A submitted dossier stays complete: a change that would leave it
    incomplete is refused and the saved version stays as it was.

    The given `project` may be stale (loaded before a concurrent submission or an official's
    decision): the dossier is read again under a row lock, its status checked on that fresh copy, and
    only the fields the form changes are written — never its status, reference or submission date.
    Returns the fresh dossier (use it, not the given instance, to decide what comes next).
    """
    _deadline_check(call)
    answers = {key: value for key, value in answers.items() if value not in (None, "")}
    if project is None:
        project = Project(call=call, applicant=applicant, answers=answers, **fields)
        project.save()
    else:
        project = Project.objects.select_for_update().get(pk=project.pk)
        if project.status not in (Status.DRAFT, Status.SUBMITTED):
            _refuse(_("This dossier is being examined and can no longer be changed."), "not_editable")
        for name, value in fields.items():
            setattr(project, name, value)
        project.answers = answers
        project.save(update_fields=[*fields, "answers", "updated_at"])
    project.team.all().delete()
    TeamMember.objects.bulk_create(TeamMember(project=project, **member) for member in team)
    project.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(BudgetLine(project=project, **line) for line in budget)
    if project.status == Status.SUBMITTED:
        problems = project_problems(project)
        if problems:
            _refuse(
                _("This dossier is submitted, so it must stay complete; nothing was changed: %(problems)s")
                % {"problems": " ".join(problems)},
                "incomplete",
            )
    return project


def project_problems(project: Project) -> list[str]:
    """What keeps the dossier from being submitted, in words the applicant can act on (empty: complete)."""
    call = project.call
    problems = []
    if not project.title.strip():
        problems.append(_("Give the project a title."))
    if not project.summary.strip():
        problems.append(_("Summarise the project."))
    if project.applicant_type not in call.applicant_types:
        problems.append(_("Say as whom you apply, among the kinds of applicants this call accepts."))
    if (
        project.applicant_type
        in (
            ApplicantType.ASSOCIATION,
            ApplicantType.COMPANY,
            ApplicantType.PUBLIC_BODY,
        )
        and not project.organisation_name.strip()
    ):
        problems.append(_("Give the name of the organisation that applies."))
    if project.applicant_type == ApplicantType.COMPANY:
        try:
            validate_siret(project.siret)
        except ValidationError as error:
            problems.extend(error.messages)
    # An RNA number, or for an Alsace-Moselle association (no RNA) its local register entry.
    if project.applicant_type == ApplicantType.ASSOCIATION and (
        project.rna or not project.local_register.strip()
    ):
        try:
            validate_rna(project.rna)
        except ValidationError as error:
            problems.extend(error.messages)
            if not project.rna:
                problems.append(
                    _(
                        "An association registered in Moselle, Bas-Rhin or Haut-Rhin has no RNA number: "
                        "give its entry in the register of associations of its local court instead."
                    )
                )
    if call.territory_id:
        if project.territory_id is None:
            problems.append(_("Say in which commune the project takes place."))
        elif not territory_within(project.territory, call.territory):
            problems.append(
                _("The project must take place in %(territory)s.") % {"territory": call.territory}
            )
    problems.extend(_amount_problems(project))
    answers = project.answers or {}
    for field in call.fields.all():
        if field.required and answers.get(field.key) in (None, ""):
            problems.append(_("Answer the question “%(label)s”.") % {"label": field.label})
    attached = set(project.attachments.values_list("document_id", flat=True))
    for document in call.documents.all():
        if document.required and document.pk not in attached:
            problems.append(_("Attach the document “%(label)s”.") % {"label": document.label})
    return problems


def _amount_problems(project: Project) -> list[str]:
    call = project.call
    amount = project.amount_requested or Decimal("0")
    lines = list(project.budget_lines.all())
    problems = []
    if call.kind == CallKind.FUNDING and amount <= 0:
        problems.append(_("Say how much you ask for."))
    if call.min_amount is not None and 0 < amount < call.min_amount:
        problems.append(_("This call funds projects from %(amount)s €.") % {"amount": call.min_amount})
    if call.max_amount is not None and amount > call.max_amount:
        problems.append(_("This call funds projects up to %(amount)s €.") % {"amount": call.max_amount})
    if amount > 0 or lines:
        total = sum((line.amount for line in lines), Decimal("0"))
        if total != amount:
            problems.append(
                _("The budget lines add up to %(total)s €, not to the %(amount)s € requested.")
                % {"total": total, "amount": amount}
            )
    return problems


@transaction.atomic
def project_submit(*, project: Project, actor) -> Project:
    """Submit a complete dossier before the deadline; the applicant gets a receipt by e-mail."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _deadline_check(project.call)
    if project.status != Status.DRAFT:
        _refuse(_("This dossier is already submitted."), "already_submitted")
    problems = project_problems(project)
    if problems:
        _refuse(" ".join(problems), "incomplete")
    project.status = Status.SUBMITTED
    project.submitted_at = timezone.now()
    project.reference = f"{project.call_id}-{project.pk:05d}-{secrets.token_hex(2).upper()}"
    project.save(update_fields=["status", "submitted_at", "reference", "updated_at"])
    _log(project=project, from_status=Status.DRAFT, to_status=Status.SUBMITTED, reason="", actor=actor)
    return project


@transaction.atomic
def attachment_add(*, project: Project, upload, document=None) -> Attachment:
    """Attach a file whose content is of an accepted type and whose size is within the call's limit.

    The dossier is read again under a row lock (the given instance may be stale): its status is checked
    on the fresh copy, and two uploads at once cannot pass the limit on the number of attachments."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    call = project.call
    _deadline_check(call)
    if project.status not in (Status.DRAFT, Status.SUBMITTED):
        _refuse(_("This dossier is being examined and can no longer be changed."), "not_editable")
    if document is not None and document.call_id != call.pk:
        _refuse(_("Choose one of the documents this call asks for."), "document")
    if upload.size > call.max_file_size:
        _refuse(
            _("This file weighs %(size)s MB; files of this call must weigh at most %(max)s MB.")
            % {"size": round(upload.size / 1024 / 1024, 1), "max": call.max_file_size_mb},
            "too_large",
        )
    if upload.size == 0:
        _refuse(_("This file is empty."), "empty")
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ACCEPTED_TYPES:
        _refuse(
            _("This file is not a document of an accepted type, whatever its name says. Accepted: %(types)s.")
            % {"types": ", ".join(sorted(set(ACCEPTED_TYPES.values())))},
            "type",
        )
    if project.attachments.count() >= MAX_ATTACHMENTS:
        _refuse(_("A dossier has at most %(count)s attachments.") % {"count": MAX_ATTACHMENTS}, "too_many")
    attachment = Attachment(
        project=project,
        document=document,
        token=secrets.token_hex(16),
        original_name=(upload.name or "document")[-200:],
        content_type=kind.mime,
        size=upload.size,
    )
    attachment.file.save(attachment.token, ContentFile(upload.read()), save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment) -> None:
    project = Project.objects.select_for_update().get(pk=attachment.project_id)
    _deadline_check(project.call)
    if project.status not in (Status.DRAFT, Status.SUBMITTED):
        _refuse(_("This dossier is being examined and can no longer be changed."), "not_editable")
    if project.status == Status.SUBMITTED and attachment.document and attachment.document.required:
        others = project.attachments.filter(document=attachment.document).exclude(pk=attachment.pk)
        if not others.exists():
            _refuse(
                _("This document is required: attach its new version before removing this one."),
                "required",
            )
    attachment.delete()
    transaction.on_commit(lambda: attachment.file.delete(save=False))


# Officials' decisions ----------------------------------------------------------------------------


def _ballot_frozen(call_id: int) -> bool:
    """Whether the call's public vote (budgets app) has opened on its published laureates: from then on
    its ballot — the call's selected dossiers — must not change (ballots and the count rely on it)."""
    return CallPage.objects.filter(
        pk=call_id,
        laureates_published_at__isnull=False,
        public_vote__opens_at__lte=timezone.now(),
    ).exists()


@transaction.atomic
def project_status_change(*, project: Project, to_status: str, reason: str, actor) -> Project:
    """Move a dossier one step on (eligibility, decision...), logged with its reason; the applicant is
    told by e-mail. The given instance is updated too."""
    given, project = project, Project.objects.select_for_update().get(pk=project.pk)
    reason = (reason or "").strip()
    if to_status not in TRANSITIONS.get(project.status, set()):
        _refuse(
            _("A dossier that is “%(from)s” cannot become “%(to)s”.")
            % {
                "from": project.get_status_display(),
                "to": Status(to_status).label if to_status in Status.values else to_status,
            },
            "transition",
        )
    if to_status in NEEDS_REASON and not reason:
        _refuse(_("Give the reason of this decision: the applicant will read it."), "reason")
    if Status.SELECTED in (project.status, to_status) and _ballot_frozen(project.call_id):
        _refuse(
            _(
                "The public vote on this call's selected projects has opened: a dossier can no longer "
                "enter or leave the selection."
            ),
            "ballot_frozen",
        )
    from_status = project.status
    project.status = to_status
    project.status_reason = reason
    project.save(update_fields=["status", "status_reason", "updated_at"])
    _log(project=project, from_status=from_status, to_status=to_status, reason=reason, actor=actor)
    given.status, given.status_reason = project.status, project.status_reason
    return project


def projects_status_change(*, projects, to_status: str, reason: str, actor) -> tuple[list, list]:
    """The same decision for several dossiers; each is changed on its own, so one refusal does not
    undo the others. Returns (changed, [(project, message)] refused)."""
    changed, refused = [], []
    for project in projects:
        try:
            changed.append(
                project_status_change(project=project, to_status=to_status, reason=reason, actor=actor)
            )
        except CallRefused as refusal:
            refused.append((project, refusal.message))
    return changed, refused


@transaction.atomic
def assignment_create(*, project: Project, evaluator, actor, notify: bool = True) -> Assignment:
    """Give a dossier to an evaluator; its first assignment puts an eligible dossier in evaluation.

    The evaluator is e-mailed the dossier unless `notify` is off (they took it themselves, from an
    invitation: they are on its page already)."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status not in (Status.ELIGIBLE, Status.IN_EVALUATION):
        _refuse(_("Only eligible dossiers are given to evaluators."), "not_eligible")
    if evaluator.pk == project.applicant_id:
        _refuse(_("The applicant cannot evaluate their own dossier."), "own")
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(project=project, evaluator=evaluator, assigned_by=actor)
    except IntegrityError:
        _refuse(_("This evaluator already has this dossier."), "duplicate")
    if project.status == Status.ELIGIBLE:
        project_status_change(project=project, to_status=Status.IN_EVALUATION, reason="", actor=actor)
    if notify:
        from calls.tasks import assignment_notify_task

        outbox_enqueue(assignment_notify_task, assignment.pk)
    return assignment


def assignment_notify(*, assignment: Assignment) -> None:
    """Tell the evaluator a dossier was given to them, and where to declare their interests."""
    email_send(
        user=assignment.evaluator,
        template="calls/email/assignment",
        context={"assignment": assignment, "project": assignment.project, "call": assignment.project.call},
    )
    Assignment.objects.filter(pk=assignment.pk).update(notified_at=timezone.now())


# Evaluators from outside: invited by e-mail --------------------------------------------------------

# What each refusal of an invitation link answers (the others: 400).
INVITATION_REFUSAL_STATUS = {"used": 410, "expired": 410, "not_eligible": 410, "address": 403, "own": 403}


def _on_the_team(project: Project, addresses) -> bool:
    """Whether one of these addresses is a team member's (a co-applicant's, say) on the dossier."""
    match = Q()
    for address in addresses:
        match |= Q(email__iexact=address)
    return bool(match) and project.team.filter(match).exists()


def _account_of(email: str):
    """The active account this address belongs to: its sign-in address, or another it confirmed."""
    user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        address = (
            EmailAddress.objects.filter(email__iexact=email, verified=True, user__is_active=True)
            .select_related("user")
            .first()
        )
        user = address.user if address is not None else None
    return user


@transaction.atomic
def evaluator_invite(
    *, project: Project, email: str, name: str = "", actor
) -> Assignment | EvaluatorInvitation:
    """Give a dossier to the evaluator with this address: at once if they have an account (they are
    e-mailed the dossier), else through an invitation e-mailed to them (on commit), whose link, used once
    before `INVITATION_VALID_DAYS`, lets them sign up or sign in and take the dossier."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    email = email.strip().lower()
    if project.status not in (Status.ELIGIBLE, Status.IN_EVALUATION):
        _refuse(_("Only eligible dossiers are given to evaluators."), "not_eligible")
    if _on_the_team(project, [email]):
        _refuse(_("This address is on the dossier's team: its members cannot evaluate it."), "own")
    evaluator = _account_of(email)
    if evaluator is not None:
        return assignment_create(project=project, evaluator=evaluator, actor=actor)
    waiting = project.evaluator_invitations.pending().filter(email__iexact=email).first()
    if waiting is not None:
        _refuse(
            _("This address was already invited to evaluate this dossier; the link works until %(date)s.")
            % {"date": formats.date_format(timezone.localtime(waiting.expires_at), "DATE_FORMAT")},
            "duplicate",
        )
    invitation = EvaluatorInvitation.objects.create(
        project=project,
        email=email,
        name=name.strip(),
        # A token nobody has: the e-mail's own is made when it is sent (`evaluator_invitation_send`), so
        # that no token waits in the outbox or the broker.
        token_hash=token_hash(secrets.token_urlsafe(32)),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    from calls.tasks import evaluator_invitation_send_task

    outbox_enqueue(evaluator_invitation_send_task, invitation.pk)
    return invitation


def evaluator_invitation_send(*, invitation: EvaluatorInvitation) -> None:
    """E-mail the link, in the language of the account of that address if one was made since, else the
    site's; mark the invitation sent. The token is made here and only its hash stored, in the caller's
    transaction (`consumer_once`): if the sending fails, no token that was never sent is kept."""
    token = secrets.token_urlsafe(32)
    EvaluatorInvitation.objects.filter(pk=invitation.pk).update(
        token_hash=token_hash(token), sent_at=timezone.now()
    )
    known = _account_of(invitation.email)
    project = invitation.project
    email_send_to(
        address=invitation.email,
        language=known.language if known else settings.LANGUAGE_CODE,
        template="calls/email/evaluator_invitation",
        context={
            "invitation": invitation,
            "project": project,
            "call": project.call,
            "organisation": project.call.organisation,
            "inviter": invitation.invited_by.get_full_name() if invitation.invited_by else "",
            "link": f"{settings.WAGTAILADMIN_BASE_URL}{reverse('calls_evaluator_invitation', args=[token])}",
        },
    )


def evaluator_invitation_for_token(token: str) -> EvaluatorInvitation | None:
    """The invitation of a link, or None (a forged or mistyped link)."""
    if not token or len(token) > 200:
        return None
    return (
        EvaluatorInvitation.objects.select_related(
            "project", "project__call", "project__call__organisation", "invited_by"
        )
        .filter(token_hash=token_hash(token), sent_at__isnull=False)
        .first()
    )


@transaction.atomic
def evaluator_invitation_accept(*, invitation: EvaluatorInvitation, user) -> Assignment:
    """Give the invitation's dossier to `user`, who follows its link signed in with a confirmed address
    that is the invited one (as officials' invitations); the invitation works once, before it expires.

    The evaluator still declares their interests before scoring. Refusals say why; their `code` is a key
    of `INVITATION_REFUSAL_STATUS`."""
    invitation = EvaluatorInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        _refuse(_("This invitation has already been used."), "used")
    if invitation.expires_at <= timezone.now():
        _refuse(
            _("This invitation has expired. Ask the person who invited you to send a new one."), "expired"
        )
    if not user.emailaddress_set.filter(email__iexact=invitation.email, verified=True).exists():
        _refuse(
            _(
                "This invitation was sent to another e-mail address: sign in with the account of that "
                "address, or add that address to your account and confirm it."
            ),
            "address",
        )
    project = invitation.project
    if _on_the_team(project, [user.email, *user.emailaddress_set.values_list("email", flat=True)]):
        _refuse(_("This address is on the dossier's team: its members cannot evaluate it."), "own")
    assignment = Assignment.objects.filter(project=project, evaluator=user).first()
    if assignment is None:
        try:
            assignment = assignment_create(
                project=project, evaluator=user, actor=invitation.invited_by, notify=False
            )
        except CallRefused as refusal:
            if refusal.code == "not_eligible":
                _refuse(
                    _("This dossier is no longer being evaluated: the invitation cannot be used."),
                    "not_eligible",
                )
            raise
    invitation.accepted_at = timezone.now()
    invitation.assignment = assignment
    invitation.save(update_fields=["accepted_at", "assignment"])
    logger.info("evaluator invitation accepted invitation=%s user=%s", invitation.pk, user.pk)
    return assignment


@transaction.atomic
def conflict_declare(*, assignment: Assignment, has_conflict: bool, note: str = "") -> Assignment:
    """The evaluator says whether they have a conflict of interest; with one, they cannot score."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.has_conflict is not None:
        _refuse(_("You have already declared your interests for this dossier."), "declared")
    assignment.has_conflict = has_conflict
    assignment.conflict_note = (note or "").strip()[:2000]
    assignment.declared_at = timezone.now()
    assignment.save(update_fields=["has_conflict", "conflict_note", "declared_at"])
    return assignment


@transaction.atomic
def scores_save(*, assignment: Assignment, values: dict[int, tuple[int, str]], comment: str) -> Assignment:
    """Record an evaluator's scores on every criterion of the grid (all at once), with comments."""
    assignment = Assignment.objects.select_for_update().select_related("project").get(pk=assignment.pk)
    project = assignment.project
    if assignment.has_conflict is not False:
        _refuse(_("Declare that you have no conflict of interest before scoring this dossier."), "conflict")
    if project.status not in (Status.ELIGIBLE, Status.IN_EVALUATION):
        _refuse(_("This dossier is no longer being evaluated."), "not_in_evaluation")
    criteria = {criterion.pk: criterion for criterion in Criterion.objects.filter(call_id=project.call_id)}
    if set(values) != set(criteria):
        _refuse(_("The scoring grid has changed; reload the page and score again."), "grid")
    for criterion_id, (value, text) in values.items():
        criterion = criteria[criterion_id]
        if not 0 <= value <= criterion.max_score:
            _refuse(
                _("Scores for “%(label)s” go from 0 to %(max)s.")
                % {"label": criterion.label, "max": criterion.max_score},
                "range",
            )
        Score.objects.update_or_create(
            assignment=assignment, criterion=criterion, defaults={"value": value, "comment": text.strip()}
        )
    assignment.comment = comment.strip()
    assignment.scored_at = timezone.now()
    assignment.save(update_fields=["comment", "scored_at"])
    return assignment


@transaction.atomic
def laureates_publish(*, call: CallPage, actor) -> int:
    """Publish the list of selected projects on the call's laureates page."""
    if timezone.now() < call.closes_at:
        _refuse(_("Laureates are published after the call closes."), "open")
    undecided = call.projects.filter(status__in=[Status.SUBMITTED, Status.ELIGIBLE, Status.IN_EVALUATION])
    if undecided.exists():
        _refuse(
            _("%(count)s dossiers are still waiting for a decision.") % {"count": undecided.count()},
            "undecided",
        )
    CallPage.objects.filter(pk=call.pk).update(laureates_published_at=timezone.now())
    laureates = list(call.projects.filter(status=Status.SELECTED))
    for project in laureates:  # now public: the site search finds them
        index.insert_or_update_object(project)
    laureates_published.announce(call_id=call.pk)  # the call's open data lists them from now on
    return len(laureates)


MILESTONE_FIELDS = ("title", "due_on", "progress", "note")


@transaction.atomic
def milestone_save(
    *,
    project: Project,
    milestone: Milestone | None,
    title: str,
    due_on,
    progress: int,
    note: str,
    actor=None,
):
    """Add or update a follow-up milestone of a selected project; a real change reaches the project's
    followers by e-mail (but not `actor`, who made it)."""
    if project.status != Status.SELECTED:
        _refuse(_("Only selected projects have follow-up milestones."), "not_selected")
    # Read what is saved: a model form has already changed the instance it was given.
    before = (
        Milestone.objects.select_for_update()
        .filter(pk=milestone.pk)
        .values("revision", *MILESTONE_FIELDS)
        .first()
        if milestone is not None and milestone.pk
        else None
    )
    if milestone is None:
        milestone = Milestone(project=project)
    milestone.title, milestone.due_on, milestone.progress, milestone.note = title, due_on, progress, note
    changed = before is None or any(before[field] != getattr(milestone, field) for field in MILESTONE_FIELDS)
    if changed:
        milestone.revision = (before["revision"] if before else 0) + 1
    milestone.save()
    if changed and project.follows.exists():
        actor_id = actor.pk if actor is not None and actor.is_authenticated else None
        from calls.tasks import milestone_notify_task

        outbox_enqueue(milestone_notify_task, milestone.pk, actor_id)
    return milestone


def milestone_notify(*, milestone: Milestone, actor_id: int | None = None) -> int:
    """E-mail the current revision of a milestone to each follower of its project, in their language,
    once each: each notification's record commits with its sending (`email_send_once`), so a worker
    killed in between leaves no record and the next run sends it."""
    project = milestone.project
    if project.status != Status.SELECTED or project.call.laureates_published_at is None:
        return 0
    follows = ProjectFollow.objects.filter(project=project, user__is_active=True).exclude(user_id=actor_id)
    context = {"project": project, "call": project.call, "milestone": milestone}
    sent = 0
    for follow in follows.select_related("user").order_by("pk"):
        outcome = email_send_once(
            record=lambda user=follow.user: MilestoneNotification.objects.create(
                milestone=milestone, user=user, revision=milestone.revision, progress=milestone.progress
            ),
            send=lambda user=follow.user: email_send(
                user=user,
                template="calls/email/milestone",
                context=context,
                topic="project",
                topic_key=project.pk,
            ),
        )
        if outcome == "refused":
            logger.warning(
                "milestone e-mail refused by the mail server milestone=%s user=%s",
                milestone.pk,
                follow.user_id,
            )
        sent += outcome == "sent"
    return sent


def project_follow_set(*, project: Project, user, following: bool) -> None:
    """Follow or stop following a published laureate (idempotent)."""
    if following:
        ProjectFollow.objects.get_or_create(project=project, user=user)
    else:
        ProjectFollow.objects.filter(project=project, user=user).delete()


def status_change_notify(*, change: StatusChange) -> None:
    """E-mail the applicant what happened to their dossier (the receipt, on submission)."""
    project = change.project
    if project.applicant is not None:
        email_send(
            user=project.applicant,
            template="calls/email/status_change",
            context={"project": project, "call": project.call, "change": change},
        )
    StatusChange.objects.filter(pk=change.pk).update(notified_at=timezone.now())


def tags_set(*, projects, tags, add: bool) -> None:
    for project in projects:
        if add:
            project.tags.add(*tags)
        else:
            project.tags.remove(*tags)


def service_set(*, projects, service) -> None:
    Project.objects.filter(pk__in=[project.pk for project in projects]).update(service=service)


@transaction.atomic
def export_request(*, call: CallPage, requested_by, file_format: str):
    """Ask for a file of a call's dossiers; a background task builds it."""
    from calls.models import Export

    if file_format not in Export.Format.values:
        _refuse(_("Choose CSV, XLSX or ODS."), "format")
    export = Export.objects.create(call=call, requested_by=requested_by, format=file_format)
    from calls.tasks import export_build_task

    outbox_enqueue(export_build_task, export.pk)
    return export
