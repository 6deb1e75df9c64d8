"""Counting a public vote: plain Python and numpy over rows, no Django (tested and benchmarked alone).

Input: the projects on the ballot (id, cost) and one row per choice on a ballot (the project's index,
and the grade for majority judgment). Anyone holding the open-data export (the Pabulib file) can run
the same count and find the same result.

Winners, for every method: projects are ranked (below), then taken in that order while they fit in
what is left of the budget ("greedy", Pabulib's `rule;greedy`); a project too expensive for what is
left is skipped and the next ones are still considered. Without a budget, nobody is marked a winner:
the ranking is the result; without any ballot, nobody wins either (and majority judgment gives no
majority grade). Amounts are compared in whole cents (integers), never as floats: projects whose costs
add up exactly to the budget all fit.

Ranking:
- approval and basket: most ballots choosing the project first; equal counts: the cheaper project first,
  then the lower project id (such a tie is reported as a tie).
- majority judgment (Balinski and Laraki): ballots that did not grade a project count as "to reject".
  First the majority grade (the lower median grade: at least half the ballots grade the project at it
  or above, and at least half at it or below). Equal majority grades: the majority gauge — `p` is the
  share of grades above the majority grade, `q` the share below; a project with p > q ranks above one
  with p ≤ q; two with p > q: the larger p first; two with p ≤ q: the smaller q first. Still equal:
  the majority value, compared lexicographically (remove one majority grade from each project's grades
  and compare the new majority grades, and so on). Identical grades: a tie, lower project id first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cmp_to_key
from itertools import pairwise

import numpy as np

GRADES = 7  # 0 (to reject) … 6 (excellent)


@dataclass
class ProjectResult:
    id: int
    cost: float
    votes: int = 0  # ballots choosing it (approval, basket); ballots grading it (majority judgment)
    share: float = 0.0
    rank: int = 0
    selected: bool = False
    tied: bool = False  # ranked by the last tie-break (project id) against its neighbour
    grades: list[int] = field(default_factory=list)  # majority judgment: ballots per grade, worst first
    majority_grade: int | None = None
    above: float = 0.0  # majority judgment: share of grades above the majority grade (p)
    below: float = 0.0  # … below it (q)


@dataclass
class Tally:
    method: str
    ballots: int
    budget: float | None
    projects: list[ProjectResult]  # in rank order, first first

    @property
    def spent(self) -> float:
        return sum(_cents(project.cost) for project in self.projects if project.selected) / 100

    @property
    def winners(self) -> list[ProjectResult]:
        return [project for project in self.projects if project.selected]


def tally(
    *,
    method: str,
    project_ids: np.ndarray,
    costs: np.ndarray,
    ballots: int,
    choice_projects: np.ndarray,
    choice_grades: np.ndarray | None = None,
    budget: float | None = None,
) -> Tally:
    """Count the ballots. `choice_projects` holds, per choice row, the index of its project in
    `project_ids`; `choice_grades` the grades (majority judgment)."""
    project_ids = np.asarray(project_ids, dtype=np.int64)
    costs = np.asarray(costs, dtype=np.float64)
    choice_projects = np.asarray(choice_projects, dtype=np.int64)
    if method == "majority_judgment":
        results = _majority_judgment(project_ids, costs, ballots, choice_projects, choice_grades)
    else:
        results = _approval(project_ids, costs, ballots, choice_projects)
    for rank, result in enumerate(results, start=1):
        result.rank = rank
    if ballots:
        _greedy(results, budget)
    return Tally(method=method, ballots=ballots, budget=budget, projects=results)


def _approval(project_ids, costs, ballots, choice_projects) -> list[ProjectResult]:
    votes = np.bincount(choice_projects, minlength=len(project_ids))
    order = np.lexsort((project_ids, costs, -votes))  # last key first: votes, then cost, then id
    results = []
    previous = None
    for index in order:
        count = int(votes[index])
        result = ProjectResult(
            id=int(project_ids[index]),
            cost=float(costs[index]),
            votes=count,
            share=count / ballots if ballots else 0.0,
        )
        if previous is not None and (previous.votes, previous.cost) == (count, result.cost):
            result.tied = previous.tied = True
        results.append(result)
        previous = result
    return results


def grade_counts(project_count: int, ballots: int, choice_projects, choice_grades) -> np.ndarray:
    """Ballots per project and grade (projects × 7), ungraded counted as "to reject"."""
    grades = np.asarray(choice_grades, dtype=np.int64)
    counts = np.bincount(choice_projects * GRADES + grades, minlength=project_count * GRADES)
    counts = counts.reshape(project_count, GRADES)
    counts[:, 0] += ballots - counts.sum(axis=1)
    return counts


def majority_grade(counts: np.ndarray) -> int:
    """The lower median grade of one project's grade counts."""
    total = int(counts.sum())
    if total == 0:
        return 0
    return int(np.searchsorted(np.cumsum(counts), (total - 1) // 2, side="right"))


def _majority_value_compare(a: np.ndarray, b: np.ndarray) -> int:
    """Balinski–Laraki's lexicographic order of two projects' grade counts: -1 if `a` ranks first."""
    a, b = a.copy(), b.copy()
    while a.sum() and b.sum():
        grade_a, grade_b = majority_grade(a), majority_grade(b)
        if grade_a != grade_b:
            return -1 if grade_a > grade_b else 1
        a[grade_a] -= 1
        b[grade_b] -= 1
    return 0


def _majority_judgment(project_ids, costs, ballots, choice_projects, choice_grades) -> list[ProjectResult]:
    if not ballots:
        # Nothing to count: no majority grade, the projects in id order (and no winner, see `tally`).
        return [
            ProjectResult(id=int(pk), cost=float(cost), grades=[0] * GRADES)
            for pk, cost in sorted(zip(project_ids, costs, strict=True))
        ]
    counts = grade_counts(len(project_ids), ballots, choice_projects, choice_grades)
    cumulative = np.cumsum(counts, axis=1)
    median_rank = (ballots - 1) // 2 if ballots else 0
    majority = (cumulative <= median_rank).sum(axis=1)  # the first grade whose cumulative count passes it
    rows = np.arange(len(project_ids))
    at_or_below = cumulative[rows, majority]
    above = (ballots - at_or_below) / ballots if ballots else np.zeros(len(project_ids))
    below = (at_or_below - counts[rows, majority]) / ballots if ballots else np.zeros(len(project_ids))
    results = [
        ProjectResult(
            id=int(project_ids[i]),
            cost=float(costs[i]),
            votes=ballots,
            share=1.0 if ballots else 0.0,
            grades=[int(n) for n in counts[i]],
            majority_grade=int(majority[i]),
            above=float(above[i]),
            below=float(below[i]),
        )
        for i in rows
    ]
    counts_of = {result.id: counts[i] for i, result in enumerate(results)}

    def gauge(result: ProjectResult):
        if result.above > result.below:
            return (result.majority_grade, 1, result.above)
        return (result.majority_grade, 0, -result.below)

    def compare(x: ProjectResult, y: ProjectResult) -> int:
        gx, gy = gauge(x), gauge(y)
        if gx != gy:
            return -1 if gx > gy else 1
        if (order := _majority_value_compare(counts_of[x.id], counts_of[y.id])) != 0:
            return order
        return -1 if x.id < y.id else 1

    # Sorting by the gauge first keeps the slow comparison for the (rare) projects it leaves equal.
    ordered = sorted(results, key=lambda r: (tuple(-v for v in gauge(r)), r.id))
    groups: list[list[ProjectResult]] = []
    for result in ordered:
        if groups and gauge(groups[-1][0]) == gauge(result):
            groups[-1].append(result)
        else:
            groups.append([result])
    final = []
    for group in groups:
        if len(group) > 1:
            group.sort(key=cmp_to_key(compare))
            for first, second in pairwise(group):
                if first.grades == second.grades:
                    first.tied = second.tied = True
        final.extend(group)
    return final


def _cents(amount) -> int:
    """An amount in euros (at most two decimals, as stored) as a whole number of cents."""
    return round(float(amount) * 100)


def _greedy(results: list[ProjectResult], budget: float | None) -> None:
    if budget is None:
        return
    left = _cents(budget)
    for result in results:
        cost = _cents(result.cost)
        if cost <= left:
            result.selected = True
            left -= cost


def pabulib_inputs(lines) -> dict:
    """The arguments of `tally` read back from a Pabulib file we exported (its lines): anyone can
    recount the published result from the open data."""
    import csv

    section, header, meta, projects, votes = None, None, {}, [], []
    for row in csv.reader(lines, delimiter=";", quotechar='"'):
        if len(row) == 1 and row[0] in ("META", "PROJECTS", "VOTES"):
            section, header = row[0], None
            continue
        if header is None:
            header = row
            continue
        record = dict(zip(header, row, strict=False))
        if section == "META":
            meta[record["key"]] = record["value"]
        elif section == "PROJECTS":
            projects.append((int(record["project_id"]), float(record["cost"])))
        else:
            votes.append(record)
    projects.sort()
    index = {pk: i for i, (pk, _cost) in enumerate(projects)}
    graded = meta["vote_type"] == "scoring"
    choice_projects, choice_grades = [], []
    for record in votes:
        chosen = [int(pk) for pk in record["vote"].split(",") if pk]
        points = [int(p) for p in record["points"].split(",")] if graded else [0] * len(chosen)
        choice_projects += [index[pk] for pk in chosen]
        choice_grades += points
    budget = float(meta["budget"])
    return {
        "method": "majority_judgment" if graded else ("basket" if "max_sum_cost" in meta else "approval"),
        "project_ids": np.array([pk for pk, _c in projects], dtype=np.int64),
        "costs": np.array([cost for _pk, cost in projects], dtype=np.float64),
        "ballots": int(meta["num_votes"]),
        "choice_projects": np.array(choice_projects, dtype=np.int64),
        "choice_grades": np.array(choice_grades, dtype=np.int64),
        "budget": budget or None,
    }
