"""Who may do what in consultations: the matrix of role × phase × action (consultations/permissions.py)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Membership
from cms.models import HomePage, OutcomePage
from consultations.models import Response, Statement
from consultations.permissions import can
from tests.factories import (
    AdministratorFactory,
    EditorFactory,
    OfficialFactory,
    OrganisationFactory,
    UserFactory,
    consultation_create,
)

pytestmark = pytest.mark.django_db

PHASES = {
    "draft": {"publish": False},
    "upcoming": {"opens_in": timedelta(days=1), "closes_in": timedelta(days=5)},
    "open": {},
    "closed": {"opens_in": timedelta(days=-5), "closes_in": timedelta(days=-1)},
    "outcome_published": {"opens_in": timedelta(days=-5), "closes_in": timedelta(days=-1)},
}

ROLES = [
    "anonymous",
    "unverified",
    "participant",  # another participant than the author
    "author",  # wrote the response the "change_response" action is about
    "official",
    "official_elsewhere",
    "moderator",
    "editor",
    "administrator",
]
VERIFIED = {"participant", "author", "official", "official_elsewhere", "moderator", "editor", "administrator"}

# What each role may do in each phase. Officials read reports in every phase; answering needs a
# confirmed address and an open, published consultation; only the author changes a response.
EXPECTED = {
    "answer_consultation": {(role, "open") for role in VERIFIED},
    "view_report": {(role, phase) for role in ("official", "administrator") for phase in PHASES},
    "compile_report": {(role, phase) for role in ("official", "administrator") for phase in PHASES},
    "change_response": {("author", "open")},
    "submit_statement": {(role, "open") for role in VERIFIED},
    "vote_statement": {(role, "open") for role in VERIFIED},
    "moderate_statement": {(role, phase) for role in ("moderator", "administrator") for phase in PHASES},
}


def make_user(role, organisation):
    match role:
        case "anonymous":
            return AnonymousUser()
        case "unverified":
            return UserFactory(verified=False)
        case "participant" | "author":
            return UserFactory()
        case "official":
            return OfficialFactory(organisation=organisation)
        case "official_elsewhere":
            return OfficialFactory(organisation=OrganisationFactory())
        case "moderator":
            user = UserFactory()
            Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.MODERATOR)
            return user
        case "editor":
            return EditorFactory()
        case "administrator":
            return AdministratorFactory()
    raise AssertionError(role)


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, phase):
    organisation = OrganisationFactory()
    consultation = consultation_create(organisation=organisation, statements_enabled=True, **PHASES[phase])
    if phase == "outcome_published":
        outcome = OutcomePage(title="Bilan", consultation=consultation, summary="…", body=[])
        HomePage.objects.get().add_child(instance=outcome)
        outcome.save_revision().publish()
    user = make_user(role, organisation)
    # The response the author wrote (stored directly: in some phases nobody may answer).
    author = user if role == "author" else UserFactory()
    response = Response.objects.create(consultation=consultation, participant=author)
    statement = Statement.objects.create(consultation=consultation, author=author, text="Plus de souplesse.")
    targets = {"change_response": response, "vote_statement": statement, "moderate_statement": statement}
    for action, allowed in EXPECTED.items():
        target = targets.get(action, consultation)
        assert can(user, action, target) == ((role, phase) in allowed), f"{role} / {phase} / {action}"
