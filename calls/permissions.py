"""Who may do what in calls for projects — the one place where it is decided (django-rules), and why not.

Applying, changing one's dossier and following a laureate are `Rule`s (core/permissions.py):
`refusal(user, action, obj)` says why not, in the words the pages show; `can` answers from the same
conditions. Tested as a matrix of role × phase × action in tests/calls/test_permissions.py.
Objects: `apply` and `publish_laureates`/`manage_call` take a call; the others take a dossier.
"""

import rules
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import (
    has_role_somewhere,
    is_administrator,
    is_official_of,
    is_verified,
    within_role,
)
from calls.models import Assignment, CallPage, Project
from core.permissions import (
    CLOSED,
    NOT_AUTHOR,
    NOT_OPEN,
    SIGN_IN,
    UNAVAILABLE,
    UNVERIFIED,
    Refusal,
    Rule,
    rules_register,
    said,
)
from core.windows import moment_written

Status = Project.Status
DECIDED = {Status.SELECTED, Status.NOT_SELECTED, Status.CLOSED, Status.INELIGIBLE}
EDITABLE = {Status.DRAFT, Status.SUBMITTED}


def _call(obj) -> CallPage:
    return obj if isinstance(obj, CallPage) else obj.call


@rules.predicate
def call_is_live(user, obj) -> bool:
    return _call(obj).live


@rules.predicate
def within_call_dates(user, obj) -> bool:
    return _call(obj).is_open(timezone.now())


call_is_open = call_is_live & within_call_dates


@rules.predicate
def is_official_of_call(user, obj) -> bool:
    return is_official_of(user, _call(obj).organisation_id)


@rules.predicate
def is_applicant(user, project) -> bool:
    return user.is_authenticated and project.applicant_id == user.pk


@rules.predicate
def is_editable(user, project) -> bool:
    return project.status in EDITABLE


@rules.predicate
def is_submitted(user, project) -> bool:
    """Sent by its applicant: a draft is the applicant's alone (as `Project.objects.submitted()`)."""
    return project.status != Status.DRAFT


@rules.predicate
def is_decided(user, project) -> bool:
    return project.status in DECIDED


@rules.predicate
def is_selected(user, project) -> bool:
    return project.status == Status.SELECTED


@rules.predicate
def is_published_laureate(user, project) -> bool:
    """Selected, on the public laureates page of a live call."""
    return (
        project.status == Status.SELECTED
        and project.call.laureates_published_at is not None
        and project.call.live
    )


@rules.predicate
def in_evaluation(user, project) -> bool:
    return project.status in (Status.ELIGIBLE, Status.IN_EVALUATION)


def assignment_of(user, project) -> Assignment | None:
    if not user.is_authenticated:
        return None
    return Assignment.objects.filter(project=project, evaluator=user).first()


@rules.predicate
def is_assigned(user, project) -> bool:
    """An evaluator of this dossier who has not declared a conflict of interest on it."""
    assignment = assignment_of(user, project)
    return assignment is not None and assignment.has_conflict is not True


@rules.predicate
def is_assigned_without_conflict(user, project) -> bool:
    assignment = assignment_of(user, project)
    return assignment is not None and assignment.has_conflict is False


@rules.predicate
def is_assigned_undeclared(user, project) -> bool:
    assignment = assignment_of(user, project)
    return assignment is not None and assignment.has_conflict is None


manages = is_administrator | is_official_of_call


def _outside_dates(user, call) -> Refusal:
    return Refusal(
        NOT_OPEN if timezone.now() < call.opens_at else CLOSED,
        _("This call is not open: dossiers are accepted from %(opens)s to %(closes)s.")
        % {"opens": moment_written(call.opens_at), "closes": moment_written(call.closes_at)},
    )


NO_CHANGES = gettext_lazy("This dossier can no longer be changed.")
CALL_CLOSED = gettext_lazy(
    "This call is closed: the dossier can no longer be changed or submitted. Nothing was lost."
)
CONFIRM_TO_APPLY = gettext_lazy(
    "Confirm your e-mail address before applying: follow the link in the e-mail we sent you."
)

RULES = {
    "apply": (
        Rule(within_call_dates, _outside_dates)
        & Rule(is_verified, said(UNVERIFIED, CONFIRM_TO_APPLY))
        & Rule(call_is_live, said(UNAVAILABLE, gettext_lazy("You cannot apply to this call.")))
    ),
    "change_project": (
        Rule(is_applicant, said(NOT_AUTHOR, NO_CHANGES))
        & Rule(within_call_dates, said(CLOSED, CALL_CLOSED))
        & Rule(is_editable & call_is_live, said(CLOSED, NO_CHANGES))
    ),
    # Anyone with a confirmed address may follow a published laureate (its applicant too), by choice.
    "follow_project": (
        Rule(
            is_published_laureate,
            said(UNAVAILABLE, gettext_lazy("Only the published laureates of a call can be followed.")),
        )
        & Rule(rules.is_authenticated, said(SIGN_IN, gettext_lazy("Sign in to follow this project.")))
        & Rule(
            is_verified, said(UNVERIFIED, gettext_lazy("Confirm your e-mail address to follow this project."))
        )
    ),
}
refusal = rules_register("calls", RULES)

rules.add_perm("calls.submit_project", is_applicant & is_editable & call_is_open)
# Officials read dossiers once submitted, as the back office lists them: never an applicant's draft.
rules.add_perm("calls.view_project", is_applicant | (manages & is_submitted) | is_assigned)
rules.add_perm("calls.view_attachment", is_applicant | (manages & is_submitted) | is_assigned)
rules.add_perm("calls.manage_call", manages)
rules.add_perm("calls.manage_project", manages)
# Officials of the call's organisation give an eligible dossier to evaluators (by address, inviting those
# without an account); administrators too.
rules.add_perm("calls.invite_evaluator", manages & in_evaluation)
rules.add_perm("calls.declare_conflict", is_assigned_undeclared & in_evaluation)
rules.add_perm("calls.score_project", is_assigned_without_conflict & in_evaluation)
# Scores are private until the decision: officials see them all along, each evaluator their own
# (selectors.project_scores), the applicant once the dossier is decided.
rules.add_perm("calls.view_scores", manages | (is_applicant & is_decided))
rules.add_perm("calls.update_milestone", is_selected & (is_applicant | manages))


def can(user, action: str, obj) -> bool:
    """Whether `user` may do `action` on `obj` (a call or a dossier), as the rules above decide.

    No superuser shortcut: not even an administrator may edit someone's dossier or score one.
    """
    return rules.has_perm(f"calls.{action}", user, obj)


def managed_calls(user):
    """The calls whose dossiers `user` handles as an official: the queryset form of `manage_call`."""
    calls = CallPage.objects.select_related("organisation").order_by("-opens_at")
    return within_role(user, calls, organisation="organisation", role="official")


def manages_some_call(user) -> bool:
    return has_role_somewhere(user, "official")
