"""Comments on ideas and statements: posted, corrected, withdrawn by their authors."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations import permissions
from consultations.events import comment_edited, contributions_changed
from consultations.models import (
    COMMENT_MAX_DEPTH,
    COMMENT_MAX_LENGTH,
    Comment,
    Follow,
    Idea,
    Report,
    Stance,
    Statement,
)
from consultations.services.contributions import target_field
from consultations.services.refusals import ResponseRefused


def _comment_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise ResponseRefused(_("Write your comment before sending it."))
    if len(text) > COMMENT_MAX_LENGTH:
        raise ResponseRefused(
            _("A comment has at most %(limit)d characters.") % {"limit": COMMENT_MAX_LENGTH}
        )
    return text


@transaction.atomic
def comment_post(
    *, target: Idea | Statement, author, text: str, stance: str, parent: Comment | None = None
) -> Comment:
    """Comment on an idea or a statement, or reply to one of its comments; the author then follows.

    Threads keep at most `COMMENT_MAX_DEPTH` levels: a reply to a comment of the last level stays
    at that level (its `parent` still says which comment it answers).
    """
    if not permissions.commentable.test(author, target):
        raise ResponseRefused(_("This item is not open to comments."))
    if stance not in Stance.values:
        raise ResponseRefused(_("Choose for, against or neutral."))
    text = _comment_text(text)
    field = target_field(target)
    depth = 0
    if parent is not None:
        if getattr(parent, f"{field}_id") != target.pk:
            raise ResponseRefused(_("You can only reply to a comment on the same item."))
        if parent.status != Comment.Status.PUBLISHED:
            raise ResponseRefused(_("This comment no longer takes replies."))
        depth = min(parent.depth + 1, COMMENT_MAX_DEPTH - 1)
    comment = Comment.objects.create(
        consultation=target.consultation,
        **{field: target},
        parent=parent,
        depth=depth,
        author=author,
        text=text,
        stance=stance,
    )
    Follow.objects.get_or_create(consultation=target.consultation, user=author)
    return comment


@transaction.atomic
def comment_edit(*, comment: Comment, author, text: str, stance: str) -> Comment:
    """Correct one's comment within the edit window; it is then shown as edited."""
    comment = Comment.objects.select_for_update().select_related("consultation").get(pk=comment.pk)
    if not permissions.can(author, "change_comment", comment):
        raise ResponseRefused(_("This comment can no longer be edited."))
    if stance not in Stance.values:
        raise ResponseRefused(_("Choose for, against or neutral."))
    comment.text = _comment_text(text)
    comment.stance = stance
    comment.edited_at = timezone.now()
    comment.save(update_fields=["text", "stance", "edited_at"])
    comment_edited.announce(consultation_id=comment.consultation_id)  # shown to visitors at once
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, author) -> Comment:
    """The author withdraws their comment: its text is erased, a placeholder keeps the replies in context."""
    comment = Comment.objects.select_for_update().select_related("consultation").get(pk=comment.pk)
    if not permissions.can(author, "delete_comment", comment):
        raise ResponseRefused(_("Only its author can delete this comment."))
    comment.text = ""
    comment.status = Comment.Status.DELETED
    comment.save(update_fields=["text", "status"])
    Report.objects.filter(comment=comment, resolved_at=None).update(resolved_at=timezone.now())
    contributions_changed.announce(consultation_id=comment.consultation_id, withdraw=True)
    return comment
