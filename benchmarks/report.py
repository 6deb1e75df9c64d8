"""`make bench-report`: our opinion-groups engine against red-dwarf 0.4.0, on the same Pol.is conversation.

In one run, on the same votes loaded once from a Pol.is export (`POLIS=<folder>`, default the largest shared
conversation, `../shared/data/polis/american-assembly.bowling-green` next to the checkout):

1. **ours** — `reports.analysis.opinion_groups.analyse` (PCA, base clusters, k by silhouette,
   statement statistics), without the stability resamples (red-dwarf has none);
2. **red-dwarf** — `reddwarf.implementations.base.run_pipeline` with the same zeroed statements.

Each is timed as the median of several runs, after one warm-up. Then agreement: the projections (up to each
axis's sign), the majority lists, the representative statements given our groups, and the ARI of each side's
groups against Pol.is's exported `group-id` (participants grouped by both, spec §11).
The last line reads `speedup_vs_reddwarf=<red-dwarf time / ours> ari_vs_polis=<our ARI>`.
"""

import os
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reports.analysis.opinion_groups import analyse  # noqa: E402
from reports.analysis.polis import load_conversation  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "data" / "polis" / "american-assembly.bowling-green"
OUR_RUNS, REDDWARF_RUNS = 7, 3


def timed(function, runs):
    function()  # warm-up: imports, caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def ari(reference, labels):
    from sklearn.metrics import adjusted_rand_score

    both = (reference >= 0) & (labels >= 0)
    return adjusted_rand_score(reference[both], labels[both])


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else os.environ.get("POLIS") or DEFAULT)
    if not (folder / "participants-votes.csv").exists():
        sys.exit(f"no Pol.is export in {folder} (POLIS=<folder with participants-votes.csv>)")
    warnings.filterwarnings("ignore")  # red-dwarf's pydantic and pandas warnings
    from reddwarf.implementations.base import run_pipeline
    from reddwarf.utils.matrix import generate_raw_matrix
    from reddwarf.utils.stats import calculate_comment_statistics_dataframes, select_representative_statements

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
    print(f"load (participants-votes.csv): {load_seconds:.3f} s")

    ours_seconds, ours = timed(lambda: analyse(votes, seed=0), OUR_RUNS)
    theirs_seconds, theirs = timed(
        lambda: run_pipeline(votes=vote_dicts, mod_out_statement_ids=zeroed, random_state=0), REDDWARF_RUNS
    )
    forced_seconds, forced = timed(lambda: analyse(votes, k=conversation.groups, seed=0), OUR_RUNS)
    badge_seconds, badged = timed(lambda: analyse(votes, seed=0, resamples=10), 1)
    print(f"ours:      {ours_seconds * 1000:8.1f} ms (median of {OUR_RUNS})  k={ours.k}")
    print(f"red-dwarf: {theirs_seconds * 1000:8.1f} ms (median of {REDDWARF_RUNS})")
    print(f"ours, k fixed to Pol.is's {conversation.groups}: {forced_seconds * 1000:.1f} ms")
    stability = badged.stability
    print(
        f"ours with the stability badge (10 resamples): {badge_seconds:.2f} s, badge={stability.badge} "
        f"same_k={stability.same_k_share:.1f} median_ari={stability.median_ari:.2f} ks={list(stability.ks)}"
    )

    polis = conversation.polis_labels()
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
    theirs_k = len(set(theirs_labels[theirs_labels >= 0].tolist()))
    print(f"projection vs red-dwarf: max |Δ| {error:.2e} (each axis up to sign)")
    print(f"majority lists identical to red-dwarf's: {same_majority}")
    print(f"representative statements identical to red-dwarf's (given our groups): {same_repness}")
    print(f"clustered: ours {int(ours.clustered.sum())}, Pol.is {int((polis >= 0).sum())}")
    print(f"ARI vs Pol.is: ours k={ours.k} {ari(polis, ours.labels):.3f}")
    print(f"ARI vs Pol.is: ours k={forced.k} (fixed) {ari(polis, forced.labels):.3f}")
    print(f"ARI vs Pol.is: red-dwarf k={theirs_k} {ari(polis, theirs_labels):.3f}")
    print(
        f"speedup_vs_reddwarf={theirs_seconds / ours_seconds:.1f} ari_vs_polis={ari(polis, ours.labels):.3f}"
    )


if __name__ == "__main__":
    main()
