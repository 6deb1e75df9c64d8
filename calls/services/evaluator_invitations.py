"""Evaluators from outside: invited by e-mail to evaluate a dossier, through a link used once."""

import logging
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import token_hash
from calls.models import Assignment, EvaluatorInvitation, Project
from calls.services.evaluations import assignment_create
from calls.services.refusals import CallRefused, refuse
from core.notifications import email_send_to
from core.outbox import outbox_enqueue
from core.typography import written_date

logger = logging.getLogger(__name__)
Status = Project.Status


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
        refuse(_("Only eligible dossiers are given to evaluators."), "not_eligible")
    if _on_the_team(project, [email]):
        refuse(_("This address is on the dossier's team: its members cannot evaluate it."), "own")
    evaluator = _account_of(email)
    if evaluator is not None:
        return assignment_create(project=project, evaluator=evaluator, actor=actor)
    waiting = project.evaluator_invitations.pending().filter(email__iexact=email).first()
    if waiting is not None:
        refuse(
            _("This address was already invited to evaluate this dossier; the link works until %(date)s.")
            % {"date": written_date(waiting.expires_at)},
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
    outbox_enqueue("calls.tasks.evaluator_invitation_send_task", invitation.pk)
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
        refuse(_("This invitation has already been used."), "used")
    if invitation.expires_at <= timezone.now():
        refuse(_("This invitation has expired. Ask the person who invited you to send a new one."), "expired")
    if not user.emailaddress_set.filter(email__iexact=invitation.email, verified=True).exists():
        refuse(
            _(
                "This invitation was sent to another e-mail address: sign in with the account of that "
                "address, or add that address to your account and confirm it."
            ),
            "address",
        )
    project = invitation.project
    if _on_the_team(project, [user.email, *user.emailaddress_set.values_list("email", flat=True)]):
        refuse(_("This address is on the dossier's team: its members cannot evaluate it."), "own")
    assignment = Assignment.objects.filter(project=project, evaluator=user).first()
    if assignment is None:
        try:
            assignment = assignment_create(
                project=project, evaluator=user, actor=invitation.invited_by, notify=False
            )
        except CallRefused as refusal:
            if refusal.code == "not_eligible":
                refuse(
                    _("This dossier is no longer being evaluated: the invitation cannot be used."),
                    "not_eligible",
                )
            raise
    invitation.accepted_at = timezone.now()
    invitation.assignment = assignment
    invitation.save(update_fields=["accepted_at", "assignment"])
    logger.info("evaluator invitation accepted invitation=%s user=%s", invitation.pk, user.pk)
    return assignment
