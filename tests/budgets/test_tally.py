"""The count, alone (plain Python over arrays): approval and basket by votes, majority judgment with its
tie-breaks, greedy winners within the budget."""

import numpy as np

from budgets.tally import majority_grade, tally


def approval(ballots, costs, budget, method="approval"):
    rows = [project for ballot in ballots for project in ballot]
    return tally(
        method=method,
        project_ids=np.arange(1, len(costs) + 1),
        costs=np.array(costs, dtype=float),
        ballots=len(ballots),
        choice_projects=np.array(rows, dtype=np.int64) - 1,
        budget=budget,
    )


def test_approval_ranks_by_votes_and_takes_winners_greedily_within_the_budget():
    # The example of the Pabulib format page: 1 has 3 votes, 2 has 2, 3 has 1; budget 100,000.
    result = approval([[1, 2], [1], [1, 2], [3]], [60000, 30000, 50000], 100000)
    assert [(p.id, p.votes, p.selected) for p in result.projects] == [
        (1, 3, True),
        (2, 2, True),
        (3, 1, False),
    ]
    assert result.spent == 90000
    assert result.projects[0].share == 0.75


def test_a_project_too_expensive_for_what_is_left_is_skipped_and_the_next_still_considered():
    result = approval([[1, 2, 3], [1, 2], [1]], [70000, 40000, 20000], 100000)
    assert [(p.id, p.selected) for p in result.projects] == [(1, True), (2, False), (3, True)]


def test_equal_votes_put_the_cheaper_project_first_and_say_it_is_a_tie():
    result = approval([[1, 2], [1, 2], [3]], [500, 300, 100], None)
    assert [p.id for p in result.projects] == [2, 1, 3]
    assert not any(p.tied for p in result.projects), "the cost decided"
    assert not any(p.selected for p in result.projects), "without a budget, the ranking is the result"
    same = approval([[1, 2], [3]], [100, 100, 50], None)
    assert [(p.id, p.tied) for p in same.projects] == [(3, False), (1, True), (2, True)]


def mj(grades_per_ballot, budget=None, costs=None):
    """`grades_per_ballot`: one list of grades per ballot, a grade per project (None: ungraded)."""
    projects, grades = [], []
    for ballot in grades_per_ballot:
        for index, grade in enumerate(ballot):
            if grade is not None:
                projects.append(index)
                grades.append(grade)
    count = len(grades_per_ballot[0])
    return tally(
        method="majority_judgment",
        project_ids=np.arange(1, count + 1),
        costs=np.array(costs or [1.0] * count),
        ballots=len(grades_per_ballot),
        choice_projects=np.array(projects, dtype=np.int64),
        choice_grades=np.array(grades, dtype=np.int64),
        budget=budget,
    )


def test_majority_grade_is_the_lower_median():
    assert majority_grade(np.array([0, 0, 1, 0, 1, 0, 0])) == 2  # grades 2 and 4: the lower one
    assert majority_grade(np.array([0, 0, 1, 1, 1, 0, 0])) == 3


def test_majority_judgment_ranks_by_majority_grade():
    result = mj([[6, 2, 4], [5, 3, 4], [1, 3, 4]])
    # Majority grades: project 1 → 5, project 2 → 3, project 3 → 4.
    assert [(p.id, p.majority_grade) for p in result.projects] == [(1, 5), (3, 4), (2, 3)]
    assert result.projects[0].grades == [0, 1, 0, 0, 0, 1, 1]


def test_equal_majority_grades_are_broken_by_the_majority_gauge_then_the_majority_value():
    result = mj([[5, 5, 4], [4, 3, 4], [3, 3, 3], [3, 2, 3], [1, 1, 3]])
    # All three have the majority grade 3. Project 1: 40 % above, 20 % below; project 2: 20 % above,
    # 40 % below (more below than above: last); project 3: 40 % above, 0 % below. Projects 1 and 3 have
    # the same gauge (p = 40 % > q); their majority values part at the third grade: 1 against 3.
    assert [p.majority_grade for p in result.projects] == [3, 3, 3]
    assert [p.id for p in result.projects] == [3, 1, 2]
    assert (result.projects[2].above, result.projects[2].below) == (0.2, 0.4)
    assert not any(p.tied for p in result.projects)


def test_the_majority_value_breaks_what_the_gauge_leaves_equal():
    # Same majority grade (3), same p and q (p = 1/3 above, q = 0 below), different grades above.
    result = mj([[3, 3], [3, 3], [6, 4]])
    assert [p.id for p in result.projects] == [1, 2]
    assert not result.projects[0].tied


def test_identical_grades_are_a_tie_in_project_order():
    result = mj([[4, 4], [2, 2], [5, 5]])
    assert [p.id for p in result.projects] == [1, 2]
    assert all(p.tied for p in result.projects)


def test_an_ungraded_project_counts_as_to_reject():
    result = mj([[4, None], [4, 5], [4, None]])
    assert result.projects[1].grades[0] == 2
    assert result.projects[1].majority_grade == 0


def test_majority_judgment_winners_fit_the_budget():
    result = mj([[6, 5, 4], [6, 5, 4]], budget=100, costs=[80, 30, 20])
    assert [(p.id, p.selected) for p in result.projects] == [(1, True), (2, False), (3, True)]


def test_majority_judgment_without_any_ballot_has_no_majority_grade_and_no_winner():
    result = tally(
        method="majority_judgment",
        project_ids=[1, 2],
        costs=[10, 20],
        ballots=0,
        choice_projects=[],
        choice_grades=[],
        budget=100,
    )
    assert [(p.id, p.majority_grade, p.selected) for p in result.projects] == [
        (1, None, False),
        (2, None, False),
    ]
    assert result.spent == 0


def test_costs_adding_up_exactly_to_the_budget_all_win_counted_in_cents():
    costs = [612.98, 9049816.64, 643935.08, 547.57]
    # Ranked in this order (4, 3, 2 and 1 votes): as floats, the last one no longer "fits".
    result = approval([[1, 2, 3, 4], [1, 2, 3], [1, 2], [1]], costs, 9694912.27)
    assert [p.id for p in result.projects] == [1, 2, 3, 4]
    assert all(p.selected for p in result.projects)
    assert result.spent == 9694912.27
