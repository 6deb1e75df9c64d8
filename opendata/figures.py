"""The published figures as rows of (subject_type, subject_id, measure, value), from the summaries the
site computes. Plain Python: the export and `opendata_recompute` flatten their summaries the same way,
so a figure computed twice is compared as the same text."""

from __future__ import annotations

Figure = tuple[str, str, str, str]


def fmt(value) -> str:
    """A figure as text: integers as written, decimals to at most 6 places, None empty, booleans 1/0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)


def questionnaire_figures(consultation_id, summary: dict) -> list[Figure]:
    """Figures of `feedback.analysis.questionnaire.summarise`'s result."""
    rows = [
        ("consultation", str(consultation_id), "participants", fmt(summary["participants"])),
        ("consultation", str(consultation_id), "open_answers", fmt(summary.get("open_answers", 0))),
    ]
    for question in summary["questions"]:
        qid = question["id"]

        def add(measure, value, qid=qid):
            rows.append(("question", qid, measure, fmt(value)))

        add("respondents", question["respondents"])
        if "ranking" in question:
            for choice in question["ranking"]:
                for measure in ("count", "mean_rank", "borda", "first"):
                    add(f"choice:{choice['id']}:{measure}", choice[measure])
        elif "choices" in question:
            for choice in question["choices"]:
                add(f"choice:{choice['id']}:count", choice["count"])
                add(f"choice:{choice['id']}:percent", choice["percent"])
            add("other_answers", question["other_answers"])
        elif "n" in question:
            for measure in ("n", "mean", "median", "min", "max"):
                if measure in question:
                    add(measure, question[measure])
            for point in question.get("distribution", []):
                add(f"value:{fmt(point['value'])}:count", point["count"])
        else:
            add("text_answers", question["answers"])
    return rows


def statement_figures(counts: dict[int, tuple[int, int, int]]) -> list[Figure]:
    """Per statement: agree, disagree and pass counts, the number of votes and each share of them."""
    rows = []
    for statement_id, (agree, disagree, passed) in sorted(counts.items()):
        total = agree + disagree + passed
        for measure, value in (
            ("agree", agree),
            ("disagree", disagree),
            ("pass", passed),
            ("votes", total),
            ("agree_share", round(agree / total, 4) if total else None),
            ("disagree_share", round(disagree / total, 4) if total else None),
            ("pass_share", round(passed / total, 4) if total else None),
        ):
            rows.append(("statement", str(statement_id), measure, fmt(value)))
    return rows


def budget_figures(vote_id, result) -> list[Figure]:
    """Figures of a `budgets.tally.Tally`: ballots, budget, spent, and per project its count and place."""
    rows = [
        ("budget_vote", str(vote_id), "ballots", fmt(result.ballots)),
        ("budget_vote", str(vote_id), "spent", fmt(float(result.spent))),
    ]
    for project in sorted(result.projects, key=lambda p: p.id):
        for measure, value in (
            ("votes", project.votes),
            ("share", round(project.share, 6)),
            ("rank", project.rank),
            ("selected", project.selected),
            ("majority_grade", project.majority_grade),
        ):
            rows.append(("budget_project", str(project.id), measure, fmt(value)))
    return rows
