"""Reads of public votes: the projects on a ballot, a person's ballot, the rows a count needs."""

import numpy as np
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from budgets import tally as counting
from budgets.models import Ballot, PublicVote
from calls.models import Project
from core.cards import Card, CardStatus, Figure
from core.windows import Phase


def votes_published():
    """Every vote of a published call, with its call, soonest closing first (a short list: one vote per
    call)."""
    return list(
        PublicVote.objects.filter(call__live=True)
        .select_related("call", "call__organisation")
        .order_by("closes_at", "pk")
    )


def votes_for_cards(*, now=None) -> list[Card]:
    """The cards of the public votes of published calls, open first (closing soonest first), then those
    to come (opening soonest first), then the closed ones (latest first), with their ballots counted
    in the same query. A closed vote's card leads to its results once it has ballots."""
    now = now or timezone.now()
    votes = (
        PublicVote.objects.filter(call__live=True)
        .select_related("call", "call__organisation")
        .annotate(ballot_count=Count("ballots"))
    )
    cards = [vote_card(vote, now) for vote in votes]
    return sorted(
        cards,
        key=lambda card: (
            card.rank,
            (card.closes_at if card.status == CardStatus.OPEN else card.opens_at).timestamp()
            if card.rank < 2
            else -card.closes_at.timestamp(),
        ),
    )


def vote_card(vote: PublicVote, now) -> Card:
    """A vote's card (`vote` annotated with `ballot_count`): upcoming, open, closed, or its results
    published (closed, with ballots: the results page is public from the closing on)."""
    phase = vote.phase(now)
    status = {Phase.UPCOMING: CardStatus.UPCOMING, Phase.OPEN: CardStatus.OPEN}.get(phase, CardStatus.CLOSED)
    url = vote.get_absolute_url()
    if status == CardStatus.CLOSED and vote.ballot_count:
        status = CardStatus.RESULTS
        url = reverse("budgets_results", args=[vote.pk])
    return Card(
        kind="vote",
        title=vote.call.title,
        url=url,
        status=status,
        organisation=vote.call.organisation.name,
        opens_at=vote.opens_at,
        closes_at=vote.closes_at,
        count=vote.ballot_count,
        count_of=Figure.BALLOTS,
        summary=str(vote.get_method_display()),
        summary_is_content=False,
    )


def ballot_projects(vote: PublicVote):
    """The projects on the ballot: the call's dossiers with the status "selected" (laureates of the
    call's evaluation), by title — none until the call's laureates are published. From the vote's
    opening the list is frozen: `calls.services.decisions.project_status_change` refuses to move a
    dossier of the call into or out of "selected" (see docs/budgets.md)."""
    return Project.objects.laureates().filter(call_id=vote.call_id).order_by("title", "pk")


def ballot_of(*, vote: PublicVote, voter) -> Ballot | None:
    """The person's ballot in this vote, with its choices, or None."""
    if not voter.is_authenticated:
        return None
    return (
        Ballot.objects.filter(vote=vote, voter=voter)
        .prefetch_related("choices")
        .select_related("commune")
        .first()
    )


def ballots_of(*, user):
    """The person's own ballots (online: paper ballots have no voter), latest changed first, with their
    vote and call, in one query."""
    if not user.is_authenticated:
        return Ballot.objects.none()
    return (
        Ballot.objects.filter(voter=user).select_related("vote", "vote__call").order_by("-updated_at", "-pk")
    )


def tally_inputs(vote: PublicVote) -> dict:
    """What `tally.tally` needs, read as rows (no model instance per ballot or choice)."""
    projects = list(ballot_projects(vote).order_by("pk").values_list("pk", "amount_requested"))
    project_ids = np.array([pk for pk, _cost in projects], dtype=np.int64)
    costs = np.array([float(cost) for _pk, cost in projects], dtype=np.float64)
    ballots = Ballot.objects.filter(vote=vote).count()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.project_id, COALESCE(c.grade, 0) FROM budgets_ballotchoice c "
            "JOIN budgets_ballot b ON b.id = c.ballot_id WHERE b.vote_id = %s",
            [vote.pk],
        )
        rows = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 2)
    # Choices of projects no longer on the ballot (unselected since) are left out.
    positions = np.searchsorted(project_ids, rows[:, 0])
    positions = np.minimum(positions, max(len(project_ids) - 1, 0))
    known = (project_ids[positions] == rows[:, 0]) if len(project_ids) else np.zeros(len(rows), dtype=bool)
    budget = vote.budget_limit
    return {
        "method": vote.method,
        "project_ids": project_ids,
        "costs": costs,
        "ballots": ballots,
        "choice_projects": positions[known],
        "choice_grades": rows[known, 1],
        "budget": None if budget is None else float(budget),
    }


def vote_tally(vote: PublicVote) -> counting.Tally:
    """The count of the vote, from its stored ballots."""
    return counting.tally(**tally_inputs(vote))


def vote_results(vote: PublicVote) -> counting.Tally:
    """The count of a closed vote, remembered: ballots no longer change once it is closed."""
    if vote.phase() != Phase.CLOSED:
        return vote_tally(vote)
    key = f"budgets:results:{vote.pk}:{vote.closes_at.timestamp()}:{vote.updated_at.timestamp()}"
    results = cache.get(key)
    if results is None:
        results = vote_tally(vote)
        cache.set(key, results, 24 * 60 * 60)
    return results
