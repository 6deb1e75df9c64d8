"""The demo's accounts: one per role, each signed in with the shared demo password."""

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.auth.models import Group

from accounts.models import Membership, Organisation, User
from accounts.permissions import has_two_factor
from accounts.services import ROLE_GROUPS

DEMO_DOMAIN = "demo.concerto.localhost"


def demo_person(email: str, pseudonym: str, *, staff: bool = False, superuser: bool = False) -> User:
    """The account of `email`, created with the demo password and a confirmed address if it is missing.
    Staff get two-factor authentication (the development bypass code lets them in)."""
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"pseudonym": pseudonym, "is_staff": staff or superuser, "is_superuser": superuser},
    )
    if created:
        user.set_password(settings.DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    if user.is_staff and not has_two_factor(user):
        TOTP.activate(user, generate_totp_secret())
    return user


def demo_member(user: User, organisation: Organisation, role: str) -> None:
    """Give `user` a role in `organisation`, with the back-office group the role comes with."""
    Membership.objects.get_or_create(organisation=organisation, user=user, role=role)
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
