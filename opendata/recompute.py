"""Recompute the published figures of a dataset from its open-data files alone, and compare them with its
`results.csv`. Plain Python (no Django, no database): what `manage.py opendata_recompute` runs, and what
anyone can run on a downloaded dataset.

The questionnaire figures come from `feedback.analysis.questionnaire.summarise`, and the budget results
from `budgets.tally` (reading `ballots.pb`): the very functions the site counts with. Figures quoted from
a report version are recomputed from the rows it counted (`in_report` is not 0). A figure the files
cannot give (`GIVEN`: the votes on statements not published) is printed, never counted as checked.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from budgets.tally import pabulib_inputs, tally
from opendata import figures
from reports.analysis.questionnaire import AnswerRow, QuestionSpec, summarise


class DatasetError(Exception):
    """The folder or ZIP is not an open-data dataset of ours (a file is missing or unreadable)."""


# Figures of results.csv that the files cannot give, only use (see the dataset's README, "Results").
GIVEN = {("consultation", "votes_unpublished")}


@dataclass(frozen=True)
class Check:
    subject_type: str
    subject_id: str
    measure: str
    published: str | None  # None: recomputed, but not in results.csv
    recomputed: str | None  # None: published, but not recomputable from the files
    # Why a published figure cannot be recomputed from the files by design (not a difference): a
    # personal question's answers are not published row by row.
    not_recomputable: str = ""

    @property
    def given(self) -> bool:
        return (self.subject_type, self.measure) in GIVEN and self.published is not None

    @property
    def ok(self) -> bool:
        """No difference: recomputed to the same value, given as is, or not recomputable by design."""
        return self.given or bool(self.not_recomputable) or self.published == self.recomputed

    @property
    def label(self) -> str:
        return f"{self.subject_type}/{self.subject_id}/{self.measure}"


def read_files(path: str | Path) -> dict[str, bytes]:
    """The dataset's files by name, from a ZIP (one folder inside, or none) or a folder."""
    path = Path(path)
    if path.is_dir():
        return {child.name: child.read_bytes() for child in path.iterdir() if child.is_file()}
    if not path.is_file():
        raise DatasetError(f"{path}: no such file or folder")
    try:
        with zipfile.ZipFile(path) as archive:
            return {
                name.rsplit("/", 1)[-1]: archive.read(name)
                for name in archive.namelist()
                if not name.endswith("/")
            }
    except zipfile.BadZipFile as error:
        raise DatasetError(f"{path}: not a ZIP file ({error})") from error


def _csv(files: dict[str, bytes], name: str) -> list[dict]:
    if name not in files:
        raise DatasetError(f"{name} is missing")
    return list(csv.DictReader(io.StringIO(files[name].decode("utf-8"))))


def recomputed_figures(files: dict[str, bytes]) -> list[figures.Figure]:
    rows: list[figures.Figure] = []
    if "questions.csv" in files:
        rows += _questionnaire(files)
        rows += _statements(files)
    if "ballots.pb" in files:
        rows += _budget(files)
    return rows


def _number(text: str) -> float | None:
    return float(text) if text != "" else None


def _questionnaire(files) -> list[figures.Figure]:
    questions = [q for q in _csv(files, "questions.csv") if q["answers_published"] == "1"]
    specs = [
        QuestionSpec(
            id=q["question_id"],
            kind=q["kind"],
            label=q["label"],
            choices=tuple((c["id"], c["label"]) for c in json.loads(q["choices"] or "[]")),
            min_value=_number(q["min_value"]),
            max_value=_number(q["max_value"]),
        )
        for q in questions
    ]
    # Those the published report version counted (all of them when there is none: `in_report` empty).
    respondents = {
        row["respondent_id"] for row in _csv(files, "responses.csv") if row.get("in_report", "") != "0"
    }
    codes = {respondent: index for index, respondent in enumerate(sorted(respondents))}
    answers = (
        AnswerRow(
            response_id=codes[a["respondent_id"]],
            question_id=a["question_id"],
            choice_id=a["choice_id"],
            has_text=a["text_given"] == "1",
            number=_number(a["number"]),
            position=int(a["position"]) if a["position"] else None,
        )
        for a in _csv(files, "answers.csv")
        if a["respondent_id"] in codes
    )
    consultation_id = next(
        (r["subject_id"] for r in _csv(files, "results.csv") if r["subject_type"] == "consultation"), ""
    )
    summary = summarise(specs, answers, participants=len(respondents))
    return figures.questionnaire_figures(consultation_id, summary)


def _statements(files) -> list[figures.Figure]:
    counts: dict[int, Counter] = {int(s["id"]): Counter() for s in _csv(files, "statements.csv")}
    votes = _csv(files, "statement_votes.csv")
    for vote in votes:
        counts.setdefault(int(vote["statement_id"]), Counter())[int(vote["value"])] += 1
    rows = figures.statement_figures({pk: (c[1], c[-1], c[0]) for pk, c in counts.items()})
    published = {(r["subject_type"], r["measure"]): r for r in _csv(files, "results.csv")}
    unpublished = published.get(("consultation", "votes_unpublished"))
    if unpublished is not None:  # the votes the report version read: published ones it counted + given
        counted = sum(1 for vote in votes if vote.get("in_report") == "1")
        total = counted + int(unpublished["value"] or 0)
        rows.append(("consultation", unpublished["subject_id"], "votes", figures.fmt(total)))
    return rows


def _budget(files) -> list[figures.Figure]:
    lines = files["ballots.pb"].decode("utf-8").splitlines()
    vote_id = next(
        (r["subject_id"] for r in _csv(files, "results.csv") if r["subject_type"] == "budget_vote"), ""
    )
    return figures.budget_figures(vote_id, tally(**pabulib_inputs(lines)))


def compare(files: dict[str, bytes]) -> list[Check]:
    """Every figure of results.csv against its recomputed value, and every recomputed figure missing
    from results.csv; in the order of results.csv."""
    published = {
        (r["subject_type"], r["subject_id"], r["measure"]): r["value"] for r in _csv(files, "results.csv")
    }
    recomputed = {(t, i, m): v for t, i, m, v in recomputed_figures(files)}
    keys = list(published) + [key for key in recomputed if key not in published]
    personal = _personal_questions(files)
    return [
        Check(
            *key,
            published.get(key),
            recomputed.get(key),
            PERSONAL if key[0] == "question" and key[1] in personal and key not in recomputed else "",
        )
        for key in keys
    ]


PERSONAL = (
    "personal question: its answers are not published row by row, only its totals (small groups hidden)"
)


def _personal_questions(files) -> set[str]:
    if "questions.csv" not in files:
        return set()
    return {q["question_id"] for q in _csv(files, "questions.csv") if q["answers_published"] != "1"}
