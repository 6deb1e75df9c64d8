from celery import shared_task
from django.core.files.base import ContentFile
from django.utils import timezone

from calls import exports
from calls.models import Assignment, EvaluatorInvitation, Export, Milestone, StatusChange
from calls.services.decisions import status_change_notify
from calls.services.evaluations import assignment_notify
from calls.services.evaluator_invitations import evaluator_invitation_send
from calls.services.milestones import milestone_notify
from core.outbox import EMAIL_TASK, consumer_once

# E-mails and exports: retried with backoff, then deferred to the outbox (core/outbox.py).
RELIABLE = EMAIL_TASK


@shared_task(**RELIABLE)
def status_change_notify_task(change_id: int) -> bool:
    """E-mail the applicant one step of their dossier's life (once: safe to run twice)."""
    with consumer_once("status_change", change_id):
        change = (
            StatusChange.objects.select_related("project", "project__call", "project__applicant")
            .filter(pk=change_id, notified_at=None)
            .first()
        )
        if change is None:  # already sent, or gone
            return False
        status_change_notify(change=change)
        return True


@shared_task(**RELIABLE)
def assignment_notify_task(assignment_id: int) -> bool:
    """E-mail an evaluator the dossier given to them (once: safe to run twice)."""
    with consumer_once("assignment", assignment_id):
        assignment = (
            Assignment.objects.select_related("project", "project__call", "evaluator")
            .filter(pk=assignment_id, notified_at=None, evaluator__isnull=False)
            .first()
        )
        if assignment is None:
            return False
        assignment_notify(assignment=assignment)
        return True


@shared_task(**RELIABLE)
def evaluator_invitation_send_task(invitation_id: int) -> bool:
    """E-mail an outside expert the link to evaluate a dossier (once: a second delivery finds it sent).
    The link's token is made by the sending, never carried by the task."""
    with consumer_once("evaluator_invitation", invitation_id):
        invitation = (
            EvaluatorInvitation.objects.select_related(
                "project", "project__call", "project__call__organisation", "invited_by"
            )
            .filter(pk=invitation_id, accepted_at=None, sent_at=None)
            .first()
        )
        if invitation is None:  # already sent, accepted, or deleted
            return False
        evaluator_invitation_send(invitation=invitation)
        return True


@shared_task(**RELIABLE)
def milestone_notify_task(milestone_id: int, actor_id: int | None = None) -> int:
    """E-mail a new or changed milestone to the followers of its project (each revision once to each
    follower: safe to run twice)."""
    milestone = Milestone.objects.select_related("project", "project__call").filter(pk=milestone_id).first()
    if milestone is None:  # deleted since
        return 0
    return milestone_notify(milestone=milestone, actor_id=actor_id)


@shared_task(**RELIABLE)
def export_build_task(export_id: int) -> bool:
    """Build the file of an export of a call's dossiers (once: safe to run twice)."""
    with consumer_once("call_export", export_id):
        export = Export.objects.select_related("call").filter(pk=export_id, finished_at=None).first()
        if export is None:
            return False
        content = exports.write(export.call, export.format)
        name = f"call-{export.call_id}-{export.pk}.{export.format}"
        export.file.save(name, ContentFile(content), save=False)
        export.finished_at = timezone.now()
        export.save(update_fields=["file", "finished_at"])
        return True
