"""`make bench-report` at a tiny scale: one run of each engine on the smallest shared conversation, so
a change that breaks the benchmark (or lets our groups fall behind red-dwarf's) fails here, not the next
time someone measures."""

import sys
from pathlib import Path

import pytest

from benchmarks import report
from benchmarks.report import exports, report_measure

POLIS = Path(__file__).resolve().parents[1] / "data" / "polis"


@pytest.fixture(scope="module")
def measure():
    smallest = exports(POLIS)[0]
    assert smallest.name == "brexit-consensus"
    return report_measure(smallest, our_runs=1, reddwarf_runs=1, extras=False)


def test_the_report_benchmark_compares_our_groups_and_red_dwarfs_with_polis(measure):
    assert measure.failures == []
    assert measure.projection_error < 1e-6
    assert measure.ours_k == 2
    assert measure.reddwarf_k == 3
    assert measure.ours_ari >= 0.85 > measure.reddwarf_ari
    assert measure.ours_seconds < measure.reddwarf_seconds


def test_the_report_benchmark_names_what_falls_behind(measure):
    behind = type(measure)(**{**measure.__dict__, "ours_ari": 0.1, "same_majority": False})

    assert behind.failures == [
        f"ARI 0.100 below red-dwarf's {measure.reddwarf_ari:.3f}",
        "majority lists differ from red-dwarf's",
    ]


def test_the_report_benchmark_exits_with_failure_and_names_it_when_the_work_differs(
    measure, monkeypatch, capsys
):
    differs = type(measure)(**{**measure.__dict__, "projection_error": 0.01})
    monkeypatch.setattr(report, "report_measure", lambda folder: differs)
    monkeypatch.setattr(sys, "argv", ["report.py", str(POLIS / "brexit-consensus")])

    assert report.main() == 1

    printed = capsys.readouterr()
    assert printed.err == "FAIL brexit-consensus: projection differs from red-dwarf's by 1.00e-02\n"
    assert printed.out.splitlines()[-1].startswith("speedup_vs_reddwarf=")
