"""Cross-tabulations of closed questions by territory and by age band, with a chi-square test each.

Plain Python with numpy and scipy, no Django import, so it runs and is tested alone.

Each table crosses one question with one grouping of the participants (their département, their age
band). Its rows are the groups.

- A single-answer question (single choice, yes/no, age band), a ranking (the choice each person put
  first) and each choice of a multiple choice (chosen or not, see `one_question_per_choice`): the cells
  count how many people of the group gave each answer, and Pearson's chi-square test of independence
  says whether the spread of answers is the same in every group, up to chance.
- A scale or a number: each group's count, mean and median, and the Kruskal–Wallis test, whether the
  values of one group tend to be higher than another's, up to chance. A rank test rather than an
  analysis of variance: a scale is ordinal (the step from 1 to 2 need not equal the step from 4 to 5)
  and numbers people type have long tails (a few 300 km commutes), neither of which suits a test of
  means.

What officials must not read into it, and how the module guards against it:

- A group of 1 to 4 people could be recognised, so such groups are pooled into one "other groups" row
  (whose mean and median are hidden if it is still under 5 people), and any cell of 1 to 4 people is
  hidden, with a second cell hidden wherever one hidden cell could be recomputed from a row total or
  from the question's overall counts (which the report shows).
- The chi-square approximation is poor when an expected count is under 5 (Cochran's rule), so the test
  is then skipped, and says so, rather than giving a p-value nobody should trust.
- A report runs many tests; some would come out "significant" by chance alone. The p-values are
  adjusted with Holm's method across every test of the report (see `holm`).
- Participants chose to take part: a test says whether the groups of *participants* differ, never
  that the population does.
"""

from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.stats import chi2_contingency, kruskal

from reports.analysis.questionnaire import SMALL_CELL, AnswerRow, QuestionSpec

ALPHA = 0.05
MIN_EXPECTED = 5
# Questions where each person gives one answer: the people of a group then split over the choices, as
# the test of independence requires. (A multiple choice would need one test per choice.) A ranking is
# crossed by the choice each person ranked first.
CROSSED_KINDS = {"single_choice", "yes_no", "age_band", "ranking"}
NUMERIC_KINDS = {"scale", "number"}
# Row keys of the rows that are not a group of their own.
POOLED = "_pooled"
UNKNOWN = "_unknown"

# Why a table or its test is absent; the report page words each reason.
TOO_FEW_GROUPS = "too_few_groups"  # fewer than two groups of at least 5 people who answered
TOO_FEW_CHOICES = "too_few_choices"  # fewer than two answers chosen among those groups
EXPECTED_BELOW_5 = "expected_below_5"
NO_VARIATION = "no_variation"  # every person compared gave the same value


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


@dataclass
class Collected:
    """The answers the cross-tabs read, kept as arrays: one pass over the rows, a few bytes per answer.

    For each question, the response ids and what each gave: its choice's index in the question's
    choices (single answers; the choice ranked first for a ranking), its value (scales and numbers);
    for a multiple choice one entry per choice picked. One answer per response and question; a repeat
    (which the database does not allow) keeps the first.
    """

    choices: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    numbers: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    picks: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def answered(self, question_id: str) -> tuple[np.ndarray, np.ndarray]:
        found = self.choices.get(question_id) or self.numbers.get(question_id)
        return found if found else (np.zeros(0, np.int64), np.zeros(0))


class Collector:
    """Gathers a `Collected` from answer rows as they stream past: `watch` hands every row on, so the
    same read of the answers can feed the questions' summaries and the cross-tabs."""

    def __init__(self, questions: Iterable[QuestionSpec]):
        self.questions = [
            q for q in questions if q.kind in CROSSED_KINDS | NUMERIC_KINDS | {"multiple_choice"}
        ]
        self._kinds = {q.id: q.kind for q in self.questions}
        self._column = {
            q.id: {choice_id: index for index, (choice_id, _label) in enumerate(q.choices)}
            for q in self.questions
        }
        self._buffers = {q.id: (array("q"), array("d")) for q in self.questions}

    def add(self, row: AnswerRow) -> None:
        kind = self._kinds.get(row.question_id)
        if kind is None:
            return
        if kind in NUMERIC_KINDS:
            value = row.number
        elif kind == "ranking":
            value = self._column[row.question_id].get(row.choice_id) if row.position == 1 else None
        elif row.position is None:
            value = self._column[row.question_id].get(row.choice_id)
        else:
            value = None
        if value is not None:
            responses, values = self._buffers[row.question_id]
            responses.append(row.response_id)
            values.append(value)

    def watch(self, answers: Iterable[AnswerRow]) -> Iterator[AnswerRow]:
        for row in answers:
            self.add(row)
            yield row

    def collected(self) -> Collected:
        collected = Collected()
        for question in self.questions:
            responses, values = self._buffers[question.id]
            responses = np.frombuffer(responses, dtype=np.int64) if responses else np.zeros(0, np.int64)
            values = np.frombuffer(values, dtype=np.float64) if values else np.zeros(0)
            if question.kind == "multiple_choice":
                pairs = np.unique(np.stack([responses, values.astype(np.int64)]), axis=1)
                collected.picks[question.id] = (pairs[0], pairs[1])
                continue
            responses, first = np.unique(responses, return_index=True)
            if question.kind in NUMERIC_KINDS:
                collected.numbers[question.id] = (responses, values[first])
            else:
                collected.choices[question.id] = (responses, values[first].astype(np.int64))
        return collected


def collect(questions: Iterable[QuestionSpec], answers: Iterable[AnswerRow]) -> Collected:
    """What the cross-tabs of `questions` need from `answers` (an iterable read once, e.g. a stream)."""
    collector = Collector(questions)
    for row in answers:
        collector.add(row)
    return collector.collected()


def age_band_groupings(questions: Iterable[QuestionSpec], collected: Collected) -> list[Grouping]:
    """One grouping per age-band question the consultation asks (usually none or one)."""
    groupings = []
    for question in questions:
        if question.kind != "age_band":
            continue
        responses, codes = collected.answered(question.id)
        choice_ids = [choice_id for choice_id, _label in question.choices]
        groups = {
            response: choice_ids[code]
            for response, code in zip(responses.tolist(), codes.tolist(), strict=True)
        }
        groupings.append(
            Grouping(
                id=f"age_band:{question.id}",
                label=question.label,
                groups=groups,
                labels=dict(question.choices),
                question_id=question.id,
            )
        )
    return groupings


def crosstabulate(
    questions: Iterable[QuestionSpec],
    answers: Collected | Iterable[AnswerRow],
    groupings: Iterable[Grouping],
) -> list[dict]:
    """Every crossed question with every grouping, with every test of the report Holm-adjusted together.

    `answers` is what `collect` gathered, or the answer rows themselves. A table is present, with
    `skipped` set to a reason, when a grouping has too few people to compare; so the report can say
    why a comparison is missing rather than leave it out silently.
    """
    questions = [q for q in questions if (q.kind in CROSSED_KINDS and q.choices) or q.kind in NUMERIC_KINDS]
    collected = answers if isinstance(answers, Collected) else collect(questions, answers)
    tables = []
    for grouping in groupings:
        lookup = _GroupLookup(grouping)
        for question in questions:
            if question.id == grouping.question_id:
                continue
            responses, values = collected.answered(question.id)
            groups = lookup.groups_of(responses)
            if question.kind in NUMERIC_KINDS:
                tables.append(numeric_crosstab(question, groups, values, lookup))
            else:
                tables.append(crosstab(question, groups, values.astype(np.int64), lookup))
    tested = [table["test"] for table in tables if table["test"]]
    for test, adjusted in zip(tested, holm([test["p_value"] for test in tested]), strict=True):
        test["p_adjusted"] = adjusted
        test["tests"] = len(tested)
        test["significant"] = adjusted < ALPHA
    return tables


class _GroupLookup:
    """A grouping as arrays: each response id's group as an index into `keys`; -1 for "not stated"."""

    def __init__(self, grouping: Grouping):
        self.grouping = grouping
        order = {key: index for index, key in enumerate(grouping.labels)}
        self.keys = sorted(set(grouping.groups.values()), key=lambda key: (order.get(key, len(order)), key))
        index = {key: position for position, key in enumerate(self.keys)}
        responses = np.fromiter(grouping.groups.keys(), dtype=np.int64, count=len(grouping.groups))
        codes = np.fromiter(
            (index[key] for key in grouping.groups.values()), dtype=np.int64, count=len(grouping.groups)
        )
        order_by_response = np.argsort(responses, kind="stable")
        self.responses, self.codes = responses[order_by_response], codes[order_by_response]

    def groups_of(self, responses: np.ndarray) -> np.ndarray:
        if not len(self.responses):
            return np.full(len(responses), -1, dtype=np.int64)
        position = np.searchsorted(self.responses, responses).clip(max=len(self.responses) - 1)
        found = self.responses[position] == responses
        return np.where(found, self.codes[position], -1)

    def label(self, index: int) -> str:
        key = self.keys[index]
        return self.grouping.labels.get(key, key)


def _table_rows(sizes: np.ndarray, lookup: _GroupLookup, unknown: int) -> tuple[list, list, list]:
    """Which groups get a row of their own (5 people or more), which are pooled, and the row keys."""
    present = [index for index in range(len(lookup.keys)) if sizes[index]]
    large = [index for index in present if sizes[index] >= SMALL_CELL]
    small = [index for index in present if sizes[index] < SMALL_CELL]
    keys = [lookup.keys[index] for index in large]
    if small:
        keys.append(POOLED)
    if unknown:
        keys.append(UNKNOWN)
    return large, small, keys


def crosstab(question: QuestionSpec, groups: np.ndarray, codes: np.ndarray, lookup: _GroupLookup) -> dict:
    """One question by one grouping: counts per group and answer, small cells hidden, and the test.

    `groups` and `codes` give, for each person who answered, their group's index (-1: not stated) and
    their choice's index. The test compares the groups of 5 or more people only: the pooled small
    groups mix places or ages that have nothing in common, and people who did not state their group are
    no group.
    """
    width = len(question.choices)
    stated = groups >= 0
    by_group = np.bincount(groups[stated] * width + codes[stated], minlength=len(lookup.keys) * width)
    by_group = by_group.reshape(len(lookup.keys), width)
    unknown = np.bincount(codes[~stated], minlength=width)
    large, small, keys = _table_rows(by_group.sum(axis=1), lookup, unknown.sum())
    lines = [by_group[index] for index in large]
    if small:
        lines.append(by_group[small].sum(axis=0))
    if unknown.sum():
        lines.append(unknown)
    counts = np.array(lines, dtype=int).reshape(len(lines), width)
    labels = [lookup.label(index) for index in large] + [None] * (len(keys) - len(large))
    rows_out = _rows(list(zip(keys, labels, strict=True)), counts)
    table = {
        "question_id": question.id,
        "question_label": question.label,
        "kind": "first_choice" if question.kind == "ranking" else "choices",
        "grouping": lookup.grouping.id,
        "grouping_label": lookup.grouping.label,
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


def numeric_crosstab(
    question: QuestionSpec, groups: np.ndarray, values: np.ndarray, lookup: _GroupLookup
) -> dict:
    """One scale or number question by one grouping: each group's count, mean and median, and the
    Kruskal–Wallis test across the groups of 5 or more people.

    `groups` and `values` give, for each person who answered, their group's index (-1: not stated) and
    the value they gave. Groups of 1 to 4 people are pooled, as in `crosstab`; a row still under 5
    people shows no count, mean or median (a person's value could be read from a mean of two), nor
    does any row hidden with it (`small` is False for those).
    """
    order = np.argsort(groups, kind="stable")
    bounds = np.searchsorted(groups[order], np.arange(-1, len(lookup.keys) + 1))
    by_group = [values[order[bounds[i + 1] : bounds[i + 2]]] for i in range(len(lookup.keys))]
    unknown = values[order[bounds[0] : bounds[1]]]
    sizes = np.array([len(group) for group in by_group], dtype=np.int64)
    large, small, keys = _table_rows(sizes, lookup, len(unknown))
    rows = [by_group[index] for index in large]
    if small:
        rows.append(np.concatenate([by_group[index] for index in small]))
    if len(unknown):
        rows.append(unknown)
    labels = [lookup.label(index) for index in large] + [None] * (len(keys) - len(large))

    # The hidden rows together could be worked out from the question's overall count and mean (shown
    # in the report) minus the rows shown: so rows are hidden, smallest first, until the hidden ones
    # hold at least 5 people (or every row is hidden).
    hidden = {index for index, row in enumerate(rows) if len(row) < SMALL_CELL}
    while hidden and len(hidden) < len(rows) and sum(len(rows[i]) for i in hidden) < SMALL_CELL:
        hidden.add(min((i for i in range(len(rows)) if i not in hidden), key=lambda i: len(rows[i])))

    table = {
        "question_id": question.id,
        "question_label": question.label,
        "kind": "numeric",
        "grouping": lookup.grouping.id,
        "grouping_label": lookup.grouping.label,
        "rows": [
            {
                "key": key,
                "label": label,
                "total": None if index in hidden else len(row),
                "mean": None if index in hidden else round(float(np.mean(row)), 2),
                "median": None if index in hidden else float(np.median(row)),
                # Hidden although 5 people or more: so that the small ones cannot be worked out.
                "small": len(row) < SMALL_CELL,
            }
            for index, (key, label, row) in enumerate(zip(keys, labels, rows, strict=True))
        ],
        "groups_compared": len(large),
        "hidden": bool(hidden),
        "test": None,
        "skipped": None,
    }
    if len(large) < 2:
        table["skipped"] = TOO_FEW_GROUPS
    else:
        table["test"], table["skipped"] = kruskal_wallis([by_group[index] for index in large])
    return table


def kruskal_wallis(groups: list[np.ndarray]) -> tuple[dict | None, str | None]:
    """The Kruskal–Wallis H test (ties corrected) of two or more groups of values, or why it is skipped."""
    if len(np.unique(np.concatenate(groups))) < 2:
        return None, NO_VARIATION
    statistic, p_value = kruskal(*groups)
    return {
        "method": "kruskal_wallis",
        "statistic": round(float(statistic), 3),
        "dof": len(groups) - 1,
        "p_value": float(p_value),
        "people": sum(len(group) for group in groups),
    }, None


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
    for index, (key, label) in enumerate(rows):
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
    questions: Iterable[QuestionSpec], collected: Collected, *, chosen: str, not_chosen: str
) -> list[QuestionSpec]:
    """Multiple-choice questions as one yes/no question per choice ("chose it" or not, among the people
    who answered the question), so that each choice can be crossed and tested like a single answer.

    Adds the derived questions' answers to `collected` and returns the questions, each with the id
    `<question id>:<choice id>`. `chosen` and `not_chosen` are the labels of the two answers, in the
    report's language.
    """
    specs = []
    for question in questions:
        if question.kind != "multiple_choice" or not question.choices:
            continue
        responses, picks = collected.picks.get(question.id, (np.zeros(0, np.int64), np.zeros(0, np.int64)))
        respondents = np.unique(responses)
        for index, (choice_id, label) in enumerate(question.choices):
            derived = f"{question.id}:{choice_id}"
            specs.append(
                QuestionSpec(
                    id=derived,
                    kind="single_choice",
                    label=f"{question.label} — {label}",
                    choices=(("chosen", chosen), ("not_chosen", not_chosen)),
                )
            )
            picked = np.isin(respondents, responses[picks == index])
            collected.choices[derived] = (respondents, np.where(picked, 0, 1))
    return specs
