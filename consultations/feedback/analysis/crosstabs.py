"""Cross-tabulations of closed questions by territory and by age band, with a chi-square test each.

Plain Python with numpy and scipy, no Django import, so it runs and is tested alone.

Each table crosses one single-answer question (single choice, yes/no, age band) with one grouping of
the participants (their département, their age band). Its rows are the groups, its cells how many
people of the group gave each answer, and beside it Pearson's chi-square test of independence: is the
spread of answers the same in every group, up to chance?

What officials must not read into it, and how the module guards against it:

- A group of 1 to 4 people could be recognised, so such groups are pooled into one "other groups" row,
  and any cell of 1 to 4 people is hidden, with a second cell hidden wherever one hidden cell could be
  recomputed from a row total or from the question's overall counts (which the report shows).
- The chi-square approximation is poor when an expected count is under 5 (Cochran's rule), so the test
  is then skipped, and says so, rather than giving a p-value nobody should trust.
- A report runs many tests; some would come out "significant" by chance alone. The p-values are
  adjusted with Holm's method across every test of the report (see `holm`).
- Participants chose to take part: a test says whether the groups of *participants* differ, never
  that the population does.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.stats import chi2_contingency

from .questionnaire import SMALL_CELL, AnswerRow, QuestionSpec

ALPHA = 0.05
MIN_EXPECTED = 5
# Questions where each person gives one answer: the people of a group then split over the choices, as
# the test of independence requires. (A multiple choice would need one test per choice.)
CROSSED_KINDS = {"single_choice", "yes_no", "age_band"}
# Row keys of the rows that are not a group of their own.
POOLED = "_pooled"
UNKNOWN = "_unknown"

# Why a table or its test is absent; the report page words each reason.
TOO_FEW_GROUPS = "too_few_groups"  # fewer than two groups of at least 5 people who answered
TOO_FEW_CHOICES = "too_few_choices"  # fewer than two answers chosen among those groups
EXPECTED_BELOW_5 = "expected_below_5"


@dataclass(frozen=True)
class Grouping:
    """A way of splitting the participants: `groups` maps a response id to its group's key; a response
    not in it is "not stated". `labels` names the groups, in the order the table lists them."""

    id: str  # "territory", or "age_band:<question id>"
    label: str
    groups: Mapping[int, str]
    labels: Mapping[str, str] = field(default_factory=dict)
    # The question the grouping comes from, if any: it is not crossed with itself.
    question_id: str | None = None


def age_band_groupings(questions: Iterable[QuestionSpec], answers: Iterable[AnswerRow]) -> list[Grouping]:
    """One grouping per age-band question the consultation asks (usually none or one)."""
    bands = [q for q in questions if q.kind == "age_band"]
    wanted = {q.id for q in bands}
    chosen: dict[str, dict[int, str]] = defaultdict(dict)
    for row in answers:
        if row.question_id in wanted and row.choice_id:
            chosen[row.question_id][row.response_id] = row.choice_id
    return [
        Grouping(
            id=f"age_band:{q.id}",
            label=q.label,
            groups=chosen[q.id],
            labels=dict(q.choices),
            question_id=q.id,
        )
        for q in bands
    ]


def crosstabulate(
    questions: Iterable[QuestionSpec], answers: Iterable[AnswerRow], groupings: Iterable[Grouping]
) -> list[dict]:
    """Every single-answer question crossed with every grouping, with Holm-adjusted chi-square tests.

    A table is present, with `skipped` set to a reason, when a grouping has too few people to compare;
    so the report can say why a comparison is missing rather than leave it out silently.
    """
    questions = [q for q in questions if q.kind in CROSSED_KINDS and q.choices]
    wanted = {q.id for q in questions}
    chosen: dict[str, dict[int, str]] = defaultdict(dict)
    for row in answers:
        if row.question_id in wanted and row.choice_id and row.position is None:
            chosen[row.question_id][row.response_id] = row.choice_id
    tables = [
        crosstab(question, chosen[question.id], grouping)
        for grouping in groupings
        for question in questions
        if question.id != grouping.question_id
    ]
    tested = [table["test"] for table in tables if table["test"]]
    for test, adjusted in zip(tested, holm([test["p_value"] for test in tested]), strict=True):
        test["p_adjusted"] = adjusted
        test["tests"] = len(tested)
        test["significant"] = adjusted < ALPHA
    return tables


def crosstab(question: QuestionSpec, chosen: Mapping[int, str], grouping: Grouping) -> dict:
    """One question by one grouping: counts per group and answer, small cells hidden, and the test.

    `chosen` maps each response id to the choice it gave. The test compares the groups of 5 or more
    people only: the pooled small groups mix places or ages that have nothing in common, and people who
    did not state their group are no group.
    """
    choice_ids = [choice_id for choice_id, _label in question.choices]
    column = {choice_id: index for index, choice_id in enumerate(choice_ids)}
    people: dict[str, Counter] = defaultdict(Counter)
    for response_id, choice_id in chosen.items():
        if choice_id in column:
            people[grouping.groups.get(response_id, UNKNOWN)][choice_id] += 1

    known = [key for key in people if key != UNKNOWN]
    order = {key: index for index, key in enumerate(grouping.labels)}
    known.sort(key=lambda key: (order.get(key, len(order)), key))
    large = [key for key in known if sum(people[key].values()) >= SMALL_CELL]
    pooled = Counter()
    for key in known:
        if key not in large:
            pooled.update(people[key])

    rows = [(key, grouping.labels.get(key, key), people[key]) for key in large]
    if pooled:
        rows.append((POOLED, None, pooled))
    if people.get(UNKNOWN):
        rows.append((UNKNOWN, None, people[UNKNOWN]))
    counts = np.array([[row[choice_id] for choice_id in choice_ids] for _k, _l, row in rows], dtype=int)
    counts = counts.reshape(len(rows), len(choice_ids))

    rows_out = _rows(rows, counts)
    table = {
        "question_id": question.id,
        "question_label": question.label,
        "grouping": grouping.id,
        "grouping_label": grouping.label,
        "choices": [{"id": choice_id, "label": label} for choice_id, label in question.choices],
        "rows": rows_out,
        "groups_compared": len(large),
        "hidden": any(cell["suppressed"] for row in rows_out for cell in row["cells"]),
        "test": None,
        "skipped": None,
    }
    tested = counts[: len(large)]
    tested = tested[:, tested.sum(axis=0) > 0]  # answers nobody in these groups chose tell nothing
    if len(large) < 2:
        table["skipped"] = TOO_FEW_GROUPS
    elif tested.shape[1] < 2:
        table["skipped"] = TOO_FEW_CHOICES
    else:
        table["test"], table["skipped"] = chi_square(tested)
    return table


def chi_square(counts: np.ndarray) -> tuple[dict | None, str | None]:
    """Pearson's chi-square test of independence of a table of counts, or the reason it is skipped.

    No continuity (Yates) correction, even for a 2 × 2 table: with every expected count at least 5 it
    only makes the test more conservative, and the Holm adjustment already does that across the report.
    """
    statistic, p_value, dof, expected = chi2_contingency(counts, correction=False)
    smallest = float(expected.min())
    if smallest < MIN_EXPECTED:
        return None, EXPECTED_BELOW_5
    return {
        "method": "pearson_chi_square",
        "statistic": round(float(statistic), 3),
        "dof": int(dof),
        "p_value": float(p_value),
        "min_expected": round(smallest, 2),
        "people": int(counts.sum()),
    }, None


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjustment: the adjusted p-values, in the order given.

    Holm rather than Benjamini–Hochberg: officials read "significant" as "this difference is not
    chance", a claim about each comparison, which is what Holm's control of the family-wise error rate
    guarantees (the chance of even one false "significant" in the report stays under 5 %), with no
    assumption on how the tests depend on each other (they share participants). Benjamini–Hochberg
    would only bound the expected share of false findings, which suits screening many tests; a report
    has a few dozen at most, so Holm costs little power here.
    """
    size = len(p_values)
    adjusted = [0.0] * size
    running = 0.0
    for rank, index in enumerate(sorted(range(size), key=lambda i: p_values[i])):
        running = max(running, min(1.0, (size - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


def _rows(rows: list[tuple], counts: np.ndarray) -> list[dict]:
    """The table's rows as the report shows them: each cell's count and share of its row, or hidden."""
    hidden = (counts > 0) & (counts < SMALL_CELL)
    totals = counts.sum(axis=1)
    total_shown = totals >= SMALL_CELL
    _secondary_suppression(counts, hidden, total_shown)
    out = []
    for index, (key, label, _counter) in enumerate(rows):
        total = int(totals[index])
        cells = []
        for count, is_hidden in zip(counts[index], hidden[index], strict=True):
            if is_hidden:
                cells.append({"count": None, "percent": None, "suppressed": True})
            else:
                share = round(100 * int(count) / total, 1) if total else 0.0
                cells.append({"count": int(count), "percent": share, "suppressed": False})
        out.append(
            {
                "key": key,
                "label": label,
                "total": total if total_shown[index] else None,
                "cells": cells,
            }
        )
    return out


def _secondary_suppression(counts: np.ndarray, hidden: np.ndarray, total_shown: np.ndarray) -> None:
    """Hide more cells until no hidden cell can be recomputed by subtraction.

    A hidden cell alone in a row whose total is shown, or alone in a column (each answer's total is in
    the question's summary), would be that total minus the cells shown; so the smallest other cell of
    that line is hidden too, a non-empty one first. Repeats until stable: each pass hides one more cell.
    """
    while True:
        lines = [hidden[i] for i in range(hidden.shape[0]) if total_shown[i]]
        line_counts = [counts[i] for i in range(hidden.shape[0]) if total_shown[i]]
        lines += [hidden[:, j] for j in range(hidden.shape[1])]
        line_counts += [counts[:, j] for j in range(hidden.shape[1])]
        for mask, values in zip(lines, line_counts, strict=True):
            if mask.sum() == 1 and (~mask).any():
                candidates = list(np.flatnonzero(~mask))
                candidates.sort(key=lambda i: (values[i] == 0, values[i], i))
                mask[candidates[0]] = True  # a view into `hidden`: hides the cell itself
                break
        else:
            return


def one_question_per_choice(
    questions: Iterable[QuestionSpec], answers: Iterable[AnswerRow], *, chosen: str, not_chosen: str
) -> tuple[list[QuestionSpec], list[AnswerRow]]:
    """Multiple-choice questions as one yes/no question per choice ("chose it" or not, among the people
    who answered the question), so that each choice can be crossed and tested like a single answer.

    `chosen` and `not_chosen` are the labels of the two answers, in the report's language.
    """
    multiple = {q.id: q for q in questions if q.kind == "multiple_choice" and q.choices}
    picked: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in answers:
        if row.question_id in multiple and row.choice_id:
            picked[row.question_id][row.response_id].add(row.choice_id)
    specs, rows = [], []
    for question_id, question in multiple.items():
        for choice_id, label in question.choices:
            derived = f"{question_id}:{choice_id}"
            specs.append(
                QuestionSpec(
                    id=derived,
                    kind="single_choice",
                    label=f"{question.label} — {label}",
                    choices=(("chosen", chosen), ("not_chosen", not_chosen)),
                )
            )
            rows += [
                AnswerRow(response_id, derived, "chosen" if choice_id in choices else "not_chosen", False)
                for response_id, choices in picked[question_id].items()
            ]
    return specs, rows
