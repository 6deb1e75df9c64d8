"""Small-cell protection of the figures of a personal question (an age band, or a question the
organiser marked personal) before they are published in results.csv. Plain Python, no Django.

A personal question's answers never leave the database row by row; its totals are published with every
group of 1 to `threshold - 1` people hidden (primary suppression). Hiding one group is not enough: the
question's total minus the groups shown would give it back. So, as statistical offices do, more groups
are hidden, smallest first, until the hidden groups add up to at least `threshold` people (secondary
suppression); only when no group is left to hide is the total hidden instead, and then every group,
zeros included: a reader would otherwise learn that all who answered gave the same answer. Otherwise
zeros stay: they are nobody. A hidden value is None (an empty cell in results.csv), and so are the
figures that would let it be worked out again (its share, a scale's mean, a ranking's mean rank…).
"""

from __future__ import annotations


def protect(summary: dict, *, threshold: int) -> None:
    """Hide, in place, the small groups of one question's summary (an item of `summarise()["questions"]`
    computed with `hide_small_groups=False`) and whatever would let them be recomputed."""
    if "ranking" in summary:
        _ranking(summary, threshold)
    elif "choices" in summary:
        _choices(summary, threshold)
    elif "distribution" in summary:
        _scale(summary, threshold)
    elif "n" in summary:
        _number(summary, threshold)
    # A text question publishes only how many people wrote something: nothing to hide.


def hide_groups(cells: list[dict], key: str, threshold: int) -> tuple[list[dict], bool]:
    """The cells to hide among `cells` (their `key` is a number of people), and whether their total
    must be hidden too: the hidden cells add up to fewer than `threshold` people with nothing left to
    hide, so the total minus the cells shown would give that small group away."""
    hidden = [cell for cell in cells if 0 < cell[key] < threshold]
    if not hidden:
        return [], False
    shown = sorted((cell for cell in cells if cell[key] >= threshold), key=lambda cell: cell[key])
    while sum(cell[key] for cell in hidden) < threshold and shown:
        hidden.append(shown.pop(0))
    return hidden, sum(cell[key] for cell in hidden) < threshold


def _choices(summary: dict, threshold: int) -> None:
    hidden, total = hide_groups(summary["choices"], "count", threshold)
    if total:
        hidden = summary["choices"]
    for choice in hidden:
        choice.update(count=None, percent=None, ci_low=None, ci_high=None, suppressed=True)
    if total:
        summary["respondents"] = None
    other = summary.get("other_answers") or 0
    # The texts written for "Other" are a group of people too, and bound the "Other" choice's count.
    if 0 < other < threshold or any(choice["id"] == "other" for choice in hidden):
        summary["other_answers"] = None


def _scale(summary: dict, threshold: int) -> None:
    hidden, total = hide_groups(summary["distribution"], "count", threshold)
    if total:
        hidden = summary["distribution"]
    for point in hidden:
        point.update(count=None, percent=None)
    if hidden:  # the mean and the median of a distribution with known cells give the hidden ones back
        summary.update(mean=None, median=None)
    if total:
        summary.update(respondents=None, n=None)


def _number(summary: dict, threshold: int) -> None:
    # The lowest and the highest value are each one person's own answer.
    summary.update(min=None, max=None)
    if (summary["n"] or 0) < threshold:
        summary.update(mean=None, median=None)


def _ranking(summary: dict, threshold: int) -> None:
    choices = summary["ranking"]
    if (summary["respondents"] or 0) < threshold:
        hidden = choices
    else:
        # How often each choice came first adds up to the respondents, like the groups of a choice.
        hidden, _total = hide_groups(choices, "first", threshold)
    for choice in hidden:  # with two choices, the mean rank gives the number of firsts back
        choice.update(first=None, mean_rank=None, borda=None, suppressed=True)
