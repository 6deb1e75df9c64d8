"""The follow-up of selected projects: their milestones, e-mailed to the people who follow them."""

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from calls.models import Milestone, MilestoneNotification, Project, ProjectFollow
from calls.services.refusals import refuse
from core.notifications import email_send, email_send_once
from core.outbox import outbox_enqueue

logger = logging.getLogger(__name__)
Status = Project.Status


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
        refuse(_("Only selected projects have follow-up milestones."), "not_selected")
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
        outbox_enqueue("calls.tasks.milestone_notify_task", milestone.pk, actor_id)
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
