"""`make bench-tally`: counting a large participatory-budget vote from PostgreSQL.

A call with 5,000 dossiers on the ballot and 50,000 ballots (a basket vote; each ballot chooses 1 to 10
projects, popular projects more often: about 275,000 choices) is written into a fresh database
(BENCH_TALLY_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/concerto_tally, dropped and
recreated) by `COPY` — the setup, not timed. Then timed: `selectors.vote_tally`, what the results page
and the Pabulib export run — reading the choices from PostgreSQL as rows and counting them with numpy,
then ranking and the greedy selection within the budget; and, for information, the Pabulib export.

Sizes: BENCH_PROJECTS (5000), BENCH_BALLOTS (50000). The run fails (exit status 1) unless the count
covers every dossier on the ballot, every ballot and every choice, and its winners fit in the budget.
The last line reads `tally_seconds=<s>` (target: under 5 s).
"""

import io
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.databases import database_recreate  # noqa: E402

DATABASE_URL = os.environ.get("BENCH_TALLY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/concerto_tally")
PROJECTS = int(os.environ.get("BENCH_PROJECTS", "5000"))
BALLOTS = int(os.environ.get("BENCH_BALLOTS", "50000"))


def fixture_create():
    """The call, its selected projects, the vote and its ballots (voters left out: a ballot's count
    does not depend on who cast it)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Organisation, Territory
    from budgets.models import PublicVote, ballot_public_id
    from calls.models import CallPage, Project
    from cms.models import HomePage

    rng = np.random.default_rng(11)
    now = timezone.now()
    organisation = Organisation.objects.create(name="Ville de Banc-d'Essai", slug="banc-d-essai")
    commune = Territory.objects.create(
        kind="commune", code="99999", name="Banc-d'Essai", search_name="banc d essai"
    )
    call = CallPage(
        title="Budget participatif (banc d'essai)",
        organisation=organisation,
        objectives="Mesurer le dépouillement.",
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=60),
        laureates_published_at=now - timedelta(days=45),  # the dossiers go on the ballot once published
        total_budget=5_000_000,
    )
    HomePage.objects.get().add_child(instance=call)
    costs = rng.integers(5, 100, size=PROJECTS) * 1000
    Project.objects.bulk_create(
        (
            Project(
                call=call,
                title=f"Projet {n}",
                amount_requested=int(costs[n]),
                status=Project.Status.SELECTED,
                submitted_at=now,
            )
            for n in range(PROJECTS)
        ),
        batch_size=2000,
    )
    project_ids = np.array(sorted(Project.objects.filter(call=call).values_list("pk", flat=True)))
    vote = PublicVote.objects.create(
        call=call,
        method="basket",
        budget=5_000_000,
        max_projects=10,
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=1),
    )
    popularity = 1.0 / np.arange(1, PROJECTS + 1) ** 0.8
    popularity /= popularity.sum()
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(
            "COPY budgets_ballot (vote_id, channel, paper_reference, public_id, birth_year, commune_id, "
            "created_at, updated_at) FROM STDIN"
        ) as copy:
            for _ in range(BALLOTS):
                copy.write_row((vote.pk, "online", "", ballot_public_id(), 1980, commune.pk, now, now))
        cursor.execute("SELECT id FROM budgets_ballot WHERE vote_id = %s ORDER BY id", [vote.pk])
        ballot_ids = [row[0] for row in cursor.fetchall()]
        sizes = rng.integers(1, 11, size=BALLOTS)
        with raw.copy("COPY budgets_ballotchoice (ballot_id, project_id) FROM STDIN") as copy:
            for ballot_id, size in zip(ballot_ids, sizes, strict=True):
                for index in rng.choice(PROJECTS, size=size, replace=False, p=popularity):
                    copy.write_row((ballot_id, int(project_ids[index])))
        cursor.execute("ANALYZE budgets_ballot; ANALYZE budgets_ballotchoice")
    return vote, int(sizes.sum())


def tally_failures(result, *, choices: int) -> list[str]:
    """What the count missed: dossiers, ballots or choices not counted, winners beyond the budget."""
    found = []
    if len(result.projects) != PROJECTS:
        found.append(f"{len(result.projects)} of {PROJECTS} dossiers on the ballot")
    if result.ballots != BALLOTS:
        found.append(f"{result.ballots} of {BALLOTS} ballots counted")
    counted = sum(project.votes for project in result.projects)
    if counted != choices:
        found.append(f"{counted} of {choices} choices counted")
    if not result.winners or result.spent > result.budget:
        found.append(f"{len(result.winners)} winners costing {result.spent:,.0f} € of {result.budget:,.0f} €")
    return found


def main() -> int:
    database_recreate(DATABASE_URL)
    os.environ.update(
        {"DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": DATABASE_URL, "LOG_LEVEL": "WARNING"}
    )
    os.environ.pop("REDIS_URL", None)  # a local-memory cache: the timed count is never read from a cache
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    vote, choices = fixture_create()
    setup_seconds = time.perf_counter() - started
    print(f"setup: {PROJECTS} projects, {BALLOTS} ballots, {choices} choices in {setup_seconds:.1f} s")

    from budgets.exports import pabulib_write
    from budgets.selectors import vote_tally

    vote_tally(vote)  # warm-up: imports, the connection, PostgreSQL's caches
    started = time.perf_counter()
    result = vote_tally(vote)
    tally_seconds = time.perf_counter() - started
    print(
        f"counted: {result.ballots} ballots, {len(result.winners)} winners costing {result.spent:,.0f} € "
        f"of {result.budget:,.0f} €"
    )
    started = time.perf_counter()
    out = io.StringIO()
    pabulib_write(vote, out)
    print(f"pabulib_seconds={time.perf_counter() - started:.2f} ({len(out.getvalue()) / 1e6:.1f} MB)")
    for failure in tally_failures(result, choices=choices):
        print(f"FAIL {failure}", file=sys.stderr)
    print(f"tally_seconds={tally_seconds:.2f}")
    return 1 if tally_failures(result, choices=choices) else 0


if __name__ == "__main__":
    sys.exit(main())
