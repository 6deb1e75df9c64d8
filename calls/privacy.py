"""What calls for projects hold about a person, for "Download my data" and for deleting the account.

Submitted dossiers are administrative records of the call: they stay without their author when the
account is deleted. Drafts, never sent, are deleted with their files. The projects a person follows
(and the record of the milestone e-mails sent to them) go with the account (the database cascades).
Invitations to evaluate sent to any of the person's addresses are deleted with it.
"""

from accounts.privacy import register_eraser, register_exporter
from calls.models import Assignment, EvaluatorInvitation, Project, ProjectFollow


@register_exporter("call_dossiers")
def dossiers_export(user) -> list[dict]:
    projects = (
        Project.objects.filter(applicant=user)
        .select_related("call", "territory")
        .prefetch_related("team", "budget_lines", "attachments", "status_changes", "milestones")
        .order_by("created_at")
    )
    return [
        {
            "call": project.call.title,
            "title": project.title,
            "summary": project.summary,
            "status": project.status,
            "reason": project.status_reason,
            "reference": project.reference,
            "applicant_type": project.applicant_type,
            "organisation_name": project.organisation_name,
            "siret": project.siret,
            "rna": project.rna,
            "local_register": project.local_register,
            "territory": str(project.territory or ""),
            "amount_requested": str(project.amount_requested),
            "answers": project.answers,
            "team": [
                {"name": m.name, "role": m.role, "organisation": m.organisation, "email": m.email}
                for m in project.team.all()
            ],
            "budget": [
                {"label": line.label, "amount": str(line.amount)} for line in project.budget_lines.all()
            ],
            "attachments": [attachment.original_name for attachment in project.attachments.all()],
            "history": [
                {"status": change.to_status, "reason": change.reason, "at": change.created_at.isoformat()}
                for change in project.status_changes.all()
            ],
            "milestones": [{"title": m.title, "progress": m.progress} for m in project.milestones.all()],
            "created_at": project.created_at.isoformat(),
            "submitted_at": project.submitted_at.isoformat() if project.submitted_at else None,
        }
        for project in projects
    ]


@register_exporter("call_evaluations")
def evaluations_export(user) -> list[dict]:
    assignments = (
        Assignment.objects.filter(evaluator=user)
        .select_related("project")
        .prefetch_related("scores__criterion")
    )
    return [
        {
            "dossier": assignment.project.title,
            "conflict_of_interest": assignment.has_conflict,
            "comment": assignment.comment,
            "scores": {score.criterion.label: score.value for score in assignment.scores.all()},
        }
        for assignment in assignments
    ]


@register_exporter("followed_projects")
def followed_projects_export(user) -> list[dict]:
    follows = ProjectFollow.objects.filter(user=user).select_related("project__call").order_by("created_at")
    return [
        {"project": f.project.title, "call": f.project.call.title, "since": f.created_at.isoformat()}
        for f in follows
    ]


def _invitations_to(user):
    addresses = {user.email, *user.emailaddress_set.values_list("email", flat=True)}
    invitations = EvaluatorInvitation.objects.none()
    for address in addresses:
        invitations |= EvaluatorInvitation.objects.filter(email__iexact=address)
    return invitations


@register_exporter("call_evaluator_invitations")
def evaluator_invitations_export(user) -> list[dict]:
    invitations = _invitations_to(user).select_related("project__call").order_by("created_at")
    return [
        {
            "email": invitation.email,
            "name": invitation.name,
            "call": invitation.project.call.title,
            "dossier": invitation.project.title,
            "sent_at": invitation.sent_at.isoformat() if invitation.sent_at else None,
            "accepted_at": invitation.accepted_at.isoformat() if invitation.accepted_at else None,
        }
        for invitation in invitations
    ]


@register_eraser("call_evaluator_invitations")
def evaluator_invitations_erase(user) -> None:
    """Invitations to evaluate sent to the person's addresses (they hold the address and a name)."""
    _invitations_to(user).delete()


@register_eraser("call_drafts")
def drafts_erase(user) -> None:
    """The person's draft dossiers and their files."""
    drafts = Project.objects.filter(applicant=user, status=Project.Status.DRAFT)
    for project in drafts.prefetch_related("attachments"):
        for attachment in project.attachments.all():
            attachment.file.delete(save=False)
    drafts.delete()
