"""Writes about accounts: every change goes through one of these functions."""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import ModelLogEntry

from accounts import privacy
from accounts.events import public_name_changed
from accounts.models import ApiToken, Invitation, Membership, Organisation, User
from core.notifications import email_send, email_send_to
from core.outbox import outbox_enqueue

logger = logging.getLogger(__name__)


def account_export(*, user: User) -> dict:
    """Everything the platform holds about `user`, as JSON-ready data (the right of access)."""
    data = {
        "account": {
            "email": user.email,
            "pseudonym": user.pseudonym,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": user.language,
            "territory": {"code": user.territory.code, "name": user.territory.name}
            if user.territory
            else None,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in user.emailaddress_set.all()
        ],
        "memberships": [
            {"organisation": membership.organisation.name, "role": membership.role}
            for membership in user.memberships.select_related("organisation")
        ],
        # The tokens' names and dates; the tokens themselves are not kept.
        "api_tokens": [
            {
                "label": token.label,
                "prefix": token.prefix,
                "created_at": token.created_at.isoformat(),
                "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
                "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
            }
            for token in user.personal_api_tokens.all()
        ],
    }
    for key, exporter in sorted(privacy.exporters().items()):
        data[key] = exporter(user)
    return data


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete the account and every personal datum; contributions stay, without their author.

    Related rows are removed by the database (e-mail addresses, memberships, authenticators) or keep
    the contribution with no author (responses: SET_NULL), shown as "deleted participant".
    """
    user_id = user.pk
    addresses = {user.email.lower(), *(a.email.lower() for a in user.emailaddress_set.all())}
    invitations = Invitation.objects.filter(accepted_by=user)
    for address in addresses:
        invitations = invitations | Invitation.objects.filter(email__iexact=address)
    invitations.delete()
    # What other apps hold about the person outside rows the database removes or unlinks.
    for erase in privacy.erasers().values():
        erase(user)
    _sessions_end(user_id)
    # Wagtail's audit log names the user in entries about them: keep the entries, not the name.
    ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user_id)
    ).update(label=f"#{user_id}")
    user.delete()
    # Pages kept for visitors (core/page_cache.py) may show the person's public name on their ideas
    # and comments: they are rendered again without it (cms listens).
    public_name_changed.announce(user_id=user_id)
    logger.info("account deleted user=%s", user_id)


def profile_save(*, form) -> User:
    """Save the person's own profile (a `ProfileForm`); a new public name is shown to visitors at
    once, not only once the pages kept for them expire."""
    renamed = "pseudonym" in form.changed_data
    user = form.save()
    if renamed:
        public_name_changed.announce(user_id=user.pk)
    return user


def _sessions_end(user_id: int) -> None:
    """End the person's sessions on every device (they hold the address of the last sign-in)."""
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            session.delete()


def inactive_accounts_process(*, now=None) -> tuple[int, int]:
    """Warn accounts unused for `ACCOUNT_INACTIVE_DAYS`, delete those still unused after the notice.

    Staff accounts are left to administrators. Returns (warned, deleted).
    """
    now = now or timezone.now()
    inactive_since = now - timedelta(days=settings.ACCOUNT_INACTIVE_DAYS)
    notice = timedelta(days=settings.ACCOUNT_DELETION_NOTICE_DAYS)
    participants = User.objects.filter(is_staff=False, is_superuser=False, memberships=None).exclude(
        groups__permissions__codename="access_admin"  # editors and other back-office groups
    )
    last_seen = participants.filter(last_login__lt=inactive_since) | participants.filter(
        last_login=None, date_joined__lt=inactive_since
    )

    # Warned long enough ago, and not signed in since the warning.
    due = last_seen.filter(inactivity_warned_at__lt=now - notice).filter(
        Q(last_login=None) | Q(last_login__lt=F("inactivity_warned_at"))
    )
    deleted = 0
    for user in due:
        account_delete(user=user)
        deleted += 1
    # Never warned, or signed in since an earlier warning and inactive again.
    to_warn = last_seen.filter(Q(inactivity_warned_at=None) | Q(last_login__gt=F("inactivity_warned_at")))
    warned = 0
    for user in to_warn:
        inactivity_warning_send(user=user, deletion_on=now + notice)
        User.objects.filter(pk=user.pk).update(inactivity_warned_at=now)
        warned += 1
    return warned, deleted


def inactivity_warning_send(*, user: User, deletion_on) -> None:
    """Tell the person, in their language, that their unused account will be deleted."""
    email_send(user=user, template="accounts/email/inactivity", context={"deletion_on": deletion_on})


# The back-office group each organisation role joins (it opens the back office; the rights on the
# organisation's pages come with its section's group, consultations/sections.py).
ROLE_GROUPS = {
    Membership.Role.OFFICIAL: "Officials",
    Membership.Role.MODERATOR: "Contribution moderators",
    Membership.Role.EDITOR: "Organisation editors",
}


@transaction.atomic
def membership_revoke(*, membership: Membership) -> None:
    """Take a role in an organisation away from someone, effective from their next request.

    The role's back-office group goes when no other organisation gives them that role; the rights on
    the organisation's pages go with the membership (consultations/sections.py hears its deletion).
    """
    user, role, organisation_id = membership.user, membership.role, membership.organisation_id
    membership.delete()
    if not user.memberships.filter(role=role).exists():
        user.groups.remove(*Group.objects.filter(name=ROLE_GROUPS[role]))
    logger.info("membership revoked organisation=%s user=%s role=%s", organisation_id, user.pk, role)


class InvitationRefused(Exception):
    """The invitation cannot be accepted; the message says why, in words the person can act on."""

    def __init__(self, message: str, *, status: int):
        super().__init__(message)
        self.message = message
        self.status = status


def token_hash(token: str) -> str:
    """What is stored of a secret token (an invitation's, an API token): its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_create(*, organisation: Organisation, role: str, email: str, invited_by: User) -> Invitation:
    """Invite someone to join `organisation` in `role`; the e-mail with the link leaves on commit."""
    invitation = Invitation.objects.create(
        organisation=organisation,
        role=role,
        email=email.strip().lower(),
        # A token nobody has: the e-mail's own is made when it is sent (`invitation_send`), so that no
        # token waits in the outbox or the broker.
        token_hash=token_hash(secrets.token_urlsafe(32)),
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    outbox_enqueue("accounts.tasks.invitation_send_task", invitation.pk)
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    return Invitation.objects.select_related("organisation").filter(token_hash=token_hash(token)).first()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Give `user` the invited role; the invitation can be used once, before it expires, by its addressee."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationRefused(_("This invitation has already been used."), status=410)
    if invitation.expires_at <= timezone.now():
        raise InvitationRefused(
            _("This invitation has expired. Ask the person who invited you to send a new one."), status=410
        )
    if not user.emailaddress_set.filter(email__iexact=invitation.email, verified=True).exists():
        raise InvitationRefused(
            _(
                "This invitation was sent to another e-mail address: "
                "sign in with the account of that address."
            ),
            status=403,
        )
    membership, _created = Membership.objects.get_or_create(
        organisation=invitation.organisation, user=user, role=invitation.role
    )
    # Officials and moderators work in the back office; two-factor set-up is asked on their first visit.
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[invitation.role]))
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    logger.info("invitation accepted invitation=%s user=%s", invitation.pk, user.pk)
    return membership


def invitation_send(*, invitation: Invitation) -> None:
    """E-mail the link, in the language of the account of that address if there is one, and mark the
    invitation sent. The link's token is made here and only its hash stored, in the caller's transaction
    (`consumer_once`): if the sending fails, the invitation keeps no token that was never sent."""
    token = secrets.token_urlsafe(32)
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=token_hash(token), sent_at=timezone.now())
    known = User.objects.filter(email__iexact=invitation.email).only("language").first()
    email_send_to(
        address=invitation.email,
        language=known.language if known else settings.LANGUAGE_CODE,
        template="accounts/email/invitation",
        context={
            "invitation": invitation,
            "link": f"{settings.WAGTAILADMIN_BASE_URL}{reverse('invitation_accept', args=[token])}",
        },
    )


# Personal API tokens --------------------------------------------------------------------------------

API_TOKEN_LIMIT = 20  # active tokens per person: enough for a few apps, not a way to fill the table


class ApiTokenRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def api_token_create(*, user: User, label: str) -> tuple[ApiToken, str]:
    """Make a personal API token for `user`; returns the row and the token, which is never stored.

    The token is 32 random bytes (URL-safe base64): a SHA-256 of it is enough, no slow hash is needed.
    """
    if ApiToken.objects.active().filter(user=user).count() >= API_TOKEN_LIMIT:
        raise ApiTokenRefused(
            _("You have %(count)s active tokens: revoke one you no longer use first.")
            % {"count": API_TOKEN_LIMIT}
        )
    token = secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user,
        label=label,
        prefix=token[: ApiToken.PREFIX_LENGTH],
        token_hash=token_hash(token),
    )
    return row, token


def api_token_revoke(*, user: User, token_id: int) -> bool:
    """Revoke one of `user`'s tokens; False when it is not theirs or already revoked."""
    return bool(ApiToken.objects.active().filter(user=user, pk=token_id).update(revoked_at=timezone.now()))


def api_token_user(token: str) -> User | None:
    """The active owner of `token`, or None (unknown, revoked, or account deactivated).

    Marks the token used at most once a minute, so that a busy client does not write on every call.
    """
    if not token or len(token) > 200:
        return None
    row = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(prefix=token[: ApiToken.PREFIX_LENGTH], token_hash=token_hash(token))
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user
