"""Ideas: proposed, supported, answered by the organisation, merged by moderators."""

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations import permissions
from consultations.events import contributions_changed
from consultations.models import (
    ConsultationPage,
    Follow,
    Idea,
    ModerationAction,
    Report,
    Support,
    Visibility,
)
from consultations.services.refusals import ResponseRefused


@transaction.atomic
def idea_submit(*, consultation: ConsultationPage, author, title: str, text: str, theme: str = "") -> Idea:
    """Record an idea; its author follows the consultation from then on."""
    if not permissions.accepts_ideas.test(author, consultation):
        raise ResponseRefused(_("This consultation is not accepting ideas."))
    idea = Idea.objects.create(
        consultation=consultation,
        author=author,
        title=title,
        text=text,
        theme=theme,
        territory=getattr(author, "territory", None),
    )
    Follow.objects.get_or_create(consultation=consultation, user=author)
    return idea


@transaction.atomic
def idea_support_set(*, idea: Idea, user, supporting: bool) -> None:
    """Support an idea, or withdraw the support; one support per person (a unique constraint).

    The idea's row is locked so that a merge cannot run between the check and the write.
    """
    if refusal := permissions.supports_open.refusal(user, idea):
        raise ResponseRefused(refusal.message)
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    if refusal := permissions.idea_unmerged.refusal(user, idea):
        raise ResponseRefused(refusal.message)
    if supporting:
        Support.objects.bulk_create([Support(idea=idea, supporter=user)], ignore_conflicts=True)
    else:
        Support.objects.filter(idea=idea, supporter=user).delete()


def idea_answer(*, idea: Idea, status: str, answer: str) -> Idea:
    """The organisation's answer: a status and the reason for it, shown on the idea."""
    if status not in Idea.Status.values:
        raise ResponseRefused(_("Choose one of the statuses offered."))
    if status != Idea.Status.RECEIVED and not answer.strip():
        raise ResponseRefused(_("Explain the status: participants see the reason."))
    with transaction.atomic():
        Idea.objects.filter(pk=idea.pk).update(
            status=status, answer=answer.strip(), answered_at=timezone.now()
        )
        contributions_changed.announce(consultation_id=idea.consultation_id)
    idea.refresh_from_db()
    return idea


@transaction.atomic
def idea_merge(*, source: Idea, target: Idea, moderator, reason: str) -> Idea:
    """Merge a duplicate `source` into `target`: its supports move, counted once per person.

    Both rows are locked (in id order, against deadlocks) so that no support lands on `source`
    meanwhile; supports of people who supported both are dropped from `source`, the others move,
    and the `(idea, supporter)` unique constraint guarantees nobody counts twice. `source` keeps its
    comments (readable on its page, which points to `target`) and takes no new support or comment.
    """
    if source.pk == target.pk:
        raise ResponseRefused(_("An idea cannot be merged into itself."))
    locked = {
        idea.pk: idea
        for idea in Idea.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")
    }
    source, target = locked[source.pk], locked[target.pk]
    if source.consultation_id != target.consultation_id:
        raise ResponseRefused(_("Only ideas of the same consultation can be merged."))
    if source.merged_into_id is not None:
        raise ResponseRefused(_("This idea is already merged into another one."))
    if target.merged_into_id is not None:
        raise ResponseRefused(_("That idea is itself merged into another one: merge into that one."))
    if target.moderation_status != Visibility.PUBLISHED:
        raise ResponseRefused(_("That idea is hidden by moderation: merge into a published idea."))
    reason = reason.strip()
    if not reason:
        raise ResponseRefused(_("Give the reason for the merge: participants will see it."))
    already = Support.objects.filter(idea=target, supporter=OuterRef("supporter"))
    source.supports.filter(Exists(already)).delete()
    source.supports.update(idea=target)
    source.merged_into = target
    source.moderation_reason = reason
    source.save(update_fields=["merged_into", "moderation_reason"])
    Report.objects.filter(idea=source, resolved_at=None).update(resolved_at=timezone.now())
    ModerationAction.objects.create(
        idea=source, moderator=moderator, kind=ModerationAction.Kind.MERGE, reason=reason
    )
    contributions_changed.announce(consultation_id=source.consultation_id)
    return source
