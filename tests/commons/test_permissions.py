"""Who may do what in the initiatives commons: the matrix of role × state × action
(commons/permissions.py), and the back office's policy built on it."""

import pytest

from commons.models import Initiative, Reuse
from commons.permissions import RULES, InitiativePermissionPolicy, can, initiatives_managed_by, refusal
from tests.commons.conftest import initiative_create
from tests.factories import (
    OrganisationFactory,
    UserFactory,
    person_in_role,
)

pytestmark = pytest.mark.django_db

STATES = ["draft", "published", "published_with_reuses"]
ROLES = [
    "anonymous",
    "unverified",
    "participant",
    "official",
    "official_elsewhere",
    "moderator",
    "editor",
    "administrator",
]
VERIFIED = {"participant", "official", "official_elsewhere", "moderator", "editor", "administrator"}
MANAGERS = {"official", "editor", "administrator"}
PUBLISHED = {"published", "published_with_reuses"}

EXPECTED = {
    "view_initiative": {(role, state) for role in ROLES for state in PUBLISHED}
    | {(role, "draft") for role in MANAGERS},
    "change_initiative": {(role, state) for role in MANAGERS for state in STATES},
    # Reuses are others' contributions: an initiative that has some is unpublished, never deleted.
    "delete_initiative": {(role, state) for role in MANAGERS for state in ("draft", "published")},
    "declare_reuse": {(role, state) for role in VERIFIED for state in PUBLISHED},
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, state, places):
    organisation = OrganisationFactory()
    initiative = initiative_create(
        organisation=organisation, territory=places.lyon, published=state != "draft"
    )
    if state == "published_with_reuses":
        Reuse.objects.create(initiative=initiative, person=UserFactory(), territory=places.lyon)
    user = person_in_role(role, organisation)
    for action, allowed in EXPECTED.items():
        assert can(user, action, initiative) == ((role, state) in allowed), (action, role, state)
        if action in RULES:  # the actions that say why not: no refusal exactly when allowed
            assert (refusal(user, action, initiative) is None) == can(user, action, initiative), action
    # The back office asks the same rules through Wagtail's permission policy.
    policy = InitiativePermissionPolicy(Initiative)
    if user.is_authenticated:
        assert policy.user_has_permission(user, "add") == (role in MANAGERS | {"official_elsewhere"})
        assert policy.user_has_permission_for_instance(user, "change", initiative) == (role in MANAGERS)
        assert policy.user_has_permission_for_instance(user, "delete", initiative) == (
            (role, state) in EXPECTED["delete_initiative"]
        )
        assert (initiative in initiatives_managed_by(user)) == (role in MANAGERS)
    else:
        assert not policy.user_has_permission(user, "add")
        assert not initiatives_managed_by(user).exists()
