"""Who may do what in the initiatives commons — the one place where it is decided (django-rules).

Declaring a reuse is a `Rule` (core/permissions.py): `refusal(user, "declare_reuse", initiative)` says
why not, in the words the page shows; `can` answers from the same conditions.
Tested as a matrix of role × state × action in tests/commons/test_permissions.py.
"""

import rules
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy
from wagtail.permission_policies.base import BasePermissionPolicy

from accounts.models import Organisation
from accounts.permissions import is_administrator, is_official_of, is_verified, within_role
from commons.models import Initiative
from core.permissions import SIGN_IN, UNAVAILABLE, UNVERIFIED, Rule, rules_register, said

EDITORS_GROUP = "Editors"


@rules.predicate
def is_editor(user) -> bool:
    """Editors publish the site's content, the catalogue included, for every organisation."""
    return user.is_authenticated and user.groups.filter(name=EDITORS_GROUP).exists()


@rules.predicate
def is_official_somewhere(user) -> bool:
    return user.is_authenticated and user.memberships.filter(role="official").exists()


@rules.predicate
def is_official_of_initiative(user, initiative) -> bool:
    return is_official_of(user, initiative.organisation_id)


@rules.predicate
def is_published(user, initiative) -> bool:
    return initiative.published


@rules.predicate
def has_no_reuse(user, initiative) -> bool:
    """Reuses are other people's contributions: an initiative that has some is unpublished, not deleted."""
    return initiative.pk is None or not initiative.reuses.exists()


is_manager = is_administrator | is_editor | is_official_of_initiative

rules.add_perm("commons.add_initiative", is_administrator | is_editor | is_official_somewhere)
rules.add_perm("commons.change_initiative", is_manager)
rules.add_perm("commons.delete_initiative", is_manager & has_no_reuse)
# Unpublished initiatives are drafts: only the people who manage them see them.
rules.add_perm("commons.view_initiative", is_published | is_manager)

CONFIRM_TO_DECLARE = gettext_lazy(
    "Confirm your e-mail address to declare a reuse: follow the link in the e-mail we sent you."
)

RULES = {
    "declare_reuse": (
        Rule(
            rules.is_authenticated,
            said(SIGN_IN, gettext_lazy("Sign in to declare that you reuse this initiative.")),
        )
        & Rule(is_verified, said(UNVERIFIED, CONFIRM_TO_DECLARE))
        & Rule(
            is_published,
            said(UNAVAILABLE, gettext_lazy("This initiative is not published: reuses cannot be declared.")),
        )
    ),
}
refusal = rules_register("commons", RULES)


def can(user, action: str, obj) -> bool:
    """Whether `user` may do `action` on `obj`, as the rules above decide (no superuser shortcut)."""
    return rules.has_perm(f"commons.{action}", user, obj)


def initiatives_managed_by(user):
    """The queryset form of `change_initiative`."""
    initiatives = Initiative.objects.select_related("organisation", "territory")
    if is_editor(user):  # editors publish the commons of every organisation
        return initiatives
    return within_role(user, initiatives, organisation="organisation", role="official")


def organisations_publishing_for(user):
    """The organisations in whose name `user` may publish an initiative."""
    if is_editor(user):
        return Organisation.objects.all()
    return within_role(user, Organisation.objects.all(), organisation="", role="official")


class InitiativePermissionPolicy(BasePermissionPolicy):
    """The back office's view of the rules above (Wagtail asks its permission policies, not django-rules)."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete", "view"):
            return user.is_active and can(user, "add_initiative", None)
        return False

    def user_has_permission_for_instance(self, user, action, instance):
        if action in ("change", "view"):
            return user.is_active and can(user, "change_initiative", instance)
        if action == "delete":
            return user.is_active and can(user, "delete_initiative", instance)
        return False

    def instances_user_has_any_permission_for(self, user, actions):
        return initiatives_managed_by(user) if user.is_active else Initiative.objects.none()

    def users_with_any_permission(self, actions):
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(groups__name=EDITORS_GROUP) | Q(memberships__role="official"))
            .distinct()
        )
