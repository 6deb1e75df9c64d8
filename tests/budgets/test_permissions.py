"""Who may do what in public votes: the matrix of role × phase × action (budgets/permissions.py)."""

import pytest

from budgets.models import Ballot, PublicVote
from budgets.permissions import PublicVotePermissionPolicy, can, votes_managed_by
from tests.budgets.conftest import call_create, vote_create
from tests.factories import (
    OrganisationFactory,
    UserFactory,
    person_in_role,
)

pytestmark = pytest.mark.django_db

PHASES = ["unpublished", "upcoming", "open", "closed", "open_with_ballots"]
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
MANAGERS = {"official", "administrator"}
PUBLISHED = {"upcoming", "open", "closed", "open_with_ballots"}
OPEN = {"open", "open_with_ballots"}

EXPECTED = {
    "view_vote": {(role, phase) for role in ROLES for phase in PUBLISHED}
    | {(role, "unpublished") for role in MANAGERS},
    "cast_ballot": {(role, phase) for role in VERIFIED for phase in OPEN},
    "enter_paper_ballot": {(role, phase) for role in MANAGERS for phase in OPEN},
    # Nobody, officials included, sees the count before closing.
    "view_results": {(role, "closed") for role in ROLES},
    "change_vote": {(role, phase) for role in MANAGERS for phase in PHASES},
    "delete_vote": {(role, phase) for role in MANAGERS for phase in PHASES if phase != "open_with_ballots"},
}


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, phase, places):
    organisation = OrganisationFactory()
    call = call_create(organisation=organisation, publish=phase != "unpublished")
    vote = vote_create(call, phase={"unpublished": "open", "open_with_ballots": "open"}.get(phase, phase))
    if phase == "open_with_ballots":
        Ballot.objects.create(vote=vote, voter=UserFactory(), birth_year=1990, commune=places.lyon)
    user = person_in_role(role, organisation)
    for action, allowed in EXPECTED.items():
        assert can(user, action, vote) == ((role, phase) in allowed), (action, role, phase)
    policy = PublicVotePermissionPolicy(PublicVote)
    if user.is_authenticated:
        assert policy.user_has_permission(user, "add") == (role in MANAGERS | {"official_elsewhere"})
        assert policy.user_has_permission_for_instance(user, "change", vote) == (role in MANAGERS)
        assert (vote in votes_managed_by(user)) == (role in MANAGERS)
    else:
        assert not policy.user_has_permission(user, "add")
