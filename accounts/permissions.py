"""Who people are, as django-rules predicates shared by the apps' permission modules."""

import rules
from allauth.account.models import EmailAddress

from accounts.models import Organisation


@rules.predicate
def is_verified(user) -> bool:
    """The person confirmed an e-mail address (required before any contribution)."""
    if not user.is_authenticated:
        return False
    # The request's user comes with the answer (accounts.backends); other user objects ask the database.
    known = getattr(user, "has_verified_email", None)
    if known is not None:
        return bool(known)
    return EmailAddress.objects.filter(user=user, verified=True).exists()


@rules.predicate
def is_administrator(user) -> bool:
    return user.is_active and user.is_superuser


def is_official_of(user, organisation_id: int | None) -> bool:
    """Whether the user is an official of the organisation with this id."""
    return has_role_in(user, organisation_id, "official")


def has_role_in(user, organisation_id: int | None, role: str) -> bool:
    if not user.is_authenticated or organisation_id is None:
        return False
    return user.memberships.filter(organisation_id=organisation_id, role=role).exists()


@rules.predicate
def is_staff_member(user) -> bool:
    """Anyone with a role beyond participant: back-office access (by flag or by a Wagtail group such as
    Editors), administrator, or a membership."""
    if not user.is_authenticated:
        return False
    return (
        user.is_staff
        or user.is_superuser
        or user.has_perm("wagtailadmin.access_admin")
        or user.memberships.exists()
    )


def may_enter_back_office(user) -> bool:
    """Whether `user` has Wagtail's `access_admin` permission (as administrator, or given to them or to
    one of their groups), in one query where Django's backend asks two."""
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return (
        Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
        .filter(Q(user=user) | Q(group__user=user))
        .exists()
    )


def has_two_factor(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


@rules.predicate
def is_official_of_organisation(user, organisation) -> bool:
    return is_official_of(user, organisation.pk)


# Officials invite officials and moderators into their own organisations; administrators anywhere.
rules.add_perm("accounts.invite_to_organisation", is_administrator | is_official_of_organisation)


def can(user, action: str, obj) -> bool:
    """Whether `user` may do `action` on `obj` (no superuser shortcut: the rules say it all)."""
    return rules.has_perm(f"accounts.{action}", user, obj)


def organisations_invitable_by(user):
    """The queryset form of `invite_to_organisation`."""
    return within_role(user, Organisation.objects.all(), organisation="", role="official")


def within_role(user, queryset, *, organisation: str, role: str | tuple[str, ...]):
    """`queryset` narrowed to the rows of the organisations where `user` has `role` (or one of them).

    `organisation` is the lookup path from the queryset's model to its organisation ("" for
    organisations themselves). Administrators keep everything; visitors nothing. The one place where
    "the rows of my organisations" is written: every app's permissions module narrows its back-office
    lists with it.
    """
    if is_administrator(user):
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    roles = (role,) if isinstance(role, str) else role
    path = f"{organisation}__memberships" if organisation else "memberships"
    return queryset.filter(**{f"{path}__user": user, f"{path}__role__in": roles}).distinct()


def has_role_somewhere(user, role: str) -> bool:
    """Whether the back office should offer `user` the pages of this role (menus, queue pages)."""
    return is_administrator(user) or (user.is_authenticated and user.memberships.filter(role=role).exists())
