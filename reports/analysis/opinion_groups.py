"""Opinion groups and statement statistics from agree / disagree / pass votes, Pol.is-compatible.

Plain Python over numpy, scipy.sparse and scikit-learn: no Django import, so it runs, is tested on the Pol.is
open data and is benchmarked alone. Implemented from `shared/specs/opinion-groups.md` (the "spec"); section
numbers in comments (§n) point there. Pol.is itself is AGPL: nothing here comes from its source.

Everything is stateless (a pure function of the final votes and a seed) and sparse: the only n × m objects are
sparse matrices with one entry per vote, so the cost is O(votes) plus O(n · 100) for the base clusters.

    votes = VoteMatrix.from_triples(people, statements, values, zeroed_statement_ids=moderated_or_meta)
    report = analyse(votes, k=None, seed=0)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import svds
from sklearn.metrics import adjusted_rand_score, silhouette_score

Z_90 = 1.2816  # §0: one-sided test at 90 %
MIN_VOTES = 7  # §2: clustered when n_raw_i ≥ min(7, m) …
MIN_CLUSTERED = 15  # … topped up to 15 participants
BASE_K = 100  # §5.1
BASE_ITERATIONS = 100
GROUP_ITERATIONS = 20  # §5.2: Pol.is's "group-iters = 100" option is never read, so 20 applies
MAX_K = 5
K_START = 2  # §5.3 k-buffer: every Pol.is conversation starts at k = 2 …
K_BUFFER_SNAPSHOTS = (0.9, 0.8, 0.7)  # … and moves only when a k is best in 4 updates in a row (ours: these)
PICK = 5  # §7, §8, §10: statements per list
UNCERTAIN_RATE = 0.3  # §10
FEW_VOTES = 20  # §10 (ours): fewer votes than this is "insufficient evidence"
_CHUNK = 65_536  # rows per distance block in the base k-means, so memory stays O(chunk · 100)


def _codes(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ids, sorted, and each id's index among them: `np.unique(ids, return_inverse=True)`.

    Database ids are dense, so when their range is not much wider than their count this marks them in
    a table as wide as the range, in linear time; tens of millions of votes take a fraction of a second
    where sorting them takes seconds. Otherwise it sorts.
    """
    if not ids.size:
        return ids.copy(), np.zeros(0, dtype=np.int64)
    low, high = int(ids.min()), int(ids.max())
    if high - low > 4 * ids.size + 1_000_000:
        distinct, codes = np.unique(ids, return_inverse=True)
        return distinct, codes.reshape(-1).astype(np.int64)
    present = np.zeros(high - low + 1, dtype=bool)
    present[ids - low] = True
    index = np.cumsum(present, dtype=np.int64) - 1
    return np.flatnonzero(present) + low, index[ids - low]


@dataclass(frozen=True)
class VoteMatrix:
    """Final votes, one entry per (participant, statement) that was voted; passes are explicit zeros.

    Rows are participants in ascending id (the spec's "row order", §5), columns are the statements that have
    at least one vote in ascending id (§1). The votes are kept as COO arrays rather than a scipy matrix
    because a sparse matrix may silently drop a stored 0, and a pass must still count as seen (§1, §3).
    """

    participant_ids: np.ndarray  # (n,) ascending
    statement_ids: np.ndarray  # (m,) ascending
    rows: np.ndarray  # (votes,) index into participant_ids
    cols: np.ndarray  # (votes,) index into statement_ids
    values: np.ndarray  # (votes,) int8, +1 agree, -1 disagree, 0 pass (export convention, §1)
    zeroed: np.ndarray  # (m,) bool: moderated out or meta (§1)

    @classmethod
    def from_triples(cls, participant_ids, statement_ids, values, *, zeroed_statement_ids=()) -> VoteMatrix:
        """Build from one (participant id, statement id, vote) triple per final vote; ids may be any integers.

        A pair given twice is an error: reduce a vote log with `final_votes` first (latest vote wins, §1).
        """
        participant_ids = np.asarray(participant_ids, dtype=np.int64)
        statement_ids = np.asarray(statement_ids, dtype=np.int64)
        values = np.asarray(values, dtype=np.int8)
        if not (len(participant_ids) == len(statement_ids) == len(values)):
            raise ValueError("participant_ids, statement_ids and values must have the same length")
        if values.size and (values.min() < -1 or values.max() > 1):
            raise ValueError("votes must be +1, -1 or 0")
        people, rows = _codes(participant_ids)
        statements, cols = _codes(statement_ids)
        pairs = np.sort(rows * len(statements) + cols)
        if (pairs[1:] == pairs[:-1]).any():
            raise ValueError("one vote per participant and statement: reduce the log with final_votes()")
        zeroed = np.isin(statements, np.asarray(list(zeroed_statement_ids), dtype=np.int64))
        return cls(people, statements, rows, cols, values, zeroed)

    @classmethod
    def from_sparse(cls, matrix, *, participant_ids=None, statement_ids=None, zeroed=None) -> VoteMatrix:
        """Build from a scipy.sparse participants × statements matrix whose *stored* entries are the votes.

        A pass must be a stored 0 (never call `eliminate_zeros` on such a matrix). Rows and columns default to
        ids 0..n-1 and 0..m-1; `zeroed` is a boolean mask over the columns. Rows or columns with no stored
        entry disappear, as a statement nobody voted on has no column (§1).
        """
        coo = sp.coo_matrix(matrix)
        coo.sum_duplicates()
        people = np.arange(coo.shape[0]) if participant_ids is None else np.asarray(participant_ids)
        statements = np.arange(coo.shape[1]) if statement_ids is None else np.asarray(statement_ids)
        mask = np.zeros(coo.shape[1], dtype=bool) if zeroed is None else np.asarray(zeroed, dtype=bool)
        return cls.from_triples(
            people[coo.row], statements[coo.col], coo.data, zeroed_statement_ids=statements[mask]
        )

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.participant_ids), len(self.statement_ids)

    def subset(self, keep: np.ndarray) -> VoteMatrix:
        """The votes of the participants at the row indices `keep` (used by the stability resamples, §12)."""
        mask = np.isin(self.rows, keep)
        return VoteMatrix.from_triples(
            self.participant_ids[self.rows[mask]],
            self.statement_ids[self.cols[mask]],
            self.values[mask],
            zeroed_statement_ids=self.statement_ids[self.zeroed],
        )

    def indicator(self, which: str) -> sp.csr_matrix:
        """A 0/1 CSR matrix of the agrees, disagrees, passes or all votes ("seen"), for O(votes) counting."""
        select = {
            "agree": self.values == 1,
            "disagree": self.values == -1,
            "pass": self.values == 0,
            "seen": np.ones(self.values.size, dtype=bool),
        }[which]
        return sp.csr_matrix(
            (np.ones(int(select.sum())), (self.rows[select], self.cols[select])),
            shape=self.shape,
            dtype=np.float64,
        )


def final_votes(participant_ids, statement_ids, values, timestamps):
    """Reduce a vote log to the final votes: the latest per pair; equal timestamps keep the later row (§1)."""
    participant_ids, statement_ids = np.asarray(participant_ids), np.asarray(statement_ids)
    values, timestamps = np.asarray(values), np.asarray(timestamps)
    order = np.lexsort((np.arange(len(values)), timestamps))  # time, then log order
    last = {}
    for index in order:
        last[(participant_ids[index], statement_ids[index])] = index
    keep = np.sort(np.fromiter(last.values(), dtype=np.int64, count=len(last)))
    return participant_ids[keep], statement_ids[keep], values[keep]


@dataclass(frozen=True)
class StatementStat:
    """§6 figures for one statement and one set of participants (a group, or everyone)."""

    statement_id: int
    agrees: int
    disagrees: int
    seen: int  # passes included
    pa: float
    pd: float
    pat: float
    pdt: float


@dataclass(frozen=True)
class Representative:
    """A representative statement of a group (§7): how the group voted against the other groups pooled."""

    statement_id: int
    direction: str  # "agree" | "disagree"
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float
    best_agree: bool = False
    rest_percent: float = 0.0  # % of the other groups who voted the same way, for the report


@dataclass(frozen=True)
class Group:
    id: int  # 0..k-1, by decreasing size (§5.4, ours)
    participant_ids: tuple[int, ...]
    representatives: tuple[Representative, ...]


@dataclass(frozen=True)
class Stability:
    """§12: how often resamples of 90 % of the participants give the same k and the same groups."""

    resamples: int
    seed: int
    same_k_share: float
    median_ari: float
    min_ari: float
    silhouette_margin: float | None
    badge: str  # "stable" | "moderate" | "fragile"
    ks: tuple[int, ...]

    @property
    def close_call(self) -> bool:
        """§12.5: a silhouette margin below 0.02 between the best and second-best k is a warning too."""
        return self.silhouette_margin is not None and self.silhouette_margin < 0.02


@dataclass
class OpinionReport:
    """The result of `analyse`. A part that could not be computed is None / empty and `absent` says why."""

    participants: int
    statements: int
    votes: int
    seed: int
    participant_ids: np.ndarray
    statement_ids: np.ndarray
    zeroed_statement_ids: tuple[int, ...]
    clustered: np.ndarray  # (n,) bool, §2
    projection: np.ndarray | None = None  # (n, 2), §4
    components: np.ndarray | None = None  # (2, m), §3
    extremity: np.ndarray | None = None  # (m,), §4
    k: int | None = None
    labels: np.ndarray | None = None  # (n,) group id, -1 when not clustered (§5.4)
    silhouettes: dict[int, float] = field(default_factory=dict)  # k → silhouette on base centres (§5.3)
    k_history: tuple[int | None, ...] = ()  # §5.3 k-buffer: best k of the full run, then of earlier snapshots
    groups: tuple[Group, ...] = ()
    majority_agree: tuple[StatementStat, ...] = ()  # §8, best first
    majority_disagree: tuple[StatementStat, ...] = ()
    gic: dict[int, float] = field(default_factory=dict)  # §9 raw Π_g pa, every statement (as Pol.is)
    gic_disagree: dict[int, float] = field(default_factory=dict)
    uncertain: tuple[tuple[int, float, int], ...] = ()  # §10: (statement id, pass rate, passes), top 5
    few_votes: tuple[int, ...] = ()  # §10 (ours): kept statements with fewer than 20 votes
    stability: Stability | None = None
    absent: dict[str, str] = field(default_factory=dict)  # part → reason

    @property
    def majority(self) -> tuple[StatementStat, ...]:
        """Both majority lists merged in statement-id order, as the Pol.is report prints them (§8)."""
        return tuple(sorted(self.majority_agree + self.majority_disagree, key=lambda s: s.statement_id))

    def gic_mean(self, statement_id: int) -> float | None:
        """GIC^(1/k), comparable across k (§9, ours), for display and ranking."""
        value = self.gic.get(statement_id)
        return None if value is None or not self.k else value ** (1 / self.k)


def analyse(votes: VoteMatrix, *, k: int | None = None, seed: int = 0, resamples: int = 0) -> OpinionReport:
    """Run the whole pipeline of the spec (§1–§10, and §12 when `resamples` > 0) on the final votes.

    `k` fixes the number of groups instead of choosing it by silhouette (§5.3). `seed` makes the SVD start
    and the resamples deterministic. Never raises on degenerate input: missing parts are listed in
    `report.absent`.
    """
    n, m = votes.shape
    report = OpinionReport(
        participants=n,
        statements=m,
        votes=int(votes.values.size),
        seed=seed,
        participant_ids=votes.participant_ids,
        statement_ids=votes.statement_ids,
        zeroed_statement_ids=tuple(int(s) for s in votes.statement_ids[votes.zeroed]),
        clustered=np.zeros(n, dtype=bool),
    )
    if n == 0 or m == 0:
        reason = "no votes"
        for part in ("map", "groups", "majority", "uncertainty"):
            report.absent[part] = reason
        return report

    agree, disagree, seen = votes.indicator("agree"), votes.indicator("disagree"), votes.indicator("seen")
    kept = ~votes.zeroed
    _everyone(report, votes, agree, disagree, seen, kept)

    n_raw = np.bincount(votes.rows, minlength=n)
    report.clustered = clustered = _clustered(n_raw, m)

    pca = _pca(votes, seed)
    if isinstance(pca, str):
        report.absent["map"] = report.absent["groups"] = pca
        return report
    report.components, report.projection, report.extremity = pca

    found = _clusterings(report.projection[clustered], k)
    if isinstance(found, str):
        report.absent["groups"] = found
        return report
    base_of, clusterings, report.silhouettes = found
    if k is None:
        shown, report.k_history = _shown_k(votes, report.silhouettes, seed)
    else:
        shown = k
    labels = _labels(base_of, clusterings[shown])
    report.labels = np.full(n, -1, dtype=np.int64)
    report.labels[clustered] = labels
    report.k = int(labels.max()) + 1
    _group_statistics(report, votes, agree, disagree, seen, kept)

    if resamples:
        report.stability = _stability(votes, report, resamples=resamples, seed=seed)
    return report


# §2 -----------------------------------------------------------------------------------------------


def _clustered(n_raw: np.ndarray, m: int) -> np.ndarray:
    clustered = n_raw >= min(MIN_VOTES, m)
    missing = min(MIN_CLUSTERED, len(n_raw)) - int(clustered.sum())
    if missing > 0:
        # Top-up by most votes; a stable sort breaks ties by ascending participant id (ours).
        candidates = np.flatnonzero(~clustered)
        order = candidates[np.argsort(-n_raw[candidates], kind="stable")]
        clustered[order[:missing]] = True
    return clustered


# §3, §4 -------------------------------------------------------------------------------------------


def _pca(votes: VoteMatrix, seed: int):
    """Two components of the mean-imputed, centred zeroed matrix, exactly as sparse as the votes (§3).

    Returns (components, projection, extremity) or the reason there is no map.
    """
    n, m = votes.shape
    if n < 2 or m < 2:
        return "fewer than 2 participants or 2 statements"
    kept_vote = ~votes.zeroed[votes.cols]
    values = votes.values.astype(np.float64)
    # §3: μ_j over observed cells, passes as 0; a zeroed column has μ = 0 and X̃ = 0.
    count = np.bincount(votes.cols, minlength=m).astype(np.float64)
    total = np.bincount(votes.cols, weights=values, minlength=m)
    mu = np.where(votes.zeroed, 0.0, total / np.maximum(count, 1))
    centred = np.where(kept_vote, values - mu[votes.cols], 0.0)
    x = sp.csr_matrix((centred, (votes.rows, votes.cols)), shape=(n, m))
    x.eliminate_zeros()  # products only; the counts n_i are kept apart (§3)
    if x.nnz == 0:
        return "no variation: every kept vote equals its statement's mean (e.g. only passes)"
    if min(n, m) <= 2:
        _, _, vt = np.linalg.svd(x.toarray(), full_matrices=False)
        v = vt[:2]
    else:
        rng = np.random.default_rng(seed)
        _, s, vt = svds(x, k=2, v0=rng.uniform(-1, 1, min(n, m)))
        v = vt[np.argsort(-s)]
    if v.shape[0] < 2:
        v = np.vstack([v, np.zeros((2 - v.shape[0], m))])
    # Components are defined up to sign: make the largest-|loading| positive (§3, ours).
    for row in v:
        if row[np.argmax(np.abs(row))] < 0:
            row *= -1
    # §4: n_i counts the kept votes plus every zeroed statement (everyone "voted 0" there).
    n_i = np.bincount(votes.rows[kept_vote], minlength=n) + int(votes.zeroed.sum())
    scale = np.sqrt(m / np.maximum(n_i, 1))
    projection = scale[:, None] * (x @ v.T)
    extremity = np.where(votes.zeroed, 0.0, np.sqrt(m) * (1 - mu) * np.sqrt((v**2).sum(axis=0)))
    return v, projection, extremity


# §5 -----------------------------------------------------------------------------------------------


def _first_distinct(points: np.ndarray, limit: int) -> np.ndarray:
    """Indices of the first `limit` distinct points in row order (§5.1 seeds)."""
    _, first = np.unique(points, axis=0, return_index=True)
    return np.sort(first)[:limit]


def _nearest(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    out = np.empty(len(points), dtype=np.int64)
    for start in range(0, len(points), _CHUNK):
        block = points[start : start + _CHUNK]
        # Two 2-D differences rather than one 3-D array summed over its short axis: same values, 3× faster.
        d = (block[:, 0, None] - centres[None, :, 0]) ** 2 + (block[:, 1, None] - centres[None, :, 1]) ** 2
        out[start : start + _CHUNK] = np.argmin(d, axis=1)  # exact ties: lowest index (§5, ours)
    return out


def _same_centres(a: np.ndarray, b: np.ndarray) -> bool:
    if a.shape != b.shape:
        return False
    a, b = a[np.lexsort(a.T[::-1])], b[np.lexsort(b.T[::-1])]
    return bool(np.all(np.sqrt(((a - b) ** 2).sum(axis=1)) < 0.01))


def _kmeans(points: np.ndarray, weights: np.ndarray, centres: np.ndarray, limit: int):
    """The Lloyd loop of §5: assign, drop empty clusters, weighted means; up to limit + 1 steps like Pol.is.

    Returns (assignment into the returned centres, centres) with clusters kept in seed order.
    """
    for _ in range(limit + 1):
        assign = _nearest(points, centres)
        weight = np.bincount(assign, weights=weights, minlength=len(centres))
        alive = weight > 0
        new = (
            np.column_stack(
                [
                    np.bincount(assign, weights=weights * points[:, d], minlength=len(centres))
                    for d in range(2)
                ]
            )[alive]
            / weight[alive][:, None]
        )
        assign = (np.cumsum(alive) - 1)[assign]
        done = _same_centres(new, centres)
        centres = new
        if done:
            break
    return assign, centres


def _clusterings(points: np.ndarray, k: int | None):
    """Base clusters, then weighted k-means on their centres for each candidate k (§5.1–§5.3).

    Returns (base cluster of each point, {k: group of each base cluster}, {k: silhouette}), or a reason.
    """
    if len(points) < 2:
        return "fewer than 2 clustered participants"
    seeds = _first_distinct(points, BASE_K)
    base_of, base = _kmeans(points, np.ones(len(points)), points[seeds], BASE_ITERATIONS)
    sizes = np.bincount(base_of, minlength=len(base)).astype(np.float64)
    distinct = len(_first_distinct(base, len(base)))
    if distinct < 2:
        return "all clustered participants are at the same point of the map"
    if k is not None:
        if not 2 <= k <= distinct:
            return f"k = {k} is not possible with {distinct} distinct base clusters"
        candidates = [k]
    else:
        candidates = list(range(2, min(MAX_K, 2 + len(base) // 12, distinct) + 1))
    clusterings, silhouettes = {}, {}
    for kk in candidates:
        group_of, _ = _kmeans(base, sizes, base[_first_distinct(base, kk)], GROUP_ITERATIONS)
        if group_of.max() < 1:
            continue
        # §5.3: unweighted silhouette over the base centres; a point alone scores 0.
        found = int(group_of.max()) + 1
        silhouettes[kk] = 0.0 if found >= len(base) else float(silhouette_score(base, group_of))
        clusterings[kk] = group_of
    if not clusterings:
        return "k-means found a single group"
    return base_of, clusterings, silhouettes


def _best_k(silhouettes: dict[int, float]) -> int:
    """The k with the highest silhouette; on an exact tie the larger k, as Pol.is (§5.3)."""
    return max(silhouettes, key=lambda kk: (silhouettes[kk], kk))


def _labels(base_of: np.ndarray, group_of: np.ndarray) -> np.ndarray:
    """§5.4: a participant follows their base cluster; groups numbered by decreasing size, ties by seed order
    (ours; ARI does not depend on labels)."""
    labels = group_of[base_of]
    order = np.lexsort((np.arange(labels.max() + 1), -np.bincount(labels)))
    relabel = np.empty_like(order)
    relabel[order] = np.arange(len(order))
    return relabel[labels]


def _snapshot_best_k(votes: VoteMatrix, size: int, seed: int) -> int | None:
    """The silhouette's k on the conversation with only its first `size` participants (§5.3 k-buffer)."""
    earlier = votes.subset(np.arange(size))
    n, m = earlier.shape
    pca = _pca(earlier, seed)
    if isinstance(pca, str):
        return None
    clustered = _clustered(np.bincount(earlier.rows, minlength=n), m)
    found = _clusterings(pca[1][clustered], None)
    return None if isinstance(found, str) else _best_k(found[2])


def _shown_k(votes: VoteMatrix, silhouettes: dict[int, float], seed: int) -> tuple[int, tuple[int, ...]]:
    """§5.3 k-buffer, stateless: Pol.is shows a new k only once it has been the best in 4 consecutive updates,
    and a conversation starts at k = 2. The 4 updates here are the full run and the conversation as it
    stood at 90, 80 and 70 % of its participants in arrival order (ascending id); when the best k is not
    the same in all four, the groups stay at 2.

    Returns (the k to show, the best k of each update looked at, latest first).
    """
    best = _best_k(silhouettes)
    history = [best]
    if best == K_START or K_START not in silhouettes:
        return best, tuple(history)
    n = votes.shape[0]
    for share in K_BUFFER_SNAPSHOTS:
        history.append(_snapshot_best_k(votes, int(share * n), seed))
        if history[-1] != best:  # the streak is broken: no need to look further back
            return K_START, tuple(history)
    return best, tuple(history)


# §6–§10 -------------------------------------------------------------------------------------------


def _p(n_success, n_seen):
    return (n_success + 1) / (n_seen + 2)


def _p_test(n_success, n_seen):
    # §6: one-proportion z against 0.5 with one pseudo-count on successes and trials.
    return 2 * np.sqrt(n_seen + 1) * ((n_success + 1) / (n_seen + 1) - 0.5)


def _z2(s1, s2, n1, n2):
    s1, s2, n1, n2 = s1 + 1, s2 + 1, n1 + 1, n2 + 1
    p = (s1 + s2) / (n1 + n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (s1 / n1 - s2 / n2) / np.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    return np.where(p >= 1, 0.0, z)


def _everyone(report, votes, agree, disagree, seen, kept) -> None:
    """Majority (§8) and uncertainty (§10): over all participants, kept statements only."""
    na, nd, ns = (np.asarray(matrix.sum(axis=0)).ravel() for matrix in (agree, disagree, seen))
    pa, pd, pat, pdt = _p(na, ns), _p(nd, ns), _p_test(na, ns), _p_test(nd, ns)
    ids = votes.statement_ids

    def stat(j):
        return StatementStat(int(ids[j]), int(na[j]), int(nd[j]), int(ns[j]), pa[j], pd[j], pat[j], pdt[j])

    def top(p, z):
        candidates = np.flatnonzero(kept & (p > 0.5) & (z > Z_90))
        return tuple(stat(j) for j in candidates[np.argsort(-(p * z)[candidates], kind="stable")][:PICK])

    report.majority_agree, report.majority_disagree = top(pa, pat), top(pd, pdt)
    if not (report.majority_agree or report.majority_disagree):
        report.absent["majority"] = "no statement has a significant majority"

    passes = ns - na - nd
    rate = passes / np.maximum(ns, 1)
    candidates = np.flatnonzero(kept & (rate > UNCERTAIN_RATE))
    order = candidates[np.argsort(-(rate**2 * passes)[candidates], kind="stable")][:PICK]
    report.uncertain = tuple((int(ids[j]), float(rate[j]), int(passes[j])) for j in order)
    if not report.uncertain:
        report.absent["uncertainty"] = "no statement is passed by more than 30 % of its voters"
    report.few_votes = tuple(int(ids[j]) for j in np.flatnonzero(kept & (ns < FEW_VOTES)))


def group_counts(labels: np.ndarray, k: int, agree, disagree, seen):
    """A, D, S (k × m): agrees, disagrees and votes seen per group, as sparse products Gᵀ·[R = v] (§6)."""
    members = np.flatnonzero(labels >= 0)
    g = sp.csr_matrix((np.ones(len(members)), (labels[members], members)), shape=(k, len(labels)))
    return tuple(np.asarray((g @ matrix).todense()) for matrix in (agree, disagree, seen))


def group_informed_consensus(a: np.ndarray, d: np.ndarray, s: np.ndarray):
    """§9: Π_g (A+1)/(S+2) and its disagree variant, for every column, zeroed ones included."""
    return np.prod(_p(a, s), axis=0), np.prod(_p(d, s), axis=0)


def _group_statistics(report, votes, agree, disagree, seen, kept) -> None:
    k, ids = report.k, votes.statement_ids
    a, d, s = group_counts(report.labels, k, agree, disagree, seen)
    gic, gicd = group_informed_consensus(a, d, s)
    report.gic = dict(zip(ids.tolist(), gic.tolist(), strict=True))
    report.gic_disagree = dict(zip(ids.tolist(), gicd.tolist(), strict=True))
    groups = []
    for g in range(k):
        rest_a, rest_d, rest_s = a.sum(axis=0) - a[g], d.sum(axis=0) - d[g], s.sum(axis=0) - s[g]
        reps = representatives(a[g], d[g], s[g], rest_a, rest_d, rest_s, kept=kept, statement_ids=ids)
        members = votes.participant_ids[report.labels == g]
        groups.append(Group(g, tuple(int(p) for p in members), tuple(reps)))
    report.groups = tuple(groups)


def representatives(na, nd, ns, na_r, nd_r, ns_r, *, kept, statement_ids) -> list[Representative]:
    """§7 for one group: the sufficient statements, best_agree first, at most 5, agrees before disagrees."""
    pa, pd, pat, pdt = _p(na, ns), _p(nd, ns), _p_test(na, ns), _p_test(nd, ns)
    ra, rd = pa / _p(na_r, ns_r), pd / _p(nd_r, ns_r)
    rat, rdt = _z2(na, na_r, ns, ns_r), _z2(nd, nd_r, ns, ns_r)

    def finalise(j, flag=False):
        agree = rat[j] > rdt[j]
        rest = (na_r[j] if agree else nd_r[j]) / ns_r[j] * 100 if ns_r[j] else 0.0
        return Representative(
            int(statement_ids[j]),
            "agree" if agree else "disagree",
            int(na[j] if agree else nd[j]),
            int(ns[j]),
            float(pa[j] if agree else pd[j]),
            float(pat[j] if agree else pdt[j]),
            float(ra[j] if agree else rd[j]),
            float(rat[j] if agree else rdt[j]),
            flag,
            float(rest),
        )

    sufficient_mask = ((rat > Z_90) & (pat > Z_90)) | ((rdt > Z_90) & (pdt > Z_90))
    sufficient, best, best_agree = [], None, None
    for j in np.flatnonzero(kept):  # ascending statement id (ours; Pol.is: first-vote order)
        if sufficient_mask[j]:
            sufficient.append(j)
        if not sufficient and (best is None or max(rat[j], rdt[j]) > max(rat[best], rdt[best])):
            best = j
        if na[j] == 0 and nd[j] == 0:
            continue
        if best_agree is None:
            if pat[j] > Z_90 or (ra[j] > 1 and pa[j] > 0.5):
                best_agree = j
        elif ra[best_agree] > 1:
            b = best_agree
            if ra[j] * rat[j] * pa[j] * pat[j] > ra[b] * rat[b] * pa[b] * pat[b]:
                best_agree = j
        elif pa[j] * pat[j] > pa[best_agree] * pat[best_agree]:
            best_agree = j
    if not sufficient:
        if best_agree is not None:
            return [finalise(best_agree, True)]
        return [finalise(best)] if best is not None else []
    entries = [finalise(j) for j in sufficient if j != best_agree]
    entries.sort(key=lambda e: -(e.repness * e.repness_test * e.p_success * e.p_test))
    if best_agree is not None:
        entries.insert(0, finalise(best_agree, True))
    entries = entries[:PICK]
    return [e for e in entries if e.direction == "agree"] + [e for e in entries if e.direction != "agree"]


# §12 ----------------------------------------------------------------------------------------------


def _stability(votes: VoteMatrix, full: OpinionReport, *, resamples: int, seed: int) -> Stability:
    """Re-run the whole pipeline on `resamples` draws of 90 % of the participants; compare to the full run."""
    rng = np.random.default_rng(seed)
    n = votes.shape[0]
    ks, aris = [], []
    for _ in range(resamples):
        keep = np.sort(rng.choice(n, size=int(0.9 * n), replace=False))
        sample = analyse(votes.subset(keep), k=None, seed=seed)
        ks.append(sample.k or 0)
        if sample.labels is None:
            aris.append(0.0)
            continue
        # Sample rows are `keep` in the same order (ids ascending on both sides).
        both = (sample.labels >= 0) & (full.labels[keep] >= 0)
        ari = adjusted_rand_score(full.labels[keep][both], sample.labels[both]) if both.any() else 0.0
        aris.append(float(ari))
    same_k = sum(kk == full.k for kk in ks) / resamples
    median, minimum = float(np.median(aris)), float(np.min(aris))
    if same_k >= 0.9 and median >= 0.8:
        badge = "stable"
    elif same_k < 0.5 or median < 0.5:
        badge = "fragile"
    else:
        badge = "moderate"
    scores = sorted(full.silhouettes.values(), reverse=True)
    margin = scores[0] - scores[1] if len(scores) >= 2 else None
    return Stability(resamples, seed, same_k, median, minimum, margin, badge, tuple(ks))
