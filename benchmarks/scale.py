"""`make bench-scale`: the opinion-groups engine on synthetic consultations far larger than any shared one.

Part 1 (always): 33,000 participants × 800 statements, about 1.5 million votes, in memory — the time of
`analyse` (PCA, groups, statement statistics), and of building its input. BENCH_PARTICIPANTS,
BENCH_STATEMENTS and BENCH_SEEN change its size (e.g. 1000000, 10000, 0.0028 for 28M votes in memory).

Parts 2 and 3 of the issue (1M × 10,000 statements, 28M votes, end to end from PostgreSQL; a Grand Débat
questionnaire of 500,000 responses) are not written yet: the last line says `not-run` for them rather
than a number nobody measured.

The votes are drawn from three latent opinion groups (each statement has an agree probability per group),
each participant seeing a random 5 % of the statements, so the method has something real to find.
The last line reads `votes_1_5m_s=<s> votes_28m_s=<s> grand_debat_s=<s> peak_rss_mb=<MB>`.
"""

import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from consultations.feedback.analysis.opinion_groups import VoteMatrix, analyse

PARTICIPANTS = int(os.environ.get("BENCH_PARTICIPANTS", "33000"))
STATEMENTS = int(os.environ.get("BENCH_STATEMENTS", "800"))
SEEN = float(os.environ.get("BENCH_SEEN", "0.057"))  # the share of statements each person votes on
GROUPS = 3


def synthetic_votes(participants: int, statements: int, seen: float, seed: int = 7):
    rng = np.random.default_rng(seed)
    group = rng.integers(0, GROUPS, size=participants)
    agree_probability = rng.uniform(0.1, 0.9, size=(GROUPS, statements))
    per_person = rng.binomial(statements, seen, size=participants)
    rows = np.repeat(np.arange(participants), per_person)
    # Statements seen by each person: drawn independently (duplicates dropped below).
    cols = rng.integers(0, statements, size=rows.size)
    pairs = np.unique(rows.astype(np.int64) * statements + cols)
    rows, cols = pairs // statements, pairs % statements
    draw = rng.random(rows.size)
    p_agree = agree_probability[group[rows], cols]
    values = np.where(draw < p_agree * 0.85, 1, np.where(draw > 0.9, 0, -1)).astype(np.int8)
    return rows + 1, cols + 1, values, group


def main() -> None:
    start = time.perf_counter()
    participants, statements, values, truth = synthetic_votes(PARTICIPANTS, STATEMENTS, SEEN)
    generated = time.perf_counter() - start
    start = time.perf_counter()
    votes = VoteMatrix.from_triples(participants, statements, values)
    built = time.perf_counter() - start
    start = time.perf_counter()
    report = analyse(votes, seed=0)
    analysed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    from sklearn.metrics import adjusted_rand_score

    grouped = report.labels >= 0 if report.labels is not None else np.zeros(len(truth), bool)
    ari = adjusted_rand_score(truth[grouped], report.labels[grouped]) if grouped.any() else float("nan")
    print(f"votes: {values.size:,} from {PARTICIPANTS:,} participants on {STATEMENTS:,} statements")
    print(f"generate {generated:.2f} s, build the vote matrix {built:.2f} s, analyse {analysed:.2f} s")
    print(f"groups found: {report.k}; ARI against the latent groups: {ari:.3f}")
    key = (
        "votes_1_5m_s"
        if (PARTICIPANTS, STATEMENTS) == (33_000, 800)
        else f"votes_{values.size / 1e6:.1f}m_in_memory_s"
    )
    print(f"{key}={built + analysed:.2f} votes_28m_s=not-run grand_debat_s=not-run peak_rss_mb={peak_mb:.0f}")


if __name__ == "__main__":
    main()
