"""Who may do what in public votes — the one place where it is decided (django-rules), and why not.

Casting a ballot, typing a paper one in and reading the results are `Rule`s (core/permissions.py):
`refusal(user, action, vote)` says why not, in the words the vote's pages show; `can` answers from
the same conditions. Tested as a matrix of role × phase × action in tests/budgets/test_permissions.py.
Eligibility (age, residence) is not a permission: it is judged on what the voter declares on the
ballot, by `services.eligibility_check`.
"""

import rules
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.permission_policies.base import BasePermissionPolicy

from accounts.permissions import is_administrator, is_official_of, is_verified, within_role
from budgets.models import PublicVote
from calls.models import CallPage
from core.permissions import (
    CLOSED,
    NOT_ALLOWED,
    NOT_OPEN,
    SIGN_IN,
    UNAVAILABLE,
    UNVERIFIED,
    Refusal,
    Rule,
    rules_register,
    said,
)
from core.windows import Phase, moment_written


@rules.predicate
def is_published(user, vote) -> bool:
    return vote.call.live


@rules.predicate
def is_open(user, vote) -> bool:
    return vote.phase() == Phase.OPEN


@rules.predicate
def laureates_published(user, vote) -> bool:
    """The call's selected projects (the ballot) are published: no vote on an unpublished list."""
    return vote.call.laureates_published_at is not None


@rules.predicate
def is_closed(user, vote) -> bool:
    return vote.phase() == Phase.CLOSED


@rules.predicate
def is_official_of_vote(user, vote) -> bool:
    return is_official_of(user, vote.call.organisation_id)


@rules.predicate
def has_no_ballot(user, vote) -> bool:
    return vote.pk is None or not vote.ballots.exists()


is_manager = is_administrator | is_official_of_vote


def _not_open(user, vote) -> Refusal:
    """Why the vote takes no ballot now: its projects are not published yet, or the dates."""
    if vote.call.laureates_published_at is None:
        return Refusal(
            NOT_OPEN, _("The projects put to the vote are not published yet: voting opens once they are.")
        )
    if vote.phase() == Phase.UPCOMING:
        return Refusal(
            NOT_OPEN,
            _("Voting has not opened yet: it opens on %(date)s.") % {"date": moment_written(vote.opens_at)},
        )
    return Refusal(
        CLOSED,
        _("Voting closed on %(date)s: ballots can no longer be cast or changed.")
        % {"date": moment_written(vote.closes_at)},
    )


def _results_later(user, vote) -> Refusal:
    return Refusal(
        NOT_OPEN,
        _("The results are published when voting closes, on %(date)s.")
        % {"date": moment_written(vote.closes_at)},
    )


# The vote takes ballots, whoever casts them: what the services check again as they write.
voting_open = Rule(laureates_published, _not_open) & Rule(is_open, _not_open)

RULES = {
    "cast_ballot": (
        voting_open
        & Rule(rules.is_authenticated, said(SIGN_IN, gettext_lazy("Sign in to vote.")))
        & Rule(
            is_verified,
            said(
                UNVERIFIED,
                gettext_lazy(
                    "Confirm your e-mail address before voting: follow the link in the e-mail we sent you."
                ),
            ),
        )
        & Rule(is_published, said(UNAVAILABLE, gettext_lazy("You cannot vote in this vote.")))
    ),
    # Agents of the organisation type paper ballots in while the vote is open, into the same register.
    "enter_paper_ballot": (
        Rule(is_open, _not_open)
        & Rule(
            is_manager,
            said(
                NOT_ALLOWED,
                gettext_lazy(
                    "Only the officials of the organisation running this vote type paper ballots in."
                ),
            ),
        )
        # The officials themselves are told what is missing: the projects, then the call's publication.
        & Rule(laureates_published, _not_open)
        & Rule(is_published, said(UNAVAILABLE, gettext_lazy("You cannot vote in this vote.")))
    ),
    # Results are kept from everyone, officials included, until the vote closes: nobody steers it.
    "view_results": Rule(is_published & is_closed, _results_later),
}
refusal = rules_register("budgets", RULES)

rules.add_perm("budgets.view_vote", is_published | is_manager)
rules.add_perm("budgets.change_vote", is_manager)
rules.add_perm("budgets.delete_vote", is_manager & has_no_ballot)


def can(user, action: str, vote) -> bool:
    """Whether `user` may do `action` on `vote`, as the rules above decide (no superuser shortcut)."""
    return rules.has_perm(f"budgets.{action}", user, vote)


def votes_managed_by(user):
    """The queryset form of `change_vote`."""
    votes = PublicVote.objects.select_related("call", "call__organisation")
    return within_role(user, votes, organisation="call__organisation", role="official")


def calls_managed_by(user):
    """The calls whose public vote `user` may set up."""
    calls = CallPage.objects.select_related("organisation").order_by("title")
    return within_role(user, calls, organisation="organisation", role="official")


class PublicVotePermissionPolicy(BasePermissionPolicy):
    """The back office's view of the rules above."""

    def user_has_permission(self, user, action):
        if action not in ("add", "change", "delete", "view") or not user.is_active:
            return False
        return is_administrator(user) or user.memberships.filter(role="official").exists()

    def user_has_permission_for_instance(self, user, action, instance):
        if not user.is_active:
            return False
        if action in ("change", "view"):
            return can(user, "change_vote", instance)
        if action == "delete":
            return can(user, "delete_vote", instance)
        return False

    def instances_user_has_any_permission_for(self, user, actions):
        return votes_managed_by(user) if user.is_active else PublicVote.objects.none()

    def users_with_any_permission(self, actions):
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(memberships__role="official"))
            .distinct()
        )
