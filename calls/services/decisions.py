"""Officials' decisions on dossiers: each status change logged and told to the applicant, the
laureates published, dossiers sorted by tag and service."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.search import index

from calls.events import laureates_published
from calls.models import CallPage, Project, StatusChange
from calls.services.refusals import CallRefused, refuse
from core.notifications import email_send
from core.outbox import outbox_enqueue

Status = Project.Status


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


def status_change_log(
    *, project: Project, from_status: str, to_status: str, reason: str, actor
) -> StatusChange:
    """Log one step of a dossier's life (its submission too); the applicant is e-mailed it once committed."""
    change = StatusChange.objects.create(
        project=project, from_status=from_status, to_status=to_status, reason=reason, actor=actor
    )
    outbox_enqueue("calls.tasks.status_change_notify_task", change.pk)
    return change


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
        refuse(
            _("A dossier that is “%(from)s” cannot become “%(to)s”.")
            % {
                "from": project.get_status_display(),
                "to": Status(to_status).label if to_status in Status.values else to_status,
            },
            "transition",
        )
    if to_status in NEEDS_REASON and not reason:
        refuse(_("Give the reason of this decision: the applicant will read it."), "reason")
    if Status.SELECTED in (project.status, to_status) and _ballot_frozen(project.call_id):
        refuse(
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
    status_change_log(
        project=project, from_status=from_status, to_status=to_status, reason=reason, actor=actor
    )
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
def laureates_publish(*, call: CallPage, actor) -> int:
    """Publish the list of selected projects on the call's laureates page."""
    if timezone.now() < call.closes_at:
        refuse(_("Laureates are published after the call closes."), "open")
    undecided = call.projects.filter(status__in=[Status.SUBMITTED, Status.ELIGIBLE, Status.IN_EVALUATION])
    if undecided.exists():
        refuse(
            _("%(count)s dossiers are still waiting for a decision.") % {"count": undecided.count()},
            "undecided",
        )
    CallPage.objects.filter(pk=call.pk).update(laureates_published_at=timezone.now())
    laureates = list(call.projects.filter(status=Status.SELECTED))
    for project in laureates:  # now public: the site search finds them
        index.insert_or_update_object(project)
    laureates_published.announce(call_id=call.pk)  # the call's open data lists them from now on
    return len(laureates)


def tags_set(*, projects, tags, add: bool) -> None:
    for project in projects:
        if add:
            project.tags.add(*tags)
        else:
            project.tags.remove(*tags)


def service_set(*, projects, service) -> None:
    Project.objects.filter(pk__in=[project.pk for project in projects]).update(service=service)
