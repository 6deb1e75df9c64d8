"""Summaries of questionnaire answers. Plain Python: no Django import, so it runs and is tested alone."""

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import fmean, median

# Demographic answers are personal: a group smaller than this is not shown (counted, but "< 5").
SMALL_CELL = 5
DEMOGRAPHIC_KINDS = {"age_band"}
CHOICE_KINDS = {"single_choice", "multiple_choice", "yes_no", "age_band"}
TEXT_KINDS = {"open_text", "short_text"}
OTHER = "other"
# The two-sided 95 % quantile of the normal distribution (scipy.stats.norm.ppf(0.975)), written out so
# that this module needs nothing beyond the standard library.
Z_95 = 1.959963984540054


@dataclass(frozen=True)
class QuestionSpec:
    id: str
    kind: str  # a block type of consultations.blocks.QuestionsBlock
    label: str
    # Choice and ranking questions: (id, label), "Other" included when offered.
    choices: tuple[tuple[str, str], ...] = ()
    # Scale questions: the integer ends of the scale.
    min_value: float | None = None
    max_value: float | None = None


@dataclass(frozen=True)
class AnswerRow:
    response_id: int
    question_id: str
    choice_id: str  # "" for a text or a number
    has_text: bool
    number: float | None = None
    position: int | None = None  # ranking: 1 for the first


def summarise(
    questions: Iterable[QuestionSpec],
    answers: Iterable[AnswerRow],
    *,
    participants: int,
    hide_small_groups: bool = True,
) -> dict:
    """Summarise the answers of each question, as its kind calls for.

    - choices (single, multiple, yes/no, age band): each choice's count and its share of the people who
      answered that question (shares of those who answered, not of all participants; for a multiple
      choice they add up to more than 100 %), with the share's 95 % Wilson interval (`ci_low`,
      `ci_high`): how much the share could move from sampling noise alone. Texts written for "Other"
      are counted like open text.
    - ranking: per choice, its mean rank among those who ranked it, its Borda score (n - rank points
      for n choices) and how often it came first; listed best first.
    - scale: n, mean, median and the distribution over every value of the scale.
    - number: n, mean, median, lowest and highest.
    - text: the number of non-empty answers.

    Answers to questions no longer in the questionnaire are counted apart, never silently dropped.
    `hide_small_groups=False` keeps the small groups of demographic questions, for a caller that hides
    them itself (the open data, which also hides a total when it must: opendata/disclosure.py).
    """
    questions = list(questions)
    known = {question.id: question for question in questions}
    respondents: dict[str, set] = defaultdict(set)
    choice_counts: dict[str, Counter] = defaultdict(Counter)
    other_texts: Counter = Counter()
    texts: Counter = Counter()
    numbers: dict[str, list[float]] = defaultdict(list)
    ranks: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    orphaned = 0
    for row in answers:
        question = known.get(row.question_id)
        if question is None:
            orphaned += 1
            continue
        respondents[row.question_id].add(row.response_id)
        if row.position is not None:
            ranks[row.question_id][row.choice_id].append(row.position)
        elif row.number is not None:
            numbers[row.question_id].append(row.number)
        elif row.choice_id:
            choice_counts[row.question_id][row.choice_id] += 1
            if row.choice_id == OTHER and row.has_text:
                other_texts[row.question_id] += 1
        elif row.has_text:
            texts[row.question_id] += 1

    summaries = []
    for question in questions:
        answered = len(respondents[question.id])
        summary = {"id": question.id, "kind": question.kind, "label": question.label, "respondents": answered}
        if question.kind == "ranking":
            summary["ranking"] = _ranking(question, ranks[question.id])
        elif question.kind in ("scale", "number"):
            summary.update(_numbers(question, numbers[question.id]))
        elif question.choices:
            counts = choice_counts[question.id]
            summary["choices"] = [
                {
                    "id": choice_id,
                    "label": label,
                    "count": counts[choice_id],
                    "percent": _percent(counts[choice_id], answered),
                    **_interval(counts[choice_id], answered),
                }
                for choice_id, label in question.choices
            ]
            summary["unknown_choices"] = sum(counts.values()) - sum(c["count"] for c in summary["choices"])
            summary["other_answers"] = other_texts[question.id]
            if question.kind in DEMOGRAPHIC_KINDS and hide_small_groups:
                _suppress_small_cells(summary["choices"])
        else:
            summary["answers"] = texts[question.id]
        summaries.append(summary)

    return {
        "participants": participants,
        "questions": summaries,
        "open_answers": sum(s.get("answers", 0) + s.get("other_answers", 0) for s in summaries),
        "orphaned_answers": orphaned,
    }


def _percent(count: int, total: int) -> float:
    return round(100 * count / total, 1) if total else 0.0


def wilson_interval(count: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a share, as fractions between 0 and 1.

    Wilson rather than the textbook "p ± z·√(p(1−p)/n)": that one gives [0, 0] for a share of 0 and
    bounds below 0 or above 1 with the small groups a consultation often has; Wilson's stays inside
    [0, 1] and keeps close to its nominal 95 % even for a few dozen answers.
    """
    if total <= 0:
        raise ValueError("an interval needs at least one answer")
    share = count / total
    spread = z * z / total
    centre = (share + spread / 2) / (1 + spread)
    half = z * math.sqrt(share * (1 - share) / total + spread / (4 * total)) / (1 + spread)
    # At 0 or at every answer the bound is exactly 0 or 1; computed, it would be off by a rounding error.
    low = 0.0 if count == 0 else max(0.0, centre - half)
    high = 1.0 if count == total else min(1.0, centre + half)
    return low, high


def _interval(count: int, total: int) -> dict:
    """`ci_low` and `ci_high` in percent, as `percent` is; None when nobody answered."""
    if not total:
        return {"ci_low": None, "ci_high": None}
    low, high = wilson_interval(count, total)
    return {"ci_low": round(100 * low, 1), "ci_high": round(100 * high, 1)}


def _ranking(question: QuestionSpec, ranks: dict[str, list[int]]) -> list[dict]:
    size = len(question.choices)
    rows = [
        {
            "id": choice_id,
            "label": label,
            "count": len(ranks.get(choice_id, [])),
            "mean_rank": round(fmean(ranks[choice_id]), 2) if ranks.get(choice_id) else None,
            "borda": sum(size - rank for rank in ranks.get(choice_id, [])),
            "first": sum(1 for rank in ranks.get(choice_id, []) if rank == 1),
        }
        for choice_id, label in question.choices
    ]
    return sorted(rows, key=lambda row: -row["borda"])


def _numbers(question: QuestionSpec, values: list[float]) -> dict:
    summary = {
        "n": len(values),
        "mean": round(fmean(values), 2) if values else None,
        "median": median(values) if values else None,
    }
    if question.kind == "scale" and question.min_value is not None and question.max_value is not None:
        counts = Counter(int(value) for value in values)
        summary["distribution"] = [
            {"value": value, "count": counts[value], "percent": _percent(counts[value], len(values))}
            for value in range(int(question.min_value), int(question.max_value) + 1)
        ]
    else:
        summary["min"] = min(values) if values else None
        summary["max"] = max(values) if values else None
    return summary


def _suppress_small_cells(choices: list[dict]) -> None:
    """Hide groups of 1 to 4 people. A single hidden group could be recomputed from the total minus
    the others, so then the next smallest group is hidden too (secondary suppression)."""
    small = [c for c in choices if 0 < c["count"] < SMALL_CELL]
    if len(small) == 1:
        others = sorted((c for c in choices if c["count"] >= SMALL_CELL), key=lambda c: c["count"])
        small += others[:1]
    for choice in small:
        choice.update(count=None, percent=None, ci_low=None, ci_high=None, suppressed=True)
