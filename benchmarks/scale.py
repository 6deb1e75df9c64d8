"""`make bench-scale`: the opinion-groups engine on synthetic consultations far larger than any shared one.

Part 1 (always): 33,000 participants × 800 statements, about 1.5 million votes, in memory — the time of
`analyse` (PCA, groups, statement statistics), and of building its input. BENCH_PARTICIPANTS,
BENCH_STATEMENTS and BENCH_SEEN change its size (e.g. 1000000, 10000, 0.0028 for 28M votes in memory).

Part 2 (needs PostgreSQL): 1,000,000 participants × 10,000 statements, about
28M votes, end to end from PostgreSQL — a fresh database (`BENCH_SCALE_DATABASE_URL`, default
postgres://postgres@127.0.0.1:5432/concerto_scale, dropped and recreated), the votes loaded by binary
`COPY FROM` (the benchmark's own setup: foreign keys and indexes of the vote table are dropped first, as
for a bulk load; not timed), then timed: a plain `COPY … TO` of the same rows for reference, our
`loaders.vote_rows`, building the vote matrix and `analyse`.

Part 3 (needs PostgreSQL): a Grand Débat questionnaire, 500,000 responses × 20 questions with 1,000,000
long free-text answers, compiled end to end from the same database (benchmarks/grand_debat.py).

BENCH_PARTS (default 1,2,3) runs some parts only; a part not run reads `not-run` on the last line. Part 2
runs only at part 1's default size. Parts 2 and 3 set Django up with `make bench-votes`'s production
settings, so their cache is `BENCH_REDIS_URL` (default Redis database 9).

The votes are drawn from three latent opinion groups (each statement has an agree probability per group),
each participant seeing a random 5 % of the statements, so the method has something real to find.
The run fails (exit status 1) when the work was not done: part 1 not finding the three groups it drew
(ARI against them below 0.4), or part 3's report not counting every response, a long-text question
without themes, or no cross-tab.
The last line reads `votes_1_5m_s=<s> votes_28m_s=<s> grand_debat_s=<s> peak_rss_mb=<MB>`.
"""

import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import grand_debat
from reports.analysis.opinion_groups import VoteMatrix, analyse

PARTICIPANTS = int(os.environ.get("BENCH_PARTICIPANTS", "33000"))
STATEMENTS = int(os.environ.get("BENCH_STATEMENTS", "800"))
SEEN = float(os.environ.get("BENCH_SEEN", "0.057"))  # the share of statements each person votes on
GROUPS = 3
MIN_ARI = 0.4  # 0.87 at the default size; 0.53 at 3,000 × 200 seeing 10 %, 0.75 at 900 × 100 seeing 40 %


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


SCALE_DATABASE_URL = os.environ.get(
    "BENCH_SCALE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/concerto_scale"
)
EPOCH_2000_US = 946_684_800_000_000  # PostgreSQL's binary timestamps count from 2000-01-01


_database_ready = False


def scale_database() -> None:
    """Django on a fresh, migrated benchmark database (once per run: parts 2 and 3 share it)."""
    global _database_ready
    if _database_ready:
        return
    from benchmarks import votes as bench_votes
    from benchmarks.databases import database_recreate

    database_recreate(SCALE_DATABASE_URL)
    os.environ.update({**bench_votes.ENVIRONMENT, "DATABASE_URL": SCALE_DATABASE_URL})
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    _database_ready = True


def from_postgresql() -> tuple[float, str]:
    """Part 2: the 28M-vote consultation end to end from PostgreSQL; (seconds, report lines)."""
    import psycopg

    scale_database()
    from accounts.models import Organisation
    from consultations.models import Statement
    from reports import loaders
    from tests.factories import consultation_create

    consultation = consultation_create(
        organisation=Organisation.objects.create(name="Grand débat (banc d’essai)", slug="grand-debat"),
        statements_enabled=True,
    )
    statements = Statement.objects.bulk_create(
        Statement(consultation=consultation, text=f"Proposition {n}") for n in range(10_000)
    )
    first_statement = statements[0].pk
    participants, columns, values, _truth = synthetic_votes(1_000_000, 10_000, 0.0028, seed=11)
    start = time.perf_counter()
    with psycopg.connect(SCALE_DATABASE_URL, autocommit=True) as connection:
        # A bulk load: the vote table's foreign keys and secondary indexes go first (a throwaway database).
        constraints = connection.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'consultations_vote'::regclass "
            "AND contype IN ('f', 'u')"
        ).fetchall()
        for (name,) in constraints:
            connection.execute(f'ALTER TABLE consultations_vote DROP CONSTRAINT "{name}"')
        indexes = connection.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'consultations_vote' "
            "AND indexname NOT LIKE '%pkey'"
        ).fetchall()
        for (name,) in indexes:
            connection.execute(f'DROP INDEX "{name}"')
        _copy_in(connection, participants, columns + first_statement - 1, values)
        connection.execute("CREATE INDEX ON consultations_vote (statement_id)")
        # Only the votes are analysed; the statements table is left without statistics, as a table
        # autovacuum has not visited yet: the loader must not depend on them.
        connection.execute("ANALYZE consultations_vote")
    loaded = time.perf_counter() - start
    del participants, columns, values

    with psycopg.connect(SCALE_DATABASE_URL) as connection:
        start = time.perf_counter()
        size = 0
        sql = (
            "COPY (SELECT participant_id, statement_id, value FROM consultations_vote) "
            "TO STDOUT (FORMAT binary)"
        )
        with connection.cursor().copy(sql) as copy:
            for chunk in copy:
                size += len(chunk)
        plain_copy = time.perf_counter() - start

    start = time.perf_counter()
    rows = loaders.vote_rows(consultation.pk)
    read = time.perf_counter() - start
    start = time.perf_counter()
    votes = VoteMatrix.from_triples(rows.participants, rows.statements, rows.values)
    del rows
    built = time.perf_counter() - start
    start = time.perf_counter()
    report = analyse(votes, seed=0)
    analysed = time.perf_counter() - start
    total = read + built + analysed
    lines = (
        f"PostgreSQL: {votes.values.size:,} votes loaded in {loaded:.0f} s (setup, not timed); "
        f"plain COPY TO {plain_copy:.1f} s ({size / 1e6:.0f} MB)\n"
        f"read (loaders.vote_rows) {read:.1f} s, build {built:.1f} s, analyse {analysed:.1f} s, "
        f"groups found: {report.k}"
    )
    return total, lines


def _copy_in(connection, participants, statements, values, chunk=2_000_000) -> None:
    """Binary COPY of the votes: numpy writes the fixed-width rows, PostgreSQL reads them as they are."""
    row = np.dtype(
        [
            ("fields", ">i2"),
            ("l1", ">i4"), ("statement", ">i8"),
            ("l2", ">i4"), ("participant", ">i8"),
            ("l3", ">i4"), ("value", ">i2"),
            ("l4", ">i4"), ("created", ">i8"),
            ("l5", ">i4"), ("updated", ">i8"),
        ]
    )  # fmt: skip
    now = int(time.time() * 1_000_000) - EPOCH_2000_US
    sql = (
        "COPY consultations_vote (statement_id, participant_id, value, created_at, updated_at) "
        "FROM STDIN (FORMAT binary)"
    )
    with connection.cursor().copy(sql) as copy:
        copy.write(b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big"))
        for start in range(0, len(values), chunk):
            part = slice(start, start + chunk)
            rows = np.zeros(len(values[part]), dtype=row)
            rows["fields"] = 5
            rows["l1"], rows["l2"], rows["l3"], rows["l4"], rows["l5"] = 8, 8, 2, 8, 8
            rows["statement"], rows["participant"] = statements[part], participants[part]
            rows["value"], rows["created"], rows["updated"] = values[part], now, now
            copy.write(rows.tobytes())
        copy.write((-1).to_bytes(2, "big", signed=True))


def latent_groups_ari(votes: VoteMatrix, labels, truth) -> float:
    """The ARI of the groups found against the latent groups the votes were drawn from (grouped people)."""
    drawn = truth[votes.participant_ids - 1]  # participant ids are 1-based indexes into `truth`
    grouped = labels >= 0 if labels is not None else np.zeros(len(drawn), bool)
    return float(adjusted_rand_score(drawn[grouped], labels[grouped])) if grouped.any() else float("nan")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parts = set(os.environ.get("BENCH_PARTS", "1,2,3").split(","))
    default_size = (PARTICIPANTS, STATEMENTS) == (33_000, 800)
    results = {"votes_1_5m_s": "not-run", "votes_28m_s": "not-run", "grand_debat_s": "not-run"}
    failures = []
    if "1" in parts:
        start = time.perf_counter()
        participants, statements, values, truth = synthetic_votes(PARTICIPANTS, STATEMENTS, SEEN)
        generated = time.perf_counter() - start
        start = time.perf_counter()
        votes = VoteMatrix.from_triples(participants, statements, values)
        built = time.perf_counter() - start
        start = time.perf_counter()
        report = analyse(votes, seed=0)
        analysed = time.perf_counter() - start

        ari = latent_groups_ari(votes, report.labels, truth)
        if report.k != GROUPS or not ari >= MIN_ARI:
            failures.append(f"found {report.k} groups (ARI {ari:.3f}) where {GROUPS} were drawn")
        print(f"votes: {values.size:,} from {PARTICIPANTS:,} participants on {STATEMENTS:,} statements")
        print(f"generate {generated:.2f} s, build the vote matrix {built:.2f} s, analyse {analysed:.2f} s")
        print(
            f"groups found: {report.k}; ARI against the latent groups: {ari:.3f}; peak {peak_rss_mb():.0f} MB"
        )
        key = "votes_1_5m_s" if default_size else f"votes_{values.size / 1e6:.1f}m_in_memory_s"
        results.pop("votes_1_5m_s")
        results = {key: f"{built + analysed:.2f}", **results}
        del participants, statements, values, truth, votes, report
    if "2" in parts and default_size:
        seconds, lines = from_postgresql()
        results["votes_28m_s"] = f"{seconds:.1f}"
        print(f"{lines}; peak {peak_rss_mb():.0f} MB")
    if "3" in parts:
        scale_database()
        seconds, lines, found = grand_debat.run(SCALE_DATABASE_URL)
        failures += found
        results["grand_debat_s"] = f"{seconds:.1f}"
        print(f"{lines}; peak {peak_rss_mb():.0f} MB")
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    print(" ".join(f"{key}={value}" for key, value in results.items()) + f" peak_rss_mb={peak_rss_mb():.0f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
