"""Who may do what in calls for projects: the matrix of role × phase × action (calls/permissions.py).

Phases combine the call's calendar and the dossier's status: a draft or a submitted dossier while the
call is open, the same after closing, a dossier in evaluation, a decided (selected) one.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.models import Membership
from calls.models import Assignment, CallPage, Project
from calls.permissions import RULES, can, refusal
from core.permissions import CLOSED, NOT_AUTHOR, NOT_OPEN, SIGN_IN, UNAVAILABLE, UNVERIFIED
from tests.calls.conftest import call_create, project_create
from tests.factories import (
    AdministratorFactory,
    EditorFactory,
    OfficialFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PHASES = {
    "draft_open": (Project.Status.DRAFT, True),
    "submitted_open": (Project.Status.SUBMITTED, True),
    "draft_closed": (Project.Status.DRAFT, False),
    "submitted_closed": (Project.Status.SUBMITTED, False),
    "in_evaluation": (Project.Status.IN_EVALUATION, False),
    "selected": (Project.Status.SELECTED, False),
}
ROLES = [
    "anonymous",
    "unverified",
    "participant",
    "applicant",
    "evaluator",  # assigned, declared no conflict
    "evaluator_undeclared",
    "evaluator_conflicted",
    "official",
    "official_elsewhere",
    "moderator",
    "editor",
    "administrator",
]
ALL_PHASES = set(PHASES)
OPEN = {"draft_open", "submitted_open"}
MANAGERS = {"official", "administrator"}
READERS = {"applicant", "evaluator", "evaluator_undeclared", *MANAGERS}
VERIFIED = set(ROLES) - {"anonymous", "unverified"}
DRAFTS_OF_MANAGERS = {(role, phase) for role in MANAGERS for phase in ("draft_open", "draft_closed")}

EXPECTED = {
    "change_project": {("applicant", phase) for phase in OPEN},
    "submit_project": {("applicant", phase) for phase in OPEN},
    # Officials never read a draft (only its applicant does); assigned evaluators read what they evaluate.
    "view_project": {(role, phase) for role in READERS for phase in ALL_PHASES} - DRAFTS_OF_MANAGERS,
    "view_attachment": {(role, phase) for role in READERS for phase in ALL_PHASES} - DRAFTS_OF_MANAGERS,
    "manage_project": {(role, phase) for role in MANAGERS for phase in ALL_PHASES},
    # Only officials of the call's organisation (and administrators) give a dossier under evaluation to
    # evaluators, inviting those without an account.
    "invite_evaluator": {(role, "in_evaluation") for role in MANAGERS},
    "declare_conflict": {("evaluator_undeclared", "in_evaluation")},
    "score_project": {("evaluator", "in_evaluation")},
    "view_scores": {(role, phase) for role in MANAGERS for phase in ALL_PHASES} | {("applicant", "selected")},
    "update_milestone": {(role, "selected") for role in ("applicant", *MANAGERS)},
}
# Actions on the call itself: applying needs an open call and a confirmed address.
CALL_EXPECTED = {
    "apply": {(role, phase) for role in VERIFIED for phase in OPEN},
    "manage_call": {(role, phase) for role in MANAGERS for phase in ALL_PHASES},
}


def make_user(role, organisation, project):
    match role:
        case "anonymous":
            return AnonymousUser()
        case "unverified":
            return UserFactory(verified=False)
        case "participant":
            return UserFactory()
        case "applicant":
            return project.applicant
        case "evaluator" | "evaluator_undeclared" | "evaluator_conflicted":
            user = UserFactory()
            conflict = {"evaluator": False, "evaluator_undeclared": None, "evaluator_conflicted": True}[role]
            Assignment.objects.create(project=project, evaluator=user, has_conflict=conflict)
            return user
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
def test_permission_matrix(phase):
    status, open_ = PHASES[phase]
    organisation = OrganisationFactory()
    call = call_create(organisation=organisation)
    project = project_create(call, UserFactory(), status=status)
    if not open_:
        CallPage.objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(hours=1))
        call.refresh_from_db()
        project = Project.objects.select_related("call").get(pk=project.pk)
    failures = []
    for role in ROLES:
        user = make_user(role, organisation, project)
        for action, allowed in EXPECTED.items():
            expected = (role, phase) in allowed
            if can(user, action, project) != expected:
                failures.append(f"{role} {action} on a {phase} dossier: expected {expected}")
            if action in RULES and (refusal(user, action, project) is None) != expected:
                failures.append(f"{role} {action} on a {phase} dossier: the refusal disagrees")
        for action, allowed in CALL_EXPECTED.items():
            expected = (role, phase) in allowed
            if can(user, action, call) != expected:
                failures.append(f"{role} {action} on the call ({phase}): expected {expected}")
            if action in RULES and (refusal(user, action, call) is None) != expected:
                failures.append(f"{role} {action} on the call ({phase}): the refusal disagrees")
    assert not failures, "\n".join(failures)


def test_an_unpublished_call_takes_no_dossier():
    call = call_create(publish=False)
    assert not can(UserFactory(), "apply", call)
    assert refusal(UserFactory(), "apply", call).code == UNAVAILABLE


# Why not, as the pages say it: the dates first, then who the person is.
@pytest.mark.parametrize(
    ("action", "situation", "code"),
    [
        ("apply", "upcoming", NOT_OPEN),
        ("apply", "closed", CLOSED),
        ("apply", "unverified", UNVERIFIED),
        ("apply", "open", None),
        ("change_project", "someone_else", NOT_AUTHOR),
        ("change_project", "closed", CLOSED),
        ("change_project", "decided", CLOSED),
        ("change_project", "open", None),
        ("follow_project", "signed_out", SIGN_IN),
        ("follow_project", "unverified", UNVERIFIED),
        ("follow_project", "not_selected", UNAVAILABLE),
        ("follow_project", "open", None),
    ],
)
def test_refusal_codes(action, situation, code):
    """The first reason in line is the one given, and it is given exactly when the rule says no."""
    call = call_create()
    applicant = UserFactory()
    status = Project.Status.DRAFT
    if action == "follow_project":
        status = Project.Status.SUBMITTED if situation == "not_selected" else Project.Status.SELECTED
    elif situation == "decided":
        status = Project.Status.SELECTED
    project = project_create(call, applicant, status=status)
    now = timezone.now()
    dates = {
        "upcoming": {"opens_at": now + timedelta(days=1), "closes_at": now + timedelta(days=5)},
        "closed": {"opens_at": now - timedelta(days=5), "closes_at": now - timedelta(days=1)},
    }
    if action == "follow_project":
        CallPage.objects.filter(pk=call.pk).update(laureates_published_at=now)
    CallPage.objects.filter(pk=call.pk).update(**dates.get(situation, {}))
    call.refresh_from_db()
    project = Project.objects.select_related("call").get(pk=project.pk)
    if situation == "signed_out":
        user = AnonymousUser()
    elif situation == "unverified":
        user = UserFactory(verified=False)
    elif action == "change_project" and situation != "someone_else":
        user = applicant
    else:
        user = UserFactory()
    target = call if action == "apply" else project
    found = refusal(user, action, target)
    assert (found and found.code) == code
    assert can(user, action, target) == (found is None)
