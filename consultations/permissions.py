"""Who may do what in consultations — the one place where it is decided (django-rules), and why not.

The participant's actions (answer, write a statement or an idea, vote, support, comment, edit a
comment, report) are `Rule`s (core/permissions.py): their conditions in the order a person is told
about them, each with its reason. `refusal(user, action, obj)` gives that reason to the HTML views and
the API alike; `can` (django-rules) answers from the same conditions.

Tested as a matrix of role × phase × action in tests/consultations/test_permissions.py.
"""

import rules
from allauth.account.models import EmailAddress
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import (  # has_role_somewhere: the back-office menus ask it here
    has_role_in,
    has_role_somewhere,  # noqa: F401
    is_administrator,
    is_official_of,
    is_verified,
    within_role,
)
from accounts.territories import territory_within
from consultations.models import Audience, Comment, ConsultationPage, Idea, Statement, Visibility
from core.permissions import (
    CLOSED,
    HIDDEN,
    MERGED,
    NOT_AUTHOR,
    NOT_IN_AUDIENCE,
    NOT_OPEN,
    OWN,
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
def is_published(user, consultation) -> bool:
    return consultation.live


@rules.predicate
def is_open(user, consultation) -> bool:
    return consultation.phase() == Phase.OPEN


def in_audience(user, consultation) -> bool:
    """Whether the person belongs to the consultation's audience (the editor's choice on the page).

    Residents: the commune the person declared is the consultation's territory or inside it.
    Invited: one of the person's confirmed e-mail addresses is on the consultation's list.
    """
    if not user.is_authenticated:
        return False
    if consultation.audience == Audience.TERRITORY:
        area = consultation.audience_territory
        return area is not None and territory_within(user.territory, area)
    if consultation.audience == Audience.INVITED:
        confirmed = [
            address.lower()
            for address in EmailAddress.objects.filter(user=user, verified=True).values_list(
                "email", flat=True
            )
        ]
        return consultation.invited_participants.filter(email__in=confirmed).exists()
    return True


@rules.predicate
def is_in_audience(user, consultation) -> bool:
    return in_audience(user, consultation)


def of_item(predicate: rules.Predicate) -> rules.Predicate:
    """`predicate` asked of the consultation of the item (a statement, an idea, a comment, a response)."""
    return rules.Predicate(
        lambda user, item: predicate.test(user, item.consultation), name=f"{predicate}_of_item"
    )


# For a statement, an idea or the item a comment is on: the audience of its consultation.
is_in_audience_of_item = of_item(is_in_audience)


@rules.predicate
def is_official_of_consultation(user, consultation) -> bool:
    return is_official_of(user, consultation.organisation_id)


@rules.predicate
def has_questionnaire(user, consultation) -> bool:
    return bool(consultation.question_list)


@rules.predicate
def accepts_paper_forms(user, consultation) -> bool:
    """Published and opened: paper forms collected until closing may be typed in after it."""
    return consultation.live and consultation.phase() != Phase.UPCOMING and bool(consultation.question_list)


@rules.predicate
def is_author(user, response) -> bool:
    return user.is_authenticated and response.participant_id == user.pk


@rules.predicate
def has_statements(user, consultation) -> bool:
    return consultation.statements_enabled


@rules.predicate
def has_ideas(user, consultation) -> bool:
    return consultation.ideas_enabled


# Published and open: what the services check again as they write, whoever writes.
accepts_contributions = is_published & is_open
accepts_statements = accepts_contributions & has_statements
accepts_ideas = accepts_contributions & has_ideas

# A response is changed while its consultation is published and open.
response_editable = of_item(accepts_contributions)


@rules.predicate
def has_its_section(user, item) -> bool:
    """The consultation still shows the item's section: statements or ideas (an editor may turn one off)."""
    consultation = item.consultation
    return consultation.ideas_enabled if isinstance(item, Idea) else consultation.statements_enabled


@rules.predicate
def is_moderator_of_statement(user, statement) -> bool:
    return has_role_in(user, statement.consultation.organisation_id, "moderator")


@rules.predicate
def is_statement_author(user, statement) -> bool:
    return user.is_authenticated and statement.author_id == user.pk


@rules.predicate
def is_not_merged(user, item) -> bool:
    """Not an idea merged into another one: its supports and its discussion moved there."""
    return not (isinstance(item, Idea) and item.merged_into_id is not None)


@rules.predicate
def is_official_of_idea(user, idea) -> bool:
    return is_official_of(user, idea.consultation.organisation_id)


@rules.predicate
def is_contribution_author(user, item) -> bool:
    """`item` (statement, idea or comment) was written by `user`."""
    return user.is_authenticated and item.author_id == user.pk


@rules.predicate
def within_edit_window(user, comment) -> bool:
    return timezone.now() < comment.editable_until()


@rules.predicate
def comment_not_deleted(user, comment) -> bool:
    return comment.status != Comment.Status.DELETED


@rules.predicate
def is_visible(user, item) -> bool:
    """Shown to the public: published (not pending, hidden or deleted)."""
    if isinstance(item, Statement):
        return item.status == Statement.Status.PUBLISHED
    if isinstance(item, Idea):
        return item.moderation_status == Visibility.PUBLISHED
    return item.status == Comment.Status.PUBLISHED


# Within the edit window of a published comment, while its consultation is open.
comment_editable = is_visible & within_edit_window & of_item(accepts_contributions)


@rules.predicate
def is_moderator_of_item(user, item) -> bool:
    return has_role_in(user, item.consultation.organisation_id, "moderator")


# Why not: the reasons a participant reads --------------------------------------------------------------


def _not_open(user, consultation) -> Refusal:
    """When the consultation opens, or when it closed."""
    if consultation.phase() == Phase.UPCOMING:
        return Refusal(
            NOT_OPEN,
            _("This consultation is not open yet. It opens on %(date)s.")
            % {"date": moment_written(consultation.opens_at)},
        )
    return Refusal(
        CLOSED,
        _("This consultation closed on %(date)s. Answers are no longer accepted.")
        % {"date": moment_written(consultation.closes_at)},
    )


def _outside_audience(user, consultation) -> Refusal:
    """Why the person is outside the consultation's audience, and what they can do about it."""
    if consultation.audience == Audience.TERRITORY:
        area = consultation.audience_territory
        if user.territory is None:
            message = _(
                "This consultation is for residents of %(territory)s: set your commune of residence in "
                "your account to take part."
            ) % {"territory": area}
        else:
            message = _(
                "This consultation is for residents of %(territory)s, and the commune in your account, "
                "%(commune)s, is not in it. If you have moved, update it in your account."
            ) % {"territory": area, "commune": user.territory}
    else:
        message = _(
            "This consultation is for invited participants only. If you were invited, sign in with the "
            "e-mail address the invitation was sent to, or add and confirm that address in your account."
        )
    return Refusal(NOT_IN_AUDIENCE, message)


def _of_item(reason):
    """`reason` given for the consultation of the item."""
    return lambda user, item: reason(user, item.consultation)


CANNOT_ANSWER = gettext_lazy("You cannot answer this consultation.")
VOTES_CLOSED = gettext_lazy("Votes on this statement are closed.")
SUPPORTS_CLOSED = gettext_lazy("Supports for this idea are closed.")
NO_COMMENTS = gettext_lazy("This item is not open to comments.")
NO_EDITS = gettext_lazy("This comment can no longer be edited.")
CONFIRM_TO_ANSWER = gettext_lazy(
    "Confirm your e-mail address before answering: follow the link in the e-mail we sent you."
)
CONFIRM_TO_COMMENT = gettext_lazy(
    "Confirm your e-mail address before commenting: follow the link in the e-mail we sent you."
)
EDIT_TIME_OVER = gettext_lazy(
    "The time to edit this comment is over: a comment can be edited for 15 minutes after posting."
)

# Answering, writing a statement or an idea: the dates first, then who the person is.
taking_part = (
    Rule(is_open, _not_open)
    & Rule(rules.is_authenticated, said(SIGN_IN, gettext_lazy("Sign in to answer this consultation.")))
    & Rule(is_verified, said(UNVERIFIED, CONFIRM_TO_ANSWER))
    & Rule(is_in_audience, _outside_audience)
)
# Votes and supports are given by signed-in people (the views send the others to sign in first).
signed_in_to_vote = Rule(rules.is_authenticated, said(SIGN_IN, gettext_lazy("Sign in to vote.")))

# What the statement and its consultation must be for a vote, whoever votes: the service checks it
# again as it writes.
statement_votable = Rule(is_visible, said(HIDDEN, VOTES_CLOSED)) & Rule(
    of_item(accepts_statements), said(CLOSED, VOTES_CLOSED)
)
# The same for a support: the consultation open (checked before the idea's row is locked), the idea
# not merged (checked again once it is).
supports_open = Rule(of_item(accepts_ideas), said(CLOSED, SUPPORTS_CLOSED))
idea_unmerged = Rule(
    is_not_merged,
    said(MERGED, gettext_lazy("This idea was merged into another one: support that one instead.")),
)

# What the idea or statement must be to take comments: the consultation's dates, then the merge…
comment_open = Rule(of_item(is_open), _of_item(_not_open)) & Rule(
    is_not_merged, said(MERGED, gettext_lazy("This idea was merged into another one: comment on that one."))
)
# … and shown, in a published consultation that shows its section.
comment_shown = Rule(is_visible, said(HIDDEN, NO_COMMENTS)) & Rule(
    of_item(is_published) & has_its_section, said(UNAVAILABLE, NO_COMMENTS)
)
# The item takes comments, whoever writes: what the service checks again as it writes.
commentable = (comment_open & comment_shown).predicate

# The participant's actions, each with its reasons in the order a person reads them. The words are
# those each refusal had before the rules gave them: a vote refused for an unconfirmed address says
# that votes are closed, a comment refused outside the audience that the item takes no comments.
RULES = {
    "answer_consultation": (
        taking_part & Rule(is_published & has_questionnaire, said(UNAVAILABLE, CANNOT_ANSWER))
    ),
    "submit_statement": taking_part & Rule(is_published & has_statements, said(UNAVAILABLE, CANNOT_ANSWER)),
    "submit_idea": taking_part & Rule(is_published & has_ideas, said(UNAVAILABLE, CANNOT_ANSWER)),
    "vote_statement": (
        signed_in_to_vote
        & Rule(is_verified, said(UNVERIFIED, VOTES_CLOSED))
        & Rule(is_in_audience_of_item, _of_item(_outside_audience))
        & statement_votable
    ),
    # A merged idea says where to go before anything else, even before signing in.
    "support_idea": (
        idea_unmerged
        & signed_in_to_vote
        & Rule(is_verified, said(UNVERIFIED, SUPPORTS_CLOSED))
        & Rule(is_in_audience_of_item, _of_item(_outside_audience))
        & Rule(is_visible, said(HIDDEN, SUPPORTS_CLOSED))
        & supports_open
    ),
    "comment": (
        comment_open
        & Rule(rules.is_authenticated, said(SIGN_IN, gettext_lazy("Sign in to comment.")))
        & Rule(is_verified, said(UNVERIFIED, CONFIRM_TO_COMMENT))
        & Rule(is_in_audience_of_item, said(NOT_IN_AUDIENCE, NO_COMMENTS))
        & comment_shown
    ),
    "change_comment": (
        Rule(is_contribution_author, said(NOT_AUTHOR, gettext_lazy("Only its author can edit this comment.")))
        & Rule(within_edit_window, said(CLOSED, EDIT_TIME_OVER))
        & Rule(is_verified, said(UNVERIFIED, NO_EDITS))
        & Rule(is_visible, said(HIDDEN, NO_EDITS))  # deleted or hidden
        & Rule(of_item(accepts_contributions), said(CLOSED, NO_EDITS))
    ),
    "report_contribution": (
        Rule(
            ~is_contribution_author,
            said(OWN, gettext_lazy("This is your own contribution: you cannot report it.")),
        )
        & Rule(is_verified, said(UNVERIFIED, gettext_lazy("Confirm your e-mail address before reporting.")))
        & Rule(is_visible, said(HIDDEN, gettext_lazy("This contribution cannot be reported.")))
    ),
}
refusal = rules_register("consultations", RULES)

rules.add_perm("consultations.answer_idea", is_administrator | is_official_of_idea)
# A moderator's own contributions are moderated by someone else.
rules.add_perm(
    "consultations.moderate_statement", (is_administrator | is_moderator_of_statement) & ~is_statement_author
)
rules.add_perm(
    "consultations.moderate_contribution", (is_administrator | is_moderator_of_item) & ~is_contribution_author
)
# Merging duplicates is moderation, and officials who answer ideas see duplicates first.
rules.add_perm(
    "consultations.merge_idea",
    (is_administrator | is_moderator_of_item | is_official_of_idea) & ~is_contribution_author,
)
# Deleting one's own comment stays possible after the window and after closing: it is theirs.
rules.add_perm("consultations.delete_comment", is_contribution_author & comment_not_deleted)
# A response is changed by its author only, while its consultation is open.
rules.add_perm("consultations.change_response", is_author & response_editable & is_verified)
rules.add_perm("consultations.view_report", is_administrator | is_official_of_consultation)
rules.add_perm("consultations.compile_report", is_administrator | is_official_of_consultation)
# Officials of the organisation (who handle its participation data) type its paper questionnaires in.
rules.add_perm("consultations.view_paper_forms", is_administrator | is_official_of_consultation)
rules.add_perm(
    "consultations.enter_paper_forms", (is_administrator | is_official_of_consultation) & accepts_paper_forms
)


def can(user, action: str, consultation) -> bool:
    """Whether `user` may do `action` on `consultation`, as the rules above decide.

    Views ask this rather than `user.has_perm`, which lets superusers do anything (Django's shortcut):
    not even an administrator may answer a closed consultation.
    """
    return rules.has_perm(f"consultations.{action}", user, consultation)


def reportable_consultations(user):
    """The consultations whose reports `user` may read: the queryset form of `view_report`."""
    consultations = ConsultationPage.objects.select_related("organisation").order_by("-opens_at")
    return within_role(user, consultations, organisation="organisation", role="official")


def paper_consultations(user):
    """The consultations whose paper forms `user` may handle: the queryset form of `view_paper_forms`."""
    consultations = ConsultationPage.objects.select_related("organisation").order_by("-opens_at")
    return within_role(user, consultations, organisation="organisation", role="official")


def moderated_statements(user):
    """The queryset form of `moderate_statement` (before the author exclusion, checked per action)."""
    statements = Statement.objects.select_related("consultation", "consultation__organisation", "author")
    return within_role(user, statements, organisation="consultation__organisation", role="moderator")


def answerable_ideas(user):
    """The queryset form of `answer_idea`."""
    ideas = Idea.objects.select_related("consultation", "consultation__organisation")
    return within_role(user, ideas, organisation="consultation__organisation", role="official")


def moderated_ideas(user):
    """The queryset form of `moderate_contribution` for ideas (author exclusion checked per action)."""
    ideas = Idea.objects.select_related("consultation", "consultation__organisation", "author", "merged_into")
    return within_role(user, ideas, organisation="consultation__organisation", role="moderator")


def moderated_comments(user):
    """The queryset form of `moderate_contribution` for comments (author exclusion checked per action)."""
    comments = Comment.objects.select_related("consultation", "consultation__organisation", "author")
    return within_role(user, comments, organisation="consultation__organisation", role="moderator")


def mergeable_ideas(user):
    """The queryset form of `merge_idea` (author exclusion checked per merge)."""
    ideas = Idea.objects.select_related("consultation", "consultation__organisation", "merged_into")
    return within_role(user, ideas, organisation="consultation__organisation", role=("moderator", "official"))


def comment_actions(user, comments) -> dict[int, dict[str, bool]]:
    """`change_comment`, `delete_comment` and `report_contribution` for every comment of a thread.

    The same rules as above, asked of each comment, but with the viewer's verification looked up
    once: a thread renders in a constant number of queries.
    """
    verified = is_verified(user)
    actions = {}
    for comment in comments:
        mine = is_contribution_author(user, comment)
        actions[comment.pk] = {
            "mine": mine,
            "edit": mine and verified and comment_editable(user, comment),
            "delete": mine and comment_not_deleted(user, comment),
            "report": not mine and verified and is_visible(user, comment),
        }
    return actions
