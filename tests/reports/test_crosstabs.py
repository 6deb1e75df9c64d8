"""Cross-tabs of closed questions by territory and age band: plain Python, tested with no database."""

import pytest

from reports.analysis.crosstabs import (
    EXPECTED_BELOW_5,
    POOLED,
    TOO_FEW_GROUPS,
    UNKNOWN,
    Grouping,
    crosstabulate,
    holm,
)
from reports.analysis.questionnaire import AnswerRow, QuestionSpec
from reports.schema import Report

YES_NO = QuestionSpec(id="q1", kind="yes_no", label="D'accord ?", choices=(("yes", "Oui"), ("no", "Non")))
DEPARTEMENTS = {"69": "Rhône", "42": "Loire", "01": "Ain"}


def people(groups: dict[str, tuple[int, int]], start: int = 0) -> tuple[list[AnswerRow], dict[int, str]]:
    """Answers and territories of people: per group, how many said yes and how many said no."""
    rows, where = [], {}
    response_id = start
    for group, (yes, no) in groups.items():
        for choice in ["yes"] * yes + ["no"] * no:
            response_id += 1
            rows.append(AnswerRow(response_id, "q1", choice, False))
            if group != UNKNOWN:
                where[response_id] = group
    return rows, where


def territory(where):
    return Grouping(id="territory", label="Département", groups=where, labels=DEPARTEMENTS)


def test_a_chi_square_by_territory_matches_the_hand_computed_one():
    # 10/20 against 20/10: every expected count is 15, so χ² = 4 × 5² / 15 = 6.667 with 1 degree of
    # freedom, p = 0.0098.
    rows, where = people({"69": (10, 20), "42": (20, 10)})
    [table] = crosstabulate([YES_NO], rows, [territory(where)])
    assert [row["label"] for row in table["rows"]] == ["Rhône", "Loire"]
    assert [[c["count"] for c in row["cells"]] for row in table["rows"]] == [[10, 20], [20, 10]]
    assert [[c["percent"] for c in row["cells"]] for row in table["rows"]] == [[33.3, 66.7], [66.7, 33.3]]
    test = table["test"]
    assert (test["statistic"], test["dof"], test["min_expected"]) == (6.667, 1, 15.0)
    assert test["p_value"] == pytest.approx(0.00982, abs=1e-5)
    assert test["p_adjusted"] == test["p_value"], "one test in the report: nothing to adjust"
    assert test["significant"]
    assert table["skipped"] is None


def test_the_test_is_skipped_with_its_reason_when_an_expected_count_is_under_5():
    rows, where = people({"69": (5, 0), "42": (1, 5)})
    [table] = crosstabulate([YES_NO], rows, [territory(where)])
    assert table["test"] is None
    assert table["skipped"] == EXPECTED_BELOW_5


def test_holm_adjusts_every_test_of_the_report_together():
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([]) == []
    assert holm([0.5, 0.9]) == [1.0, 1.0], "never above 1"
    # Two questions crossed with territory: each p-value is adjusted for the other test.
    other = QuestionSpec(id="q2", kind="single_choice", label="Jours", choices=(("a", "A"), ("b", "B")))
    rows, where = people({"69": (10, 20), "42": (20, 10)})
    rows += [AnswerRow(r.response_id, "q2", "a" if r.response_id % 2 else "b", False) for r in rows]
    first, second = crosstabulate([YES_NO, other], rows, [territory(where)])
    assert first["test"]["p_adjusted"] == pytest.approx(2 * first["test"]["p_value"])
    assert not second["test"]["significant"]


def test_groups_under_5_people_are_pooled_and_left_out_of_the_test():
    rows, where = people({"69": (10, 20), "42": (20, 10), "01": (2, 1), UNKNOWN: (3, 3)})
    [table] = crosstabulate([YES_NO], rows, [territory(where)])
    assert [row["key"] for row in table["rows"]] == ["69", "42", POOLED, UNKNOWN]
    assert "Ain" not in str(table), "a group of 3 people is not named"
    pooled = table["rows"][2]
    assert pooled["total"] is None
    assert all(c["suppressed"] for c in pooled["cells"])
    assert table["test"]["people"] == 60, "the pooled and unknown rows are not compared"
    assert table["groups_compared"] == 2


def test_no_hidden_cell_can_be_recomputed_from_a_total():
    rows, where = people({"69": (8, 2), "42": (5, 5), "01": (12, 9)})
    [table] = crosstabulate([YES_NO], rows, [territory(where)])
    hidden = [[c["suppressed"] for c in row["cells"]] for row in table["rows"]]
    assert hidden[0][1], "2 people: hidden"
    assert table["hidden"], "the page then explains what hidden means"
    for line in hidden + [list(column) for column in zip(*hidden, strict=True)]:
        assert sum(line) != 1, "a row total or a choice's total minus the others would reveal it"
    for row in table["rows"]:
        for cell in row["cells"]:
            assert cell["suppressed"] == (cell["count"] is None) == (cell["percent"] is None)


def test_a_grouping_with_one_group_only_says_why_there_is_no_comparison():
    rows, where = people({"69": (10, 20), UNKNOWN: (4, 4)})
    [table] = crosstabulate([YES_NO], rows, [territory(where)])
    assert (table["test"], table["skipped"]) == (None, TOO_FEW_GROUPS)
    [empty] = crosstabulate([YES_NO], [], [territory({})])
    assert (empty["rows"], empty["skipped"]) == ([], TOO_FEW_GROUPS)


def test_age_bands_group_the_other_questions_but_not_themselves():
    ages = QuestionSpec(
        id="age", kind="age_band", label="Âge", choices=(("18-24", "18-24"), ("65-plus", "65+"))
    )
    rows, _where = people({"x": (10, 20), "y": (20, 10)})
    bands = {r.response_id: "18-24" if r.response_id <= 30 else "65-plus" for r in rows}
    rows += [AnswerRow(r, "age", band, False) for r, band in bands.items()]
    grouping = Grouping(
        id="age_band:age", label="Âge", groups=bands, labels=dict(ages.choices), question_id="age"
    )
    [table] = crosstabulate([YES_NO, ages], rows, [grouping])
    assert table["question_id"] == "q1"
    assert [row["label"] for row in table["rows"]] == ["18-24", "65+"]
    assert table["test"]["statistic"] == 6.667


def test_multiple_choice_and_open_questions_are_not_crossed():
    multiple = QuestionSpec(id="m", kind="multiple_choice", label="M", choices=(("a", "A"), ("b", "B")))
    text = QuestionSpec(id="t", kind="open_text", label="T")
    assert crosstabulate([multiple, text], [], [territory({})]) == []


# Multiple choice: each choice crossed as "chose it or not" -------------------------------------------


def test_a_multiple_choice_question_is_crossed_choice_by_choice():
    from reports.analysis.crosstabs import collect, one_question_per_choice

    question = QuestionSpec(
        "m", "multiple_choice", "Équipements", (("screen", "Écran"), ("headset", "Casque"))
    )
    answers = []
    for response_id in range(1, 21):  # Rhône (1–10) picks screens, Loire (11–20) headsets
        picked = "screen" if response_id <= 10 else "headset"
        answers.append(AnswerRow(response_id, "m", picked, False))
    answers.append(AnswerRow(1, "m", "headset", False))  # and one person in the Rhône picks both
    collected = collect([question], answers)
    specs = one_question_per_choice([question], collected, chosen="Oui", not_chosen="Non")
    assert [spec.id for spec in specs] == ["m:screen", "m:headset"]
    assert specs[0].label == "Équipements — Écran"
    assert specs[0].choices == (("chosen", "Oui"), ("not_chosen", "Non"))

    departements = {n: "69" if n <= 10 else "42" for n in range(1, 21)}
    screen, headset = crosstabulate(specs, collected, [territory(departements)])
    assert [row["label"] for row in screen["rows"]] == ["Rhône", "Loire"]
    assert [[cell["count"] for cell in row["cells"]] for row in screen["rows"]] == [[10, 0], [0, 10]]
    assert [row["total"] for row in headset["rows"]] == [10, 10]
    assert headset["rows"][0]["cells"][0]["suppressed"], "the one person of the Rhône who chose both"
    assert screen["test"]["people"] == 20, "everyone who answered the question, chose the choice or not"
    assert screen["test"]["significant"]
    assert headset["skipped"] == EXPECTED_BELOW_5, "9 people not choosing it: 4.5 expected in the Loire"


def test_the_report_page_puts_each_choices_table_under_its_question():
    report = Report.from_data(
        {
            "questions": [{"id": "m", "kind": "multiple_choice", "label": "M", "choices": []}],
            "crosstabs": [
                {"question_id": question, "grouping": "territory"} for question in ("m:screen", "s", "mx")
            ],
        }
    )
    assert [table.question_id for table in report.crosstabs_of("m")] == ["m:screen"]
    assert [table.question_id for table in report.crosstabs_of("s")] == ["s"]


# Scales, numbers and rankings ------------------------------------------------------------------------

SCALE = QuestionSpec(id="s", kind="scale", label="Satisfait ?", min_value=1, max_value=5)


def test_a_scale_is_crossed_by_mean_and_median_with_a_kruskal_wallis_test():
    from scipy.stats import kruskal

    rhone = [4, 5, 5, 4, 5, 3, 5]
    loire = [1, 2, 2, 1, 3, 2]
    values = dict(enumerate(rhone + loire, start=1))
    where = {n: "69" if n <= len(rhone) else "42" for n in values}
    rows = [AnswerRow(n, "s", "", False, float(value)) for n, value in values.items()]
    [table] = crosstabulate([SCALE], rows, [territory(where)])
    assert table["kind"] == "numeric"
    rhone_row, loire_row = table["rows"]  # in the labels' order
    assert (loire_row["label"], loire_row["total"], loire_row["mean"], loire_row["median"]) == (
        "Loire",
        6,
        1.83,
        2.0,
    )
    assert (rhone_row["total"], rhone_row["mean"], rhone_row["median"]) == (7, 4.43, 5.0)
    expected = kruskal(rhone, loire)
    assert table["test"]["method"] == "kruskal_wallis"
    assert table["test"]["statistic"] == round(expected.statistic, 3)
    assert table["test"]["p_value"] == pytest.approx(expected.pvalue)
    assert (table["test"]["dof"], table["test"]["people"]) == (1, 13)
    assert table["test"]["significant"]


def test_a_small_group_of_values_is_hidden_with_the_row_that_would_give_it_away():
    # Ain: 2 people, pooled and hidden; their sum would be the overall sum minus the others', so the
    # smallest other row (Loire, 5 people) is hidden too.
    groups = {"69": [3] * 8, "42": [2, 3, 4, 2, 3], "01": [1, 5]}
    values, where, n = {}, {}, 0
    for code, group in groups.items():
        for value in group:
            n += 1
            values[n], where[n] = value, code
    rows = [AnswerRow(n, "s", "", False, float(value)) for n, value in values.items()]
    [table] = crosstabulate([SCALE], rows, [territory(where)])
    shown = {row["key"]: (row["total"], row["mean"], row["median"]) for row in table["rows"]}
    assert shown == {"69": (8, 3.0, 3.0), "42": (None, None, None), POOLED: (None, None, None)}
    assert table["hidden"]
    assert table["test"]["people"] == 13, "the test still compares the two groups of 5 or more"


def test_small_hidden_rows_are_never_fewer_than_5_people_together():
    # Ain (2 people, pooled) and one person with no département are hidden; 3 people together could
    # still be worked out from the overall figures, so the smallest group shown (Loire) goes too.
    groups = {"69": [3] * 8, "42": [2, 3, 4, 2, 3, 2], "01": [1, 300], UNKNOWN: [4]}
    values, where, n = {}, {}, 0
    for code, group in groups.items():
        for value in group:
            n += 1
            values[n] = value
            if code != UNKNOWN:
                where[n] = code
    rows = [AnswerRow(n, "s", "", False, float(value)) for n, value in values.items()]
    [table] = crosstabulate([SCALE], rows, [territory(where)])
    shown = {row["key"]: (row["total"], row["mean"], row["small"]) for row in table["rows"]}
    assert shown == {
        "69": (8, 3.0, False),
        "42": (None, None, False),
        POOLED: (None, None, True),
        UNKNOWN: (None, None, True),
    }


def test_identical_values_everywhere_skip_the_test_and_say_why():
    from reports.analysis.crosstabs import NO_VARIATION

    rows = [AnswerRow(n, "s", "", False, 3.0) for n in range(1, 11)]
    where = {n: "69" if n <= 5 else "42" for n in range(1, 11)}
    [table] = crosstabulate([SCALE], rows, [territory(where)])
    assert (table["test"], table["skipped"]) == (None, NO_VARIATION)


def test_a_ranking_is_crossed_by_the_choice_ranked_first():
    ranking = QuestionSpec(id="r", kind="ranking", label="Priorités", choices=(("a", "Bus"), ("b", "Vélo")))
    rows, where = [], {}
    for n in range(1, 21):  # Rhône (1–10) puts the bus first, Loire (11–20) the bike
        first, second = ("a", "b") if n <= 10 else ("b", "a")
        rows += [AnswerRow(n, "r", first, False, None, 1), AnswerRow(n, "r", second, False, None, 2)]
        where[n] = "69" if n <= 10 else "42"
    [table] = crosstabulate([ranking], rows, [territory(where)])
    assert table["kind"] == "first_choice"
    assert [[cell["count"] for cell in row["cells"]] for row in table["rows"]] == [[10, 0], [0, 10]]
    assert table["test"]["people"] == 20, "each person counted once, by their first choice"
