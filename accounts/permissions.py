"""Who people are, as django-rules predicates shared by the apps' permission modules."""

import rules
from allauth.account.models import EmailAddress


@rules.predicate
def is_verified(user) -> bool:
    """The person confirmed an e-mail address (required before any contribution)."""
    if not user.is_authenticated:
        return False
    return EmailAddress.objects.filter(user=user, verified=True).exists()


@rules.predicate
def is_administrator(user) -> bool:
    return user.is_active and user.is_superuser


def is_official_of(user, organisation_id: int | None) -> bool:
    """Whether the user is an official of the organisation with this id."""
    if not user.is_authenticated or organisation_id is None:
        return False
    return user.memberships.filter(organisation_id=organisation_id, role="official").exists()


@rules.predicate
def is_staff_member(user) -> bool:
    """Anyone with a role beyond participant: back-office access, administrator, or a membership."""
    if not user.is_authenticated:
        return False
    return user.is_staff or user.is_superuser or user.memberships.exists()


def has_two_factor(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
