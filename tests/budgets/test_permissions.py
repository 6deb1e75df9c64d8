"""Who may do what in public votes: the matrix of role × phase × action (budgets/permissions.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from budgets.models import Ballot, PublicVote
from budgets.permissions import RULES, PublicVotePermissionPolicy, can, refusal, votes_managed_by
from core.permissions import CLOSED, NOT_ALLOWED, NOT_OPEN, SIGN_IN, UNVERIFIED
from tests.budgets.conftest import call_create, vote_create
from tests.factories import (
    OfficialFactory,
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
        if action in RULES:  # the actions that say why not: no refusal exactly when allowed
            assert (refusal(user, action, vote) is None) == can(user, action, vote), (action, role, phase)
    policy = PublicVotePermissionPolicy(PublicVote)
    if user.is_authenticated:
        assert policy.user_has_permission(user, "add") == (role in MANAGERS | {"official_elsewhere"})
        assert policy.user_has_permission_for_instance(user, "change", vote) == (role in MANAGERS)
        assert (vote in votes_managed_by(user)) == (role in MANAGERS)
    else:
        assert not policy.user_has_permission(user, "add")


# Why not, as the vote's pages say it: the projects, then the dates, then who the person is.
@pytest.mark.parametrize(
    ("action", "situation", "code"),
    [
        ("cast_ballot", "laureates_unpublished", NOT_OPEN),
        ("cast_ballot", "upcoming", NOT_OPEN),
        ("cast_ballot", "closed", CLOSED),
        ("cast_ballot", "signed_out", SIGN_IN),
        ("cast_ballot", "unverified", UNVERIFIED),
        ("cast_ballot", "open", None),
        # While voting is open, the paper register names who may use it, whatever else is missing.
        ("enter_paper_ballot", "laureates_unpublished", NOT_ALLOWED),
        ("enter_paper_ballot", "closed", CLOSED),
        ("enter_paper_ballot", "open", NOT_ALLOWED),
        # The organisation's official is told what is missing, not that they may not.
        ("enter_paper_ballot", "official_laureates_unpublished", NOT_OPEN),
        ("enter_paper_ballot", "official_open", None),
        ("view_results", "open", NOT_OPEN),
        ("view_results", "closed", None),
    ],
)
def test_refusal_codes(action, situation, code):
    """The first reason in line is the one given, and it is given exactly when the rule says no."""
    published = not situation.endswith("laureates_unpublished")
    organisation = OrganisationFactory()
    call = call_create(organisation=organisation, laureates_published=published)
    vote = vote_create(call, phase=situation if situation in ("upcoming", "closed") else "open")
    if situation == "signed_out":
        user = AnonymousUser()
    elif situation.startswith("official_"):
        user = OfficialFactory(organisation=organisation)
    else:
        user = UserFactory(verified=situation != "unverified")
    found = refusal(user, action, vote)
    assert (found and found.code) == code
    assert can(user, action, vote) == (found is None)
