"""`make bench-scale` at a tiny scale: a change that breaks the benchmark (the synthetic consultation of
parts 1–2, or the bulk load and compile of part 3) fails here, not the next time someone measures."""

from urllib.parse import quote

import pytest
from django.db import connection

from accounts import territories
from accounts.models import Territory, User
from benchmarks import grand_debat, scale
from consultations.models import Answer, Response
from reports.models import ReportSnapshot
from tests.factories import TerritoryFactory


def test_the_scale_benchmark_finds_the_three_opinion_groups_it_drew(capsys, monkeypatch):
    monkeypatch.setattr(scale, "PARTICIPANTS", 900)
    monkeypatch.setattr(scale, "STATEMENTS", 100)
    monkeypatch.setattr(scale, "SEEN", 0.4)
    monkeypatch.setenv("BENCH_PARTS", "1")

    assert scale.main() == 0

    printed = capsys.readouterr().out.splitlines()
    assert "groups found: 3;" in printed[2]
    assert printed[-1].startswith("votes_0.0m_in_memory_s=")
    assert "votes_28m_s=not-run grand_debat_s=not-run" in printed[-1]


def test_the_scale_benchmark_fails_when_its_groups_are_not_the_ones_it_drew(capsys, monkeypatch):
    monkeypatch.setattr(scale, "PARTICIPANTS", 900)
    monkeypatch.setattr(scale, "STATEMENTS", 100)
    monkeypatch.setattr(scale, "SEEN", 0.4)
    monkeypatch.setattr(scale, "MIN_ARI", 1.01)
    monkeypatch.setenv("BENCH_PARTS", "1")

    assert scale.main() == 1

    assert capsys.readouterr().err.startswith("FAIL found 3 groups (ARI 0.")


def _database_url() -> str:
    settings = connection.settings_dict
    user = quote(settings["USER"] or "")
    password = f":{quote(settings['PASSWORD'])}" if settings["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/"
        f"{settings['NAME']}"
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_grand_debat_benchmark_writes_every_row_and_compiles_the_report(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("part 3 loads its rows by PostgreSQL's COPY")
    departement = TerritoryFactory(kind=Territory.Kind.DEPARTEMENT, code="93", name="Seine-Saint-Denis")
    TerritoryFactory.create_batch(5, parent=departement)
    # The whole French referential takes a minute to load: a few communes are enough to cross.
    monkeypatch.setattr(territories, "territories_load", lambda: None)
    monkeypatch.setattr(grand_debat, "RESPONSES", 60)

    seconds, lines, failures = grand_debat.run(_database_url())

    assert seconds > 0
    assert failures == []
    assert "Grand Débat: 60 responses" in lines
    assert Response.objects.filter(status="submitted").count() == 60
    participants = User.objects.filter(email__startswith="gd")
    assert participants.count() == 60
    # Every column written, each at the model's default unless the benchmark sets it.
    assert set(participants.values_list("language", "email_digest", "is_active")) == {("fr", False, True)}
    assert Answer.objects.filter(response__status="submitted").count() > 60 * 15
    snapshot = ReportSnapshot.objects.get()
    assert snapshot.report.participants == 60
    assert len(snapshot.report.themes) == 3
    assert snapshot.report.crosstabs
