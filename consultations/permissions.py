"""Who may do what in consultations — the one place where it is decided (django-rules).

Tested as a matrix of role × phase × action in tests/consultations/test_permissions.py.
"""

import rules
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.permissions import (  # has_role_somewhere: the back-office menus ask it here
    has_role_in,
    has_role_somewhere,  # noqa: F401
    is_administrator,
    is_official_of,
    is_verified,
    within_role,
)
from accounts.territories import territory_within
from consultations.models import Audience, Comment, ConsultationPage, Idea, Phase, Statement, Visibility


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


@rules.predicate
def is_in_audience_of_item(user, item) -> bool:
    """For a statement, an idea or the item a comment is on: the audience of its consultation."""
    return in_audience(user, item.consultation)


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
def response_editable(user, response) -> bool:
    return response.consultation.live and response.consultation.phase() == Phase.OPEN


@rules.predicate
def has_statements(user, consultation) -> bool:
    return consultation.statements_enabled


@rules.predicate
def statement_votable(user, statement) -> bool:
    consultation = statement.consultation
    return (
        statement.status == "published"
        and consultation.live
        and consultation.statements_enabled
        and consultation.phase() == Phase.OPEN
    )


@rules.predicate
def is_moderator_of_statement(user, statement) -> bool:
    return has_role_in(user, statement.consultation.organisation_id, "moderator")


@rules.predicate
def is_statement_author(user, statement) -> bool:
    return user.is_authenticated and statement.author_id == user.pk


@rules.predicate
def has_ideas(user, consultation) -> bool:
    return consultation.ideas_enabled


@rules.predicate
def idea_supportable(user, idea) -> bool:
    """Open consultation, and the idea shown and not merged into another (its supports moved there)."""
    consultation = idea.consultation
    return (
        consultation.live
        and consultation.ideas_enabled
        and consultation.phase() == Phase.OPEN
        and idea.moderation_status == Visibility.PUBLISHED
        and idea.merged_into_id is None
    )


@rules.predicate
def is_official_of_idea(user, idea) -> bool:
    return is_official_of(user, idea.consultation.organisation_id)


@rules.predicate
def commentable(user, target) -> bool:
    """The idea or statement takes comments: open consultation, visible item, not merged away."""
    consultation = target.consultation
    if not (consultation.live and consultation.phase() == Phase.OPEN):
        return False
    if isinstance(target, Idea):
        return (
            consultation.ideas_enabled
            and target.moderation_status == Visibility.PUBLISHED
            and target.merged_into_id is None
        )
    return consultation.statements_enabled and target.status == Statement.Status.PUBLISHED


@rules.predicate
def is_contribution_author(user, item) -> bool:
    """`item` (statement, idea or comment) was written by `user`."""
    return user.is_authenticated and item.author_id == user.pk


@rules.predicate
def comment_editable(user, comment) -> bool:
    """Within the edit window of a published comment, while its consultation is open."""
    consultation = comment.consultation
    return (
        comment.status == Comment.Status.PUBLISHED
        and timezone.now() < comment.editable_until()
        and consultation.live
        and consultation.phase() == Phase.OPEN
    )


@rules.predicate
def comment_not_deleted(user, comment) -> bool:
    return comment.status != Comment.Status.DELETED


@rules.predicate
def is_visible(user, item) -> bool:
    """Shown to the public: only what everyone can read can be reported."""
    if isinstance(item, Statement):
        return item.status == Statement.Status.PUBLISHED
    if isinstance(item, Idea):
        return item.moderation_status == Visibility.PUBLISHED
    return item.status == Comment.Status.PUBLISHED


@rules.predicate
def is_moderator_of_item(user, item) -> bool:
    return has_role_in(user, item.consultation.organisation_id, "moderator")


# Contributing needs a confirmed address and a place in the consultation's audience.
rules.add_perm(
    "consultations.answer_consultation",
    is_published & is_open & has_questionnaire & is_verified & is_in_audience,
)
rules.add_perm("consultations.submit_idea", is_published & is_open & has_ideas & is_verified & is_in_audience)
rules.add_perm("consultations.support_idea", idea_supportable & is_verified & is_in_audience_of_item)
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
rules.add_perm("consultations.comment", commentable & is_verified & is_in_audience_of_item)
rules.add_perm("consultations.change_comment", is_contribution_author & comment_editable & is_verified)
# Deleting one's own comment stays possible after the window and after closing: it is theirs.
rules.add_perm("consultations.delete_comment", is_contribution_author & comment_not_deleted)
rules.add_perm("consultations.report_contribution", is_visible & is_verified & ~is_contribution_author)
rules.add_perm(
    "consultations.submit_statement", is_published & is_open & has_statements & is_verified & is_in_audience
)
rules.add_perm("consultations.vote_statement", statement_votable & is_verified & is_in_audience_of_item)
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
