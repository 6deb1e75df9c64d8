"""Writes of public votes: casting a ballot online, typing a paper ballot in. Each is one transaction;
the database's unique constraints decide between simultaneous ballots of the same person."""

import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Territory
from accounts.territories import territory_within
from budgets import permissions, selectors
from budgets.models import Ballot, BallotChoice, Grade, Method, PublicVote
from core.typography import amount

logger = logging.getLogger(__name__)


class BallotRefused(ValidationError):
    """The ballot breaks the vote's rules (too many projects, over budget…): 400."""

    status = 400


class VoteNotOpen(BallotRefused):
    status = 403


class Ineligible(BallotRefused):
    status = 403


class BallotConflict(BallotRefused):
    """Another ballot of the same person (or the same paper) was recorded at the same moment: 409."""

    status = 409


def _money(value) -> str:
    return amount(value, 0)


def phase_check(vote: PublicVote) -> None:
    """The vote takes ballots now (its projects published, its dates), or VoteNotOpen says why not."""
    if refusal := permissions.voting_open.refusal(None, vote):
        raise VoteNotOpen(refusal.message)


def eligibility_check(*, vote: PublicVote, birth_year: int, commune: Territory) -> None:
    """Age (reached during the year the vote closes) and residence, as declared on the ballot."""
    year = timezone.localtime(vote.closes_at).year
    if vote.minimum_age and year - birth_year < vote.minimum_age:
        raise Ineligible(
            _(
                "This vote is open to people aged %(age)s or more in %(year)s: born in %(birth)s, you "
                "cannot vote."
            )
            % {"age": vote.minimum_age, "year": year, "birth": birth_year}
        )
    area = vote.residence_territory
    if area is not None and not territory_within(commune, area):
        raise Ineligible(
            _("This vote is open to residents of %(territory)s, and %(commune)s is not in it.")
            % {"territory": area.name, "commune": commune}
        )


def ballot_check(*, vote: PublicVote, projects: dict, choices: dict[int, int | None]) -> None:
    """Whether `choices` (project id → grade, or None) make a valid ballot of `vote`."""
    if set(choices) - set(projects):
        raise BallotRefused(_("This ballot names a project that is not on the ballot: reload the page."))
    if vote.method == Method.MAJORITY_JUDGMENT:
        missing = len(set(projects) - set(choices))
        if missing:
            raise BallotRefused(
                ngettext(
                    "Grade every project: %(count)s is not graded.",
                    "Grade every project: %(count)s are not graded.",
                    missing,
                )
                % {"count": missing}
            )
        if any(grade not in Grade.values for grade in choices.values()):
            raise BallotRefused(_("Choose one of the grades offered for each project."))
        return
    count = len(choices)
    if count < vote.min_projects:
        raise BallotRefused(
            ngettext(
                "Choose at least %(min)s project.", "Choose at least %(min)s projects.", vote.min_projects
            )
            % {"min": vote.min_projects}
        )
    if vote.max_projects is not None and count > vote.max_projects:
        raise BallotRefused(
            ngettext(
                "Choose at most %(max)s project: you chose %(count)s.",
                "Choose at most %(max)s projects: you chose %(count)s.",
                vote.max_projects,
            )
            % {"max": vote.max_projects, "count": count}
        )
    if vote.method == Method.BASKET:
        total = sum((projects[pk].amount_requested for pk in choices), Decimal(0))
        if total > vote.budget_limit:
            raise BallotRefused(
                _("Your choices cost %(total)s, over the budget of %(budget)s: remove a project.")
                % {"total": _money(total), "budget": _money(vote.budget_limit)}
            )


def _choice_rows(vote: PublicVote, ballot: Ballot, choices: dict) -> list[BallotChoice]:
    graded = vote.method == Method.MAJORITY_JUDGMENT
    return [
        BallotChoice(ballot=ballot, project_id=pk, grade=grade if graded else None)
        for pk, grade in sorted(choices.items())
    ]


def _checked(vote: PublicVote, *, choices: dict, birth_year: int, commune: Territory) -> PublicVote:
    vote = PublicVote.objects.select_related("call", "residence_territory").filter(pk=vote.pk).first()
    if vote is None:  # removed from the back office since the page was shown
        raise VoteNotOpen(_("This vote no longer exists."))
    phase_check(vote)
    eligibility_check(vote=vote, birth_year=birth_year, commune=commune)
    projects = {project.pk: project for project in selectors.ballot_projects(vote)}
    ballot_check(vote=vote, projects=projects, choices=choices)
    return vote


@transaction.atomic
def ballot_cast(
    *, vote: PublicVote, voter, choices: dict[int, int | None], birth_year: int, commune: Territory
) -> tuple[Ballot, bool]:
    """Record the person's ballot, or replace their choices if they have voted already (until closing).

    Returns the ballot and whether it is new. Two first ballots of the same person sent at once: the
    `(vote, voter)` unique constraint keeps the first, the other is refused (BallotConflict, 409).
    """
    vote = _checked(vote, choices=choices, birth_year=birth_year, commune=commune)
    ballot = Ballot.objects.select_for_update().filter(vote=vote, voter=voter).first()
    created = ballot is None
    if created:
        try:
            with transaction.atomic():
                ballot = Ballot.objects.create(
                    vote=vote,
                    voter=voter,
                    channel=Ballot.Channel.ONLINE,
                    birth_year=birth_year,
                    commune=commune,
                )
        except IntegrityError:
            raise BallotConflict(
                _(
                    "Another ballot of yours was recorded at the same moment (another window, or a double "
                    "click). That one counts: reload the page to see it, and change it if you wish."
                )
            ) from None
    else:
        ballot.birth_year, ballot.commune = birth_year, commune
        ballot.save(update_fields=["birth_year", "commune", "updated_at"])
        ballot.choices.all().delete()
    BallotChoice.objects.bulk_create(_choice_rows(vote, ballot, choices))
    logger.info("ballot %s vote=%s ballot=%s", "cast" if created else "changed", vote.pk, ballot.pk)
    return ballot, created


@transaction.atomic
def paper_ballot_enter(
    *,
    vote: PublicVote,
    agent,
    paper_reference: str,
    choices: dict[int, int | None],
    birth_year: int,
    commune: Territory,
) -> Ballot:
    """Type a paper ballot into the register, under its number (a number is typed once)."""
    vote = _checked(vote, choices=choices, birth_year=birth_year, commune=commune)
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(
                vote=vote,
                voter=None,
                channel=Ballot.Channel.PAPER,
                entered_by=agent,
                paper_reference=paper_reference,
                birth_year=birth_year,
                commune=commune,
            )
    except IntegrityError:
        raise BallotConflict(
            _("Paper ballot number %(number)s is already in the register: it was typed in before.")
            % {"number": paper_reference}
        ) from None
    BallotChoice.objects.bulk_create(_choice_rows(vote, ballot, choices))
    logger.info("paper ballot entered vote=%s ballot=%s agent=%s", vote.pk, ballot.pk, agent.pk)
    return ballot
