"""Statements and votes on them (the Pol.is-like conversation)."""

from django.db import transaction
from django.utils.translation import gettext as _

from consultations import permissions
from consultations.models import ConsultationPage, Follow, ModerationPolicy, Statement, Vote
from consultations.selectors import statement_deck_forget
from consultations.services.moderation import contribution_moderate
from consultations.services.refusals import ResponseRefused


@transaction.atomic
def statement_submit(*, consultation: ConsultationPage, author, text: str) -> Statement:
    """Record a statement; published at once or held for moderation, as the consultation decides.

    As in Pol.is, the author is counted as agreeing with their own statement.
    """
    if not permissions.accepts_statements.test(author, consultation):
        raise ResponseRefused(_("This consultation is not accepting statements."))
    status = (
        Statement.Status.PENDING
        if consultation.statement_moderation == ModerationPolicy.PRE
        else Statement.Status.PUBLISHED
    )
    statement = Statement.objects.create(
        consultation=consultation, author=author, text=text.strip(), status=status
    )
    Vote.objects.create(statement=statement, participant=author, value=Vote.Value.AGREE)
    Follow.objects.get_or_create(consultation=consultation, user=author)
    if status == Statement.Status.PUBLISHED:
        transaction.on_commit(lambda: statement_deck_forget(consultation.pk))
    return statement


def vote_cast(*, statement: Statement, participant, value: int) -> None:
    """Record or change the participant's vote: one row per person and statement, by a single upsert."""
    if refusal := permissions.statement_votable.refusal(participant, statement):
        raise ResponseRefused(refusal.message)
    if value not in Vote.Value.values:
        raise ResponseRefused(_("Choose agree, disagree or pass."))
    Vote.objects.bulk_create(
        [Vote(statement=statement, participant=participant, value=value)],
        update_conflicts=True,
        unique_fields=["statement", "participant"],
        update_fields=["value", "updated_at"],
    )


def statement_moderate(*, statement: Statement, moderator, kind: str, reason: str = "") -> Statement:
    """Approve, hide or restore a statement; logged, and the reason is shown to its author."""
    return contribution_moderate(item=statement, moderator=moderator, kind=kind, reason=reason)
