"""The opinion map and each group's votes per statement: what the compile stores of them, and how a page
draws them from what was stored.

At compile time (`map_of`, `statement_votes_of`, called by `statements.statements_section`) the engine's
projection becomes anonymous marks — the positions themselves under `POINTS_LIMIT` people, else a
square grid of `GRID` cells a side with a count per group and cell — so that the stored map, and the
SVG drawn from it, stay small however many people voted (33,000 and more at the scale of the Grand
Débat: well under 300 KB). Each group gets its outline (the convex hull of its people's positions,
computed on every position, not on the marks) and where its name goes.

At display time (`map_drawing`, `statement_rows`) nothing is computed again from the votes: the stored
version is laid out on the page (a pinned version draws the same map for ever).
"""

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from django.core.paginator import Paginator
from scipy.spatial import ConvexHull, QhullError

from reports.analysis.opinion_groups import OpinionReport, VoteMatrix, group_counts
from reports.schema import MapGroup, OpinionMap, Statements, StatementVotes, VoteCounts

# Under this many people in groups, each one's position is stored (rounded, people at the same place
# counted together); from it on, the map is binned on a grid of GRID × GRID squares.
POINTS_LIMIT = 400
GRID = 24
DECIMALS = 2  # of the stored positions: the map's units are those of the projection (§4), about ±3

# The drawing: an SVG of WIDTH × HEIGHT user units, the plot inside the margins.
WIDTH, HEIGHT = 640, 440
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 34, 16, 30, 40
MARK_RADIUS = 4.0  # a mark of one person (points), or the largest square's mark (grid: at most half a side)
MIN_MARK_RADIUS = 1.6
# Half the width of a group's name ("Groupe 12 (14 283 personnes)") in user units at its phone size.
LABEL_HALF = 150

# Groups told apart by colour and by shape, so that a greyscale print still separates them (Okabe and
# Ito's colours, which colour-blind readers tell apart too), and by the dashes of their outline.
SHAPES = ("circle", "square", "triangle", "diamond", "triangle-down")
COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#8a6d00")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2")

STATEMENTS_PER_PAGE = 20
SORTS = ("consensus", "division")

# The votes as 0/1 matrices (agree, disagree, seen: people × statements) and each group's counts of
# them (k × statements), as `analysis.opinion_groups.group_counts` makes them.
Indicators = tuple[sp.csr_matrix, sp.csr_matrix, sp.csr_matrix]
GroupCounts = tuple[np.ndarray, np.ndarray, np.ndarray]


# Compile --------------------------------------------------------------------------------------------


def map_of(report: OpinionReport) -> OpinionMap:
    """What the page needs to draw the map of `report`'s groups; empty when there are no groups."""
    if report.projection is None or report.labels is None or not report.k:
        return OpinionMap()
    placed = report.labels >= 0
    points = np.round(report.projection[placed], DECIMALS)
    labels = report.labels[placed]
    low, high = points.min(axis=0), points.max(axis=0)
    binned = len(points) >= POINTS_LIMIT
    cell = None
    if binned:
        cell = float(max(high - low)) / GRID or 1.0
        squares = np.minimum(((points - low) / cell).astype(np.int64), GRID - 1)
        keys = (squares[:, 0] * GRID + squares[:, 1]) * report.k + labels
    else:
        # People at the same rounded position, in the same group, make one mark.
        keys = np.unique(np.column_stack([points, labels]), axis=0, return_inverse=True)[1].reshape(-1)
    distinct, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    sums = np.column_stack(
        [np.bincount(inverse, weights=points[:, d], minlength=len(distinct)) for d in (0, 1)]
    )
    group_of = np.zeros(len(distinct), dtype=np.int64)
    group_of[inverse] = labels
    centres = np.round(sums / counts[:, None], DECIMALS)
    marks = [
        [float(x), float(y), int(g) + 1, int(n)]
        for (x, y), g, n in zip(centres.tolist(), group_of.tolist(), counts.tolist(), strict=True)
    ]
    return OpinionMap(
        x_range=[float(low[0]), float(high[0])],
        y_range=[float(low[1]), float(high[1])],
        binned=binned,
        cell=None if cell is None else round(cell, 4),
        marks=marks,
        groups=[_map_group(points[labels == g], g + 1) for g in range(report.k)],
    )


def _map_group(points: np.ndarray, group_id: int) -> MapGroup:
    centre = points.mean(axis=0)
    outline = _hull(points)
    top = max(y for _x, y in outline)
    return MapGroup(
        id=group_id,
        size=len(points),
        centre=[round(float(c), DECIMALS) for c in centre],
        outline=outline,
        # Above the outline, over the group's centre: the drawing moves it inside the frame if need be.
        label=[round(float(centre[0]), DECIMALS), top],
    )


def _hull(points: np.ndarray) -> list[list[float]]:
    """The convex hull of the points, in order; the extreme points when they are fewer than three or
    on one line (QHull refuses them)."""
    distinct = np.unique(points, axis=0)
    if len(distinct) >= 3:
        try:
            hull = ConvexHull(distinct)
        except QhullError:
            pass
        else:
            return [[float(x), float(y)] for x, y in distinct[hull.vertices].tolist()]
    order = np.lexsort((distinct[:, 1], distinct[:, 0]))
    ends = distinct[order[[0, -1]]] if len(distinct) > 1 else distinct
    return [[float(x), float(y)] for x, y in ends.tolist()]


def statement_votes_of(
    report: OpinionReport,
    votes: VoteMatrix,
    texts: dict[int, str],
    *,
    indicators: Indicators | None = None,
    groups: GroupCounts | None = None,
) -> list[StatementVotes]:
    """Everyone's and each group's agrees, disagrees and passes on every statement not hidden.

    The compile passes the `indicators` of the votes and the `groups`' counts it has already made for
    the consensus and the divisive statements (`statements.statements_section`), so that neither is
    made twice; they are made here when not given."""
    if indicators is None:
        indicators = vote_indicators(votes)
    if groups is None and report.k:
        groups = group_counts(report.labels, report.k, *indicators)
    everyone = [np.asarray(matrix.sum(axis=0)).ravel() for matrix in indicators]
    rows = []
    for j, statement_id in enumerate(votes.statement_ids.tolist()):
        if votes.zeroed[j]:
            continue
        rows.append(
            StatementVotes(
                id=int(statement_id),
                text=texts.get(int(statement_id), ""),
                everyone=_counts(everyone[0][j], everyone[1][j], everyone[2][j]),
                groups=[]
                if groups is None
                else [_counts(groups[0][g, j], groups[1][g, j], groups[2][g, j]) for g in range(report.k)],
            )
        )
    return rows


def vote_indicators(votes: VoteMatrix) -> Indicators:
    """The 0/1 matrices of the agrees, disagrees and all votes ("seen"), in `group_counts`' order."""
    return votes.indicator("agree"), votes.indicator("disagree"), votes.indicator("seen")


def _counts(agrees, disagrees, seen) -> VoteCounts:
    agrees, disagrees, seen = int(agrees), int(disagrees), int(seen)
    return VoteCounts(agrees=agrees, disagrees=disagrees, passes=seen - agrees - disagrees)


# Display --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DrawnGroup:
    id: int
    size: int
    centre: list[float]
    colour: str
    shape: str
    dashes: str
    outline: str  # SVG path data
    marks: str  # SVG path data: every mark of the group in one path
    label_x: float
    label_y: float
    label_anchor: str  # SVG text-anchor: middle, start or end


def map_drawing(section: Statements | None) -> dict | None:
    """The map of a stored statements section laid out in SVG user units: None when the version was
    compiled before maps were stored (nothing to show), `{"groups": []}` when it has no map to draw."""
    stored = section.opinion_map if section is not None else None
    if stored is None:
        return None
    if not stored.groups or not stored.marks:
        return {"groups": []}
    (x_low, x_high), (y_low, y_high) = stored.x_range, stored.y_range
    pad_x, pad_y = (x_high - x_low) * 0.06 or 0.5, (y_high - y_low) * 0.06 or 0.5
    x_low, x_high, y_low, y_high = x_low - pad_x, x_high + pad_x, y_low - pad_y, y_high + pad_y
    inner_w, inner_h = WIDTH - MARGIN_LEFT - MARGIN_RIGHT, HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    # One scale on both axes: distances on the map mean the same across and up.
    scale = min(inner_w / (x_high - x_low), inner_h / (y_high - y_low))
    left = MARGIN_LEFT + (inner_w - scale * (x_high - x_low)) / 2
    top = MARGIN_TOP + (inner_h - scale * (y_high - y_low)) / 2

    def sx(x):
        return left + (x - x_low) * scale

    def sy(y):  # up on the page is the second direction's positive side
        return top + (y_high - y) * scale

    largest = max(mark[3] for mark in stored.marks)
    if stored.binned:
        biggest = min(MARK_RADIUS * 1.6, (stored.cell or 1) * scale / 2)
    else:
        biggest = MARK_RADIUS if largest == 1 else MARK_RADIUS * 1.6
    paths: dict[int, list[str]] = {group.id: [] for group in stored.groups}
    for x, y, group_id, count in stored.marks:
        radius = max(MIN_MARK_RADIUS, biggest * math.sqrt(count / largest))
        if not stored.binned and largest > 1:
            radius = max(MARK_RADIUS * 0.75, radius)
        index = (int(group_id) - 1) % len(SHAPES)
        paths.setdefault(int(group_id), []).append(_mark(SHAPES[index], sx(x), sy(y), radius))
    groups = []
    for group in stored.groups:
        index = (group.id - 1) % len(SHAPES)
        # Centred over the group, unless half a name (at the size a phone draws it, opinion_charts.css)
        # would cross an edge: then it starts, or ends, at the group, within the frame.
        label_x, anchor = sx(group.label[0]), "middle"
        if label_x - LABEL_HALF < MARGIN_LEFT:
            label_x, anchor = max(label_x - 10, MARGIN_LEFT + 4), "start"
        elif label_x + LABEL_HALF > WIDTH - MARGIN_RIGHT:
            label_x, anchor = min(label_x + 10, WIDTH - MARGIN_RIGHT - 4), "end"
        label_y = sy(group.label[1]) - 8
        if label_y < MARGIN_TOP - 10:  # no room above the outline: under it
            label_y = sy(min(y for _x, y in group.outline)) + 16
        groups.append(
            DrawnGroup(
                id=group.id,
                size=group.size,
                centre=group.centre,
                colour=COLOURS[index],
                shape=SHAPES[index],
                dashes=DASHES[index],
                outline=_outline(group.outline, sx, sy),
                marks="".join(paths.get(group.id, [])),
                label_x=round(label_x, 1),
                label_anchor=anchor,
                label_y=round(min(label_y, HEIGHT - MARGIN_BOTTOM - 4), 1),
            )
        )
    origin_x = sx(0) if x_low <= 0 <= x_high else None
    origin_y = sy(0) if y_low <= 0 <= y_high else None
    return {
        "groups": groups,
        "binned": stored.binned,
        "width": WIDTH,
        "height": HEIGHT,
        # The axes cross where the average voter sits (0, 0), when it is on the map.
        "x_axis_y": round(origin_y if origin_y is not None else HEIGHT - MARGIN_BOTTOM, 1),
        "y_axis_x": round(origin_x if origin_x is not None else MARGIN_LEFT, 1),
        "plot_left": MARGIN_LEFT,
        "plot_right": WIDTH - MARGIN_RIGHT,
        "plot_top": MARGIN_TOP,
        "plot_bottom": HEIGHT - MARGIN_BOTTOM,
        "x_label_y": HEIGHT - 12,
        "y_label_x": 14,
        "y_label_y": (MARGIN_TOP + HEIGHT - MARGIN_BOTTOM) / 2,
    }


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _mark(shape: str, x: float, y: float, r: float) -> str:
    """One mark as SVG path data, drawn around (x, y) within a radius r."""
    d, f = 2 * r, _f
    if shape == "circle":
        return f"M{f(x - r)} {f(y)}a{f(r)} {f(r)} 0 1 0 {f(d)} 0a{f(r)} {f(r)} 0 1 0 {f(-d)} 0"
    if shape == "square":
        s = r * 0.9
        return f"M{f(x - s)} {f(y - s)}h{f(2 * s)}v{f(2 * s)}h{f(-2 * s)}z"
    if shape == "triangle":
        return f"M{f(x)} {f(y - r)}l{f(r)} {f(d * 0.87)}h{f(-d)}z"
    if shape == "diamond":
        return f"M{f(x)} {f(y - r)}l{f(r)} {f(r)}l{f(-r)} {f(r)}l{f(-r)} {f(-r)}z"
    return f"M{f(x)} {f(y + r)}l{f(r)} {f(-d * 0.87)}h{f(-d)}z"


def _outline(outline: list[list[float]], sx, sy) -> str:
    points = [(sx(x), sy(y)) for x, y in outline]
    if len(points) == 1:  # a single place: a small ring around it
        x, y = points[0]
        return _mark("circle", x, y, MARK_RADIUS * 2)
    path = "M" + "L".join(f"{_f(x)} {_f(y)}" for x, y in points)
    return path + ("z" if len(points) > 2 else "")


def sort_of(value) -> str:
    """The order asked for in the address; anything else is the statements' own order."""
    return value if value in SORTS else ""


def statement_rows(
    section: Statements | None, *, sort: str = "", page=1, per_page: int = STATEMENTS_PER_PAGE
) -> dict | None:
    """One page of the statements with everyone's and each group's shares, in the order asked for:
    `consensus` (every group agrees most, first) or `division` (the groups' agree shares differ most,
    first), each ranked on the +1/+2 smoothed shares of the method (§6), ties by statement number.
    None when the version was compiled before these votes were stored."""
    stored = section.statement_votes if section is not None else None
    if stored is None:
        return None
    rows = [row for row in stored if row.everyone.seen]
    sort = sort_of(sort)
    if sort:
        rows.sort(key=lambda row: (-_rank(row, sort), row.id))
    pages = Paginator(rows, per_page)
    current = pages.get_page(page)
    group_ids = [group.id for group in section.groups]
    return {
        "sort": sort,
        "page": current,
        "paginated": pages.num_pages > 1,
        "rows": [_row(row, group_ids) for row in current.object_list],
        "count": len(rows),
        "groups": bool(group_ids),
    }


def _smoothed(counts: VoteCounts) -> float:
    return (counts.agrees + 1) / (counts.seen + 2)


def _rank(row: StatementVotes, sort: str) -> float:
    groups = row.groups or [row.everyone]
    shares = [_smoothed(counts) for counts in groups]
    if sort == "consensus":  # the geometric mean of the groups' agree shares (the method's §9)
        return math.prod(shares) ** (1 / len(shares))
    return max(shares) - min(shares)


def _shares(who: str, counts: VoteCounts, group_id: int | None = None) -> dict:
    seen = counts.seen

    def share(part):
        return round(100 * part / seen, 1) if seen else None

    return {
        "who": who,
        "group": group_id,
        "seen": seen,
        "agree": share(counts.agrees),
        "disagree": share(counts.disagrees),
        "pass": share(counts.passes),
        # Where each part of the stacked bar starts, out of 100.
        "disagree_x": share(counts.agrees) or 0,
        "pass_x": share(counts.agrees + counts.disagrees) or 0,
    }


def _row(row: StatementVotes, group_ids: list[int]) -> dict:
    return {
        "id": row.id,
        "text": row.text,
        "lines": [
            _shares("everyone", row.everyone),
            *(
                _shares("group", counts, group_id)
                for group_id, counts in zip(group_ids, row.groups, strict=False)
            ),
        ],
    }
