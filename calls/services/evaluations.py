"""The evaluation of dossiers: given to evaluators, who declare their interests and score them."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.models import Assignment, Criterion, Project, Score
from calls.services.decisions import project_status_change
from calls.services.refusals import refuse
from core.notifications import email_send
from core.outbox import outbox_enqueue

Status = Project.Status


@transaction.atomic
def assignment_create(*, project: Project, evaluator, actor, notify: bool = True) -> Assignment:
    """Give a dossier to an evaluator; its first assignment puts an eligible dossier in evaluation.

    The evaluator is e-mailed the dossier unless `notify` is off (they took it themselves, from an
    invitation: they are on its page already)."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status not in (Status.ELIGIBLE, Status.IN_EVALUATION):
        refuse(_("Only eligible dossiers are given to evaluators."), "not_eligible")
    if evaluator.pk == project.applicant_id:
        refuse(_("The applicant cannot evaluate their own dossier."), "own")
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(project=project, evaluator=evaluator, assigned_by=actor)
    except IntegrityError:
        refuse(_("This evaluator already has this dossier."), "duplicate")
    if project.status == Status.ELIGIBLE:
        project_status_change(project=project, to_status=Status.IN_EVALUATION, reason="", actor=actor)
    if notify:
        outbox_enqueue("calls.tasks.assignment_notify_task", assignment.pk)
    return assignment


def assignment_notify(*, assignment: Assignment) -> None:
    """Tell the evaluator a dossier was given to them, and where to declare their interests."""
    email_send(
        user=assignment.evaluator,
        template="calls/email/assignment",
        context={"assignment": assignment, "project": assignment.project, "call": assignment.project.call},
    )
    Assignment.objects.filter(pk=assignment.pk).update(notified_at=timezone.now())


@transaction.atomic
def conflict_declare(*, assignment: Assignment, has_conflict: bool, note: str = "") -> Assignment:
    """The evaluator says whether they have a conflict of interest; with one, they cannot score."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.has_conflict is not None:
        refuse(_("You have already declared your interests for this dossier."), "declared")
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
        refuse(_("Declare that you have no conflict of interest before scoring this dossier."), "conflict")
    if project.status not in (Status.ELIGIBLE, Status.IN_EVALUATION):
        refuse(_("This dossier is no longer being evaluated."), "not_in_evaluation")
    criteria = {criterion.pk: criterion for criterion in Criterion.objects.filter(call_id=project.call_id)}
    if set(values) != set(criteria):
        refuse(_("The scoring grid has changed; reload the page and score again."), "grid")
    for criterion_id, (value, text) in values.items():
        criterion = criteria[criterion_id]
        if not 0 <= value <= criterion.max_score:
            refuse(
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
