"""`make bench-editors`: the back office's editors that choose a territory, with the whole referential.

Every consultation, call, public vote and initiative names a territory; with the French referential
loaded (36,000 territories) their editors once took minutes (a select of every territory, a query per
commune). Into a fresh database (BENCH_EDITORS_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/concerto_editors, dropped and recreated) the benchmark migrates, loads
the referential of `../shared/data/territoires` (`territories_load`), and makes one page of each kind
set to Saint-Denis (93066) — the setup, not timed. Then, signed in as an administrator through Django's
test client (the whole request: middleware, permissions, rendering), each editor, to edit and to add,
is asked BENCH_RUNS (5) times after one warm-up; each answer must be the editor itself (200, the chooser
in it, and on an edit page the chosen territory's label), or the benchmark fails.

The floor, in the same run: the editor of the home page (a title and a text), Wagtail's own cost of a
page editor on this machine. The last line reads
`editor_ms=<slowest editor's median> floor_ms=<home page editor's median> editor_ratio=<their ratio>
html_kb=<largest editor> territories=<referential size>` (target: every editor under 1 s).
"""

import os
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.databases import database_recreate  # noqa: E402

DATABASE_URL = os.environ.get(
    "BENCH_EDITORS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/concerto_editors"
)
RUNS = int(os.environ.get("BENCH_RUNS", "5"))


@dataclass
class Measure:
    label: str
    median_ms: float
    html_kb: float
    queries: int


def pages_make(*, territory):
    """One page of each kind that chooses a territory, set to `territory`; and an administrator."""
    from allauth.mfa.totp.internal.auth import TOTP
    from django.utils import timezone

    from accounts.models import Organisation, User
    from budgets.models import PublicVote
    from calls.models import CallPage
    from cms.models import HomePage
    from commons.models import Initiative
    from consultations.models import ConsultationPage

    now = timezone.now()
    admin = User.objects.create(email="bench-editors@example.org", pseudonym="Bench", is_staff=True)
    admin.is_superuser = True
    admin.save()
    TOTP.activate(admin, "JBSWY3DPEHPK3PXP")  # staff without two-factor are sent to set it up
    organisation = Organisation.objects.create(slug="bench-editors", name="Bench")
    home = HomePage.objects.get()
    consultation = home.add_child(
        instance=ConsultationPage(
            title="Bench consultation",
            slug="bench-editors-consultation",
            organisation=organisation,
            introduction="<p>x</p>",
            ideas_enabled=True,
            decision_at_stake="x",
            what_can_change="x",
            use_of_contributions="x",
            opens_at=now,
            closes_at=now + timedelta(days=10),
            audience="territory",
            audience_territory=territory,
        )
    )
    call = home.add_child(
        instance=CallPage(
            title="Bench call",
            slug="bench-editors-call",
            organisation=organisation,
            objectives="x",
            opens_at=now,
            closes_at=now + timedelta(days=10),
            territory=territory,
        )
    )
    vote = PublicVote.objects.create(
        call=call,
        method="approval",
        opens_at=now + timedelta(days=20),
        closes_at=now + timedelta(days=30),
        residence_territory=territory,
    )
    initiative = Initiative.objects.create(
        title="Bench initiative",
        slug="bench-editors",
        description="x",
        organisation=organisation,
        territory=territory,
        contact="https://example.org",
    )
    return admin, home, consultation, call, vote, initiative


def editors_measure(*, territory, runs: int) -> tuple[list[Measure], Measure]:
    """Each editor's median over `runs` requests, checked to be the editor with the chooser (and, when
    editing, `territory` chosen), and the home page's editor as the floor. Needs Django and a database."""
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from accounts.territories import territory_chooser_label

    admin, home, consultation, call, vote, initiative = pages_make(territory=territory)
    client = Client()
    client.force_login(admin)
    chooser = reverse("territory_chooser:choose")
    label = territory_chooser_label(territory)
    editors = {
        "consultation edit": (reverse("wagtailadmin_pages:edit", args=[consultation.pk]), label),
        "consultation add": (
            reverse("wagtailadmin_pages:add", args=["consultations", "consultationpage", home.pk]),
            None,
        ),
        "call edit": (reverse("wagtailadmin_pages:edit", args=[call.pk]), label),
        "call add": (reverse("wagtailadmin_pages:add", args=["calls", "callpage", home.pk]), None),
        "vote edit": (reverse("budgets_votes:edit", args=[vote.pk]), label),
        "vote add": (reverse("budgets_votes:add"), None),
        "initiative edit": (reverse("commons_initiatives:edit", args=[initiative.pk]), label),
        "initiative add": (reverse("commons_initiatives:add"), None),
    }

    def measure(name: str, url: str, must_show: list[str]) -> Measure:
        client.get(url)  # warm-up: the first request of a process compiles templates
        times, queries = [], []
        for _ in range(runs):
            queries.clear()

            def count(execute, sql, *args):
                queries.append(sql)
                return execute(sql, *args)

            with connection.execute_wrapper(count):
                start = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - start)
            html = response.content.decode()
            if response.status_code != 200 or not all(text in html for text in must_show):
                raise SystemExit(f"{name}: not the editor ({response.status_code}); nothing measured")
        return Measure(name, statistics.median(times) * 1000, len(response.content) / 1024, len(queries))

    measures = [
        measure(name, url, [chooser, *([shown] if shown else [])]) for name, (url, shown) in editors.items()
    ]
    floor = measure(
        "home page edit (floor)", reverse("wagtailadmin_pages:edit", args=[home.pk]), [home.title]
    )
    return measures, floor


def main() -> None:
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")  # Django's test client
    database_recreate(DATABASE_URL)
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.models import Territory
    from accounts.territories import territories_load

    call_command("migrate", verbosity=0)
    territories_load()
    territories = Territory.objects.count()
    saint_denis = Territory.objects.get(kind=Territory.Kind.COMMUNE, code="93066")
    measures, floor = editors_measure(territory=saint_denis, runs=RUNS)
    for measure in [*measures, floor]:
        print(
            f"{measure.label:24} median {measure.median_ms:7.1f} ms {measure.html_kb:8.1f} KB"
            f" {measure.queries:4d} queries"
        )
    slowest = max(measures, key=lambda measure: measure.median_ms)
    print(
        f"editor_ms={slowest.median_ms:.1f} floor_ms={floor.median_ms:.1f}"
        f" editor_ratio={slowest.median_ms / floor.median_ms:.2f}"
        f" html_kb={max(measure.html_kb for measure in measures):.1f} territories={territories}"
    )


if __name__ == "__main__":
    main()
