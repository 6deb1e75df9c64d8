"""The open data of a closed vote: a Pabulib `.pb` file (pabulib.org/format; META, PROJECTS, VOTES).

Each ballot is a random `public_id`, never the voter; its channel is `voting_method` (internet or
paper). Ages and communes declared on the ballots are not exported (with a small commune they would
point at people). Ballots are listed by `public_id` (random), never in the order they were cast.
Running our count (`tally.py`) on this file gives the published result: every ballot is written and
`num_votes` counts them all, as the site's count does — a majority-judgment ballot with every project's
points (ungraded: 0, "to reject", as counted), an approval ballot that chose nothing with an empty
`vote` (possible only when the vote's minimum is 0).
"""

import csv
from collections.abc import Iterator
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from budgets.models import Grade, Method, PublicVote
from budgets.selectors import ballot_projects, vote_results

CHUNK = 10_000


def _number(value) -> str:
    value = Decimal(value)
    return str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")


def _text(value: str) -> str:
    return " ".join(str(value).split())  # one line per row


def _date(moment) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y")


def _ballots(vote: PublicVote) -> Iterator[tuple[str, str, list[tuple[int, int | None]]]]:
    """(public id, channel, [(project id, grade)]) per ballot (a ballot without choices too), in the order
    of their random public ids (not the order they were cast), read in chunks."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT b.public_id, b.channel, c.project_id, c.grade FROM budgets_ballot b "
            "LEFT JOIN budgets_ballotchoice c ON c.ballot_id = b.id WHERE b.vote_id = %s "
            "ORDER BY b.public_id, c.project_id",
            [vote.pk],
        )
        current, channel, choices = None, None, []
        while rows := cursor.fetchmany(CHUNK):
            for public_id, row_channel, project_id, grade in rows:
                if public_id != current:
                    if current is not None:
                        yield current, channel, choices
                    current, channel, choices = public_id, row_channel, []
                if project_id is not None:
                    choices.append((project_id, grade))
        if current is not None:
            yield current, channel, choices


def counted_ballots(vote: PublicVote, on_ballot: set[int]) -> Iterator[tuple[str, str, list[tuple]]]:
    """Every ballot as the site counts it: (public id, `internet` or `paper`, [(project id, grade)]).

    Choices of projects no longer on the ballot (`on_ballot`) are left out, as the count leaves them;
    a ballot without choices is kept (it counts in the number of ballots). Majority judgment: every
    project, ungraded ones with the default score 0 ("to reject", as counted), by decreasing points.
    What `ballots.pb` and the open data's `ballots.csv` both write."""
    graded = vote.method == Method.MAJORITY_JUDGMENT
    for public_id, channel, choices in _ballots(vote):
        choices = [(pk, grade or 0) for pk, grade in choices if pk in on_ballot]
        if graded:
            graded_ids = {pk for pk, _grade in choices}
            choices += [(pk, 0) for pk in sorted(on_ballot - graded_ids)]
            choices.sort(key=lambda choice: (-choice[1], choice[0]))
        yield public_id, "paper" if channel == "paper" else "internet", choices


def pabulib_write(vote: PublicVote, out) -> None:
    """Write the vote's Pabulib file to the text stream `out`."""
    results = vote_results(vote)
    by_id = {result.id: result for result in results.projects}
    projects = list(ballot_projects(vote).order_by("pk"))
    graded = vote.method == Method.MAJORITY_JUDGMENT
    call = vote.call
    # Every ballot, as the site counts them (see the module's docstring).
    votes = []
    for public_id, method, choices in counted_ballots(vote, set(by_id)):
        chosen = ",".join(str(pk) for pk, _grade in choices)
        if graded:
            votes.append([public_id, chosen, ",".join(str(grade) for _pk, grade in choices), method])
        else:
            votes.append([public_id, chosen, method])
    writer = csv.writer(out, delimiter=";", quotechar='"', quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    budget = vote.budget_limit
    meta = [
        ("description", _text(f"{call.title} — vote")),
        ("country", "France"),
        ("unit", _text(call.organisation.name)),
        ("instance", str(timezone.localtime(vote.closes_at).year)),
        ("num_projects", str(len(projects))),
        ("num_votes", str(len(votes))),
        ("budget", _number(budget) if budget is not None else "0"),
        ("vote_type", "scoring" if graded else "approval"),
        ("rule", "unknown" if graded else "greedy"),
        ("date_begin", _date(vote.opens_at)),
        ("date_end", _date(vote.closes_at)),
        ("language", "fr"),
        ("currency", "EUR"),
    ]
    if graded:
        meta += [
            ("min_points", str(Grade.REJECT.value)),
            ("max_points", str(Grade.EXCELLENT.value)),
            ("default_score", str(Grade.REJECT.value)),
            (
                "comment",
                "#1: majority judgment, grades 0 (to reject) to 6 (excellent); winners taken in the majority "
                "judgment order (majority grade, then majority gauge, then majority value) while they fit "
                "the budget",
            ),
        ]
    else:
        meta.append(("min_length", str(vote.min_projects)))
        if vote.max_projects is not None:
            meta.append(("max_length", str(vote.max_projects)))
        if vote.method == Method.BASKET:
            meta.append(("max_sum_cost", _number(vote.budget_limit)))
    out.write("META\n")
    writer.writerow(["key", "value"])
    writer.writerows(meta)
    out.write("PROJECTS\n")
    writer.writerow(
        ["project_id", "cost", "votes", "score", "name", "selected"]
        if graded
        else ["project_id", "cost", "votes", "name", "selected"]
    )
    for project in projects:
        result = by_id[project.pk]
        row = [str(project.pk), _number(project.amount_requested), str(result.votes)]
        if graded:
            row.append(str(sum(grade * count for grade, count in enumerate(result.grades))))
        row += [_text(project.title), "1" if result.selected else "0"]
        writer.writerow(row)
    out.write("VOTES\n")
    writer.writerow(
        ["voter_id", "vote", "points", "voting_method"] if graded else ["voter_id", "vote", "voting_method"]
    )
    writer.writerows(votes)
