"""Summaries of questionnaire answers. Plain Python: no Django import, so it runs and is tested alone."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

# Demographic answers are personal: a group smaller than this is not shown (counted, but "< 5").
SMALL_CELL = 5
DEMOGRAPHIC_KINDS = {"age_band"}


@dataclass(frozen=True)
class QuestionSpec:
    id: str
    kind: str  # "single_choice", "age_band" (choices too) or "open_text"
    label: str
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class AnswerRow:
    response_id: int
    question_id: str
    choice_id: str  # "" for open text
    has_text: bool


def summarise(questions: Iterable[QuestionSpec], answers: Iterable[AnswerRow], *, participants: int) -> dict:
    """Count the answers of each question.

    Choice questions get each choice's count and its share of the people who answered that question
    (shares of those who answered, not of all participants; the count of respondents is given beside
    it). Open-text questions get the number of non-empty answers. Answers to questions no longer in
    the questionnaire are counted apart, never silently dropped.
    """
    questions = list(questions)
    known = {question.id for question in questions}
    choice_counts: dict[str, Counter] = {question.id: Counter() for question in questions}
    answered: Counter = Counter()
    orphaned = 0
    for row in answers:
        if row.question_id not in known:
            orphaned += 1
            continue
        answered[row.question_id] += 1
        if row.choice_id:
            choice_counts[row.question_id][row.choice_id] += 1

    summaries = []
    for question in questions:
        respondents = answered[question.id]
        summary = {
            "id": question.id,
            "kind": question.kind,
            "label": question.label,
            "respondents": respondents,
        }
        if question.choices:
            counts = choice_counts[question.id]
            summary["choices"] = [
                {
                    "id": choice_id,
                    "label": label,
                    "count": counts[choice_id],
                    "percent": round(100 * counts[choice_id] / respondents, 1) if respondents else 0.0,
                }
                for choice_id, label in question.choices
            ]
            summary["unknown_choices"] = sum(counts.values()) - sum(c["count"] for c in summary["choices"])
            if question.kind in DEMOGRAPHIC_KINDS:
                _suppress_small_cells(summary["choices"])
        else:
            summary["answers"] = respondents
        summaries.append(summary)

    return {
        "participants": participants,
        "questions": summaries,
        "open_answers": sum(s["respondents"] for s in summaries if s["kind"] == "open_text"),
        "orphaned_answers": orphaned,
    }


def _suppress_small_cells(choices: list[dict]) -> None:
    """Hide groups of 1 to 4 people. A single hidden group could be recomputed from the total minus
    the others, so then the next smallest group is hidden too (secondary suppression)."""
    small = [c for c in choices if 0 < c["count"] < SMALL_CELL]
    if len(small) == 1:
        others = sorted((c for c in choices if c["count"] >= SMALL_CELL), key=lambda c: c["count"])
        small += others[:1]
    for choice in small:
        choice.update(count=None, percent=None, suppressed=True)
