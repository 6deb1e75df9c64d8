"""Who may answer and read reports: the matrix of role × phase × action (consultations/permissions.py)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from consultations.permissions import can
from tests.factories import (
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
}

ROLES = [
    "anonymous",
    "unverified",
    "participant",
    "official",
    "official_elsewhere",
    "editor",
    "administrator",
]

# What each role may do in each phase. Officials read reports in every phase, answering needs a
# confirmed address and an open, published consultation.
EXPECTED = {
    "answer_consultation": {
        ("participant", "open"),
        ("official", "open"),
        ("official_elsewhere", "open"),
        ("editor", "open"),
        ("administrator", "open"),
    },
    "view_report": {(role, phase) for role in ("official", "administrator") for phase in PHASES},
    "compile_report": {(role, phase) for role in ("official", "administrator") for phase in PHASES},
}


def make_user(role, organisation):
    match role:
        case "anonymous":
            return AnonymousUser()
        case "unverified":
            return UserFactory(verified=False)
        case "participant":
            return UserFactory()
        case "official":
            return OfficialFactory(organisation=organisation)
        case "official_elsewhere":
            return OfficialFactory(organisation=OrganisationFactory())
        case "editor":
            return EditorFactory()
        case "administrator":
            return UserFactory(is_superuser=True, is_staff=True)
    raise AssertionError(role)


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, phase):
    organisation = OrganisationFactory()
    consultation = consultation_create(organisation=organisation, **PHASES[phase])
    user = make_user(role, organisation)
    for action, allowed in EXPECTED.items():
        assert can(user, action, consultation) == ((role, phase) in allowed), f"{role} / {phase} / {action}"
