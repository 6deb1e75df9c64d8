"""`make bench-report`: our opinion-groups engine against red-dwarf 0.4.0, on each shared Pol.is conversation.

By default it runs every conversation in `../shared/data/polis/` next to the checkout (or, failing that, the
copies in `tests/data/polis/`); `POLIS=<folder>` runs one export, or every export inside a folder of exports.
For each conversation, on the same votes loaded once:

1. **ours** — `reports.analysis.opinion_groups.analyse` (PCA, base clusters, k by silhouette and the
   k-buffer, statement statistics), without the stability resamples (red-dwarf has none);
2. **red-dwarf** — `reddwarf.implementations.base.run_pipeline` with the same zeroed statements.

Each is timed as the median of several runs, after one warm-up. Then agreement: the projections (up to each
axis's sign), the majority lists, the representative statements given our groups, and the ARI of each side's
groups against Pol.is's exported `group-id` (participants grouped by both, spec §11).

The run fails (exit status 1) when, on any conversation, our ARI against Pol.is is below red-dwarf's, or the
work was not the same work: projections more than 1e-3 apart, different majority lists, different
representative statements. The last line reads
`speedup_vs_reddwarf=<red-dwarf time / ours, all conversations> ari_vs_polis=<our lowest ARI>`.
"""

import os
import statistics
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from reddwarf.implementations.base import run_pipeline
from reddwarf.utils.matrix import generate_raw_matrix
from reddwarf.utils.stats import calculate_comment_statistics_dataframes, select_representative_statements
from sklearn.metrics import adjusted_rand_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reports.analysis.opinion_groups import analyse  # noqa: E402
from reports.analysis.polis import load_conversation  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "polis"
COPIES = ROOT / "tests" / "data" / "polis"
OUR_RUNS, REDDWARF_RUNS = 7, 3
PROJECTION_TOLERANCE = 1e-3  # the two PCAs agree to 2.5e-4 on the shared conversations


@dataclass(frozen=True)
class Measure:
    """One conversation: timings, our ARI and red-dwarf's against Pol.is, and whether the work matched."""

    name: str
    ours_seconds: float
    reddwarf_seconds: float
    ours_k: int | None
    reddwarf_k: int
    ours_ari: float
    reddwarf_ari: float
    projection_error: float
    same_majority: bool
    same_repness: bool

    @property
    def failures(self) -> list[str]:
        found = []
        if self.ours_ari < self.reddwarf_ari:
            found.append(f"ARI {self.ours_ari:.3f} below red-dwarf's {self.reddwarf_ari:.3f}")
        if not self.projection_error <= PROJECTION_TOLERANCE:
            found.append(f"projection differs from red-dwarf's by {self.projection_error:.2e}")
        if not self.same_majority:
            found.append("majority lists differ from red-dwarf's")
        if not self.same_repness:
            found.append("representative statements differ from red-dwarf's")
        return found


def timed(function, runs):
    function()  # warm-up: imports, caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def ari(reference, labels):
    both = (reference >= 0) & (labels >= 0)
    return float(adjusted_rand_score(reference[both], labels[both]))


def report_measure(folder, *, our_runs=OUR_RUNS, reddwarf_runs=REDDWARF_RUNS, extras=True) -> Measure:
    """Run both engines on one Pol.is export and compare them; `extras` adds the fixed-k and badge timings."""
    folder = Path(folder)
    warnings.filterwarnings("ignore")  # red-dwarf's pydantic and pandas warnings
    start = time.perf_counter()
    conversation = load_conversation(folder)
    load_seconds = time.perf_counter() - start
    votes = conversation.votes
    zeroed = [int(s) for s in votes.statement_ids[votes.zeroed]]
    # red-dwarf's input: one dict per vote (built outside the timing, as our loading is).
    vote_dicts = [
        {"participant_id": int(p), "statement_id": int(s), "vote": int(v), "modified": 0}
        for p, s, v in zip(
            votes.participant_ids[votes.rows], votes.statement_ids[votes.cols], votes.values, strict=True
        )
    ]
    n, m = votes.shape
    print(
        f"{folder.name}: {n} participants × {m} statements, {votes.values.size} votes, {len(zeroed)} zeroed"
    )
    print(f"  load (participants-votes.csv): {load_seconds:.3f} s")

    ours_seconds, ours = timed(lambda: analyse(votes, seed=0), our_runs)
    theirs_seconds, theirs = timed(
        lambda: run_pipeline(votes=vote_dicts, mod_out_statement_ids=zeroed, random_state=0), reddwarf_runs
    )
    print(f"  ours:      {ours_seconds * 1000:8.1f} ms (median of {our_runs})  k={ours.k}")
    print(f"  red-dwarf: {theirs_seconds * 1000:8.1f} ms (median of {reddwarf_runs})")
    polis = conversation.polis_labels()
    if extras:
        forced_seconds, forced = timed(lambda: analyse(votes, k=conversation.groups, seed=0), our_runs)
        badge_seconds, badged = timed(lambda: analyse(votes, seed=0, resamples=10), 1)
        stability = badged.stability
        print(
            f"  ours, k fixed to Pol.is's {conversation.groups}: {forced_seconds * 1000:.1f} ms, "
            f"ARI {ari(polis, forced.labels):.3f}"
        )
        print(
            f"  ours with the stability badge (10 resamples): {badge_seconds:.2f} s, badge={stability.badge} "
            f"same_k={stability.same_k_share:.1f} median_ari={stability.median_ari:.2f} "
            f"ks={list(stability.ks)}"
        )

    projection = np.array([theirs.participant_projections[int(p)] for p in votes.participant_ids])
    error = max(
        min(
            np.abs(projection[:, a] - ours.projection[:, a]).max(),
            np.abs(projection[:, a] + ours.projection[:, a]).max(),
        )
        for a in range(2)
    )
    same_majority = all(
        [s["tid"] for s in theirs.consensus[d]] == [s.statement_id for s in getattr(ours, f"majority_{d}")]
        for d in ("agree", "disagree")
    )
    clustered = votes.participant_ids[ours.clustered]
    stats, _ = calculate_comment_statistics_dataframes(
        vote_matrix=generate_raw_matrix(votes=vote_dicts).loc[clustered, :],
        cluster_labels=ours.labels[ours.clustered],
    )
    repness = select_representative_statements(
        grouped_stats_df=stats, mod_out_statement_ids=zeroed, pick_max=5, confidence=0.9
    )
    same_repness = all(
        [(s["tid"], s["repful-for"]) for s in repness[g.id]]
        == [(r.statement_id, r.direction) for r in g.representatives]
        for g in ours.groups
    )
    theirs_labels = (
        theirs.participants_df["cluster_id"].reindex(votes.participant_ids).fillna(-1).to_numpy(int)
    )
    measure = Measure(
        name=folder.name,
        ours_seconds=ours_seconds,
        reddwarf_seconds=theirs_seconds,
        ours_k=ours.k,
        reddwarf_k=len(set(theirs_labels[theirs_labels >= 0].tolist())),
        ours_ari=ari(polis, ours.labels),
        reddwarf_ari=ari(polis, theirs_labels),
        projection_error=float(error),
        same_majority=same_majority,
        same_repness=same_repness,
    )
    print(f"  projection vs red-dwarf: max |Δ| {error:.2e} (each axis up to sign)")
    print(f"  majority lists identical to red-dwarf's: {same_majority}")
    print(f"  representative statements identical to red-dwarf's (given our groups): {same_repness}")
    print(f"  clustered: ours {int(ours.clustered.sum())}, Pol.is {int((polis >= 0).sum())}")
    print(f"  k-buffer (best k of the full run, then at 90/80/70 % of participants): {list(ours.k_history)}")
    print(
        f"  ARI vs Pol.is (k={conversation.groups}): ours k={measure.ours_k} {measure.ours_ari:.3f}, "
        f"red-dwarf k={measure.reddwarf_k} {measure.reddwarf_ari:.3f}"
    )
    return measure


def exports(target: Path) -> list[Path]:
    """One export, or every export inside a folder of exports (smallest vote file first)."""
    if (target / "participants-votes.csv").exists():
        return [target]
    found = [folder for folder in target.glob("*") if (folder / "participants-votes.csv").exists()]
    return sorted(found, key=lambda folder: (folder / "participants-votes.csv").stat().st_size)


def main() -> int:
    argument = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else os.environ.get("POLIS")
    target = Path(argument) if argument else (SHARED if SHARED.exists() else COPIES)
    folders = exports(target)
    if not folders:
        print(f"no Pol.is export in {target} (POLIS=<folder with participants-votes.csv>)", file=sys.stderr)
        return 2
    measures = [report_measure(folder) for folder in folders]
    print()
    header = ("conversation", "ours k", "ours ARI", "red-dwarf k", "red-dwarf ARI", "speedup")
    print(f"{header[0]:40} {header[1]:>6} {header[2]:>9} {header[3]:>11} {header[4]:>13} {header[5]:>8}")
    for measure in measures:
        print(
            f"{measure.name:40} {measure.ours_k or 0:6d} {measure.ours_ari:9.3f} {measure.reddwarf_k:11d} "
            f"{measure.reddwarf_ari:13.3f} {measure.reddwarf_seconds / measure.ours_seconds:7.1f}×"
        )
    failed = [(measure.name, failure) for measure in measures for failure in measure.failures]
    for name, failure in failed:
        print(f"FAIL {name}: {failure}", file=sys.stderr)
    ahead = sum(measure.ours_ari >= measure.reddwarf_ari for measure in measures)
    speedup = sum(m.reddwarf_seconds for m in measures) / sum(m.ours_seconds for m in measures)
    print(f"ours at least red-dwarf's ARI on {ahead}/{len(measures)} conversations")
    print(
        f"speedup_vs_reddwarf={speedup:.1f} ari_vs_polis={min(measure.ours_ari for measure in measures):.3f}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
