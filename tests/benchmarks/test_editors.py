"""`make bench-editors` at a tiny scale: a change that breaks the benchmark (or the editors it times)
fails here, not the next time someone measures."""

import pytest

from accounts.models import Territory
from benchmarks.editors import editors_measure
from tests.factories import TerritoryFactory

pytestmark = pytest.mark.django_db


def test_the_editors_benchmark_times_each_editor_showing_the_chosen_territory():
    departement = TerritoryFactory(kind=Territory.Kind.DEPARTEMENT, code="93", name="Seine-Saint-Denis")
    saint_denis = TerritoryFactory(code="93066", name="Saint-Denis", parent=departement)
    TerritoryFactory.create_batch(20)

    measures, floor = editors_measure(territory=saint_denis, runs=1)

    assert [measure.label for measure in measures] == [
        f"{kind} {action}"
        for kind in ("consultation", "call", "vote", "initiative")
        for action in ("edit", "add")
    ]
    assert all(measure.median_ms > 0 and measure.queries > 0 for measure in [*measures, floor])
    assert max(measure.html_kb for measure in measures) < 300
