"""The questionnaire summary is plain Python: tested here with no database."""

import pytest

from reports.analysis.questionnaire import AnswerRow, QuestionSpec, summarise

CHOICE = QuestionSpec(id="q1", kind="single_choice", label="Jours", choices=(("a", "Aucun"), ("b", "Un")))
TEXT = QuestionSpec(id="q2", kind="open_text", label="Idées")


def test_counts_choices_as_shares_of_those_who_answered():
    rows = [
        AnswerRow(1, "q1", "a", False),
        AnswerRow(2, "q1", "b", False),
        AnswerRow(3, "q1", "b", False),
        AnswerRow(1, "q2", "", True),
    ]
    report = summarise([CHOICE, TEXT], rows, participants=4)
    choice, text = report["questions"]
    assert report["participants"] == 4
    assert choice["respondents"] == 3
    assert [(c["label"], c["count"], c["percent"]) for c in choice["choices"]] == [
        ("Aucun", 1, 33.3),
        ("Un", 2, 66.7),
    ]
    assert text["answers"] == 1
    assert report["open_answers"] == 1


def test_no_answers_gives_zeros_not_errors():
    report = summarise([CHOICE, TEXT], [], participants=0)
    assert [c["percent"] for c in report["questions"][0]["choices"]] == [0.0, 0.0]
    assert report["open_answers"] == 0


def test_answers_to_removed_questions_or_choices_are_counted_apart():
    rows = [AnswerRow(1, "gone", "x", False), AnswerRow(1, "q1", "removed-choice", False)]
    report = summarise([CHOICE], rows, participants=1)
    assert report["orphaned_answers"] == 1
    assert report["questions"][0]["unknown_choices"] == 1


def test_small_groups_of_a_demographic_question_are_not_shown():
    ages = QuestionSpec(
        id="q3", kind="age_band", label="Âge", choices=(("18-24", "18-24"), ("25-34", "25-34"))
    )
    rows = [AnswerRow(i, "q3", "18-24", False) for i in range(6)] + [AnswerRow(9, "q3", "25-34", False)]
    [summary] = summarise([ages], rows, participants=7)["questions"]
    young, older = summary["choices"]
    assert (older["count"], older["percent"], older["suppressed"]) == (None, None, True)
    assert young["suppressed"], "with two groups, showing one would reveal the other"


def test_a_single_small_group_cannot_be_recomputed_from_the_total():
    ages = QuestionSpec(id="q3", kind="age_band", label="Âge", choices=(("a", "a"), ("b", "b"), ("c", "c")))
    rows = [AnswerRow(i, "q3", "b", False) for i in range(19)]
    rows += [AnswerRow(100, "q3", "c", False)] + [AnswerRow(200 + i, "q3", "a", False) for i in range(7)]
    [summary] = summarise([ages], rows, participants=27)["questions"]
    shown = {c["label"]: c["count"] for c in summary["choices"]}
    assert shown == {"a": None, "b": 19, "c": None}, "the next smallest group is hidden with it"


def test_multiple_choice_shares_are_of_respondents_and_other_texts_count_as_open_answers():
    spec = QuestionSpec(
        id="m",
        kind="multiple_choice",
        label="Équipements",
        choices=(("a", "Écran"), ("b", "Casque"), ("other", "Autre")),
    )
    rows = [
        AnswerRow(1, "m", "a", False),
        AnswerRow(1, "m", "b", False),
        AnswerRow(2, "m", "a", False),
        AnswerRow(2, "m", "other", True),
    ]
    report = summarise([spec], rows, participants=3)
    [summary] = report["questions"]
    assert summary["respondents"] == 2
    assert [(c["id"], c["count"], c["percent"]) for c in summary["choices"]] == [
        ("a", 2, 100.0),
        ("b", 1, 50.0),
        ("other", 1, 50.0),
    ]
    assert summary["other_answers"] == 1
    assert report["open_answers"] == 1


def test_ranking_gives_mean_rank_borda_and_firsts_best_first():
    spec = QuestionSpec(
        id="r", kind="ranking", label="Priorités", choices=(("x", "X"), ("y", "Y"), ("z", "Z"))
    )
    orders = {1: ["y", "x", "z"], 2: ["y", "z", "x"], 3: ["x", "y", "z"]}
    rows = [
        AnswerRow(response, "r", choice, False, position=rank)
        for response, order in orders.items()
        for rank, choice in enumerate(order, start=1)
    ]
    [summary] = summarise([spec], rows, participants=3)["questions"]
    assert summary["respondents"] == 3
    assert [(c["id"], c["borda"], c["mean_rank"], c["first"]) for c in summary["ranking"]] == [
        ("y", 5, 1.33, 2),
        ("x", 3, 2.0, 1),
        ("z", 1, 2.67, 0),
    ]


def test_a_scale_gives_n_mean_median_and_every_value_of_its_distribution():
    spec = QuestionSpec(id="s", kind="scale", label="Satisfaction", min_value=0, max_value=3)
    rows = [AnswerRow(i, "s", "", False, number=value) for i, value in enumerate([0, 2, 2, 3])]
    [summary] = summarise([spec], rows, participants=4)["questions"]
    assert (summary["n"], summary["mean"], summary["median"]) == (4, 1.75, 2.0)
    assert [(c["value"], c["count"], c["percent"]) for c in summary["distribution"]] == [
        (0, 1, 25.0),
        (1, 0, 0.0),
        (2, 2, 50.0),
        (3, 1, 25.0),
    ]


def test_a_number_gives_n_mean_median_and_range_and_nothing_breaks_without_answers():
    spec = QuestionSpec(id="n", kind="number", label="Kilomètres")
    rows = [AnswerRow(i, "n", "", False, number=value) for i, value in enumerate([2.5, 10, 40])]
    [summary] = summarise([spec], rows, participants=3)["questions"]
    assert (summary["n"], summary["mean"], summary["median"], summary["min"], summary["max"]) == (
        3,
        17.5,
        10,
        2.5,
        40,
    )
    [empty] = summarise([spec], [], participants=0)["questions"]
    assert (empty["n"], empty["mean"], empty["median"]) == (0, None, None)


def test_shares_come_with_a_95_percent_wilson_interval():
    rows = [AnswerRow(i, "q1", "a", False) for i in range(8)] + [AnswerRow(8, "q1", "b", False)]
    rows += [AnswerRow(9, "q1", "b", False)]
    [choice] = summarise([CHOICE], rows, participants=10)["questions"]
    aucun, un = choice["choices"]
    # 8 out of 10: the Wilson interval is [0.4902, 0.9433] (Wilson 1927; e.g. statsmodels'
    # proportion_confint(8, 10, method="wilson")).
    assert (aucun["percent"], aucun["ci_low"], aucun["ci_high"]) == (80.0, 49.0, 94.3)
    assert (un["ci_low"], un["ci_high"]) == (5.7, 51.0), "the other share's interval mirrors it"


def test_wilson_interval_stays_inside_0_and_1_and_matches_scipy():
    from scipy.stats import binomtest

    from reports.analysis.questionnaire import wilson_interval

    low, high = wilson_interval(0, 3)
    assert low == 0.0
    assert high > 0.4, "0 out of 3 is not certainty that nobody would choose it"
    assert wilson_interval(3, 3)[1] == 1.0
    for count, total in [(1, 7), (13, 40), (250, 1000)]:
        reference = binomtest(count, total).proportion_ci(confidence_level=0.95, method="wilson")
        assert wilson_interval(count, total) == pytest.approx((reference.low, reference.high), abs=1e-9)


def test_nobody_answered_gives_no_interval_and_hidden_groups_hide_theirs():
    [choice] = summarise([CHOICE], [], participants=0)["questions"]
    assert {(c["ci_low"], c["ci_high"]) for c in choice["choices"]} == {(None, None)}
    ages = QuestionSpec(id="q3", kind="age_band", label="Âge", choices=(("a", "a"), ("b", "b"), ("c", "c")))
    rows = [AnswerRow(i, "q3", "a", False) for i in range(9)] + [AnswerRow(10, "q3", "b", False)]
    rows += [AnswerRow(20 + i, "q3", "c", False) for i in range(12)]
    [summary] = summarise([ages], rows, participants=22)["questions"]
    assert [c["ci_low"] is None for c in summary["choices"]] == [True, True, False]
