"""A Celery worker is killed with SIGKILL (main process and pool) in the middle of a report compile.

Proves: the compile's message is not lost (acknowledged late, given back after the visibility timeout,
here 5 seconds); a fresh worker compiles it to completion; exactly one new version exists afterwards, and
no partial version was ever visible (polled throughout the run).
"""

import random
import time

import pytest
from django.contrib.auth import get_user_model

from consultations.feedback.models import ReportCompileState, ReportSnapshot
from consultations.feedback.services import report_compile_schedule
from consultations.models import Statement, Vote
from tests.factories import consultation_create
from tests.worker import wait_for

from .conftest import settle

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PARTICIPANTS, STATEMENTS = 2500, 50  # about 90,000 votes: a compile that lasts a few seconds


def visible_versions(consultation) -> list[ReportSnapshot]:
    """Every version a reader can see now, each checked complete."""
    versions = list(ReportSnapshot.objects.filter(consultation=consultation))
    for version in versions:
        assert version.vote_count == Vote.objects.filter(statement__consultation=consultation).count()
        assert {"participation", "method", "statements"} <= set(version.data), "a partial version"
    return versions


def test_a_compile_survives_its_worker_killed_midway(organisation, private_broker, workers):
    consultation = consultation_create(organisation=organisation, statements_enabled=True)
    people = get_user_model().objects.bulk_create(
        get_user_model()(email=f"p{i}@example.org") for i in range(PARTICIPANTS)
    )
    statements = Statement.objects.bulk_create(
        Statement(consultation=consultation, text=f"Proposition {i}") for i in range(STATEMENTS)
    )
    rng = random.Random(7)  # noqa: S311 (votes, not secrets)
    Vote.objects.bulk_create(
        (
            Vote(statement=statement, participant=person, value=rng.choice((-1, 0, 1)))
            for person in people
            for statement in statements
            if rng.random() < 0.7
        ),
        batch_size=5000,
    )

    first = workers(private_broker.url)
    assert report_compile_schedule(consultation_id=consultation.pk)
    wait_for(
        lambda: ReportCompileState.objects.filter(
            consultation=consultation, stage__in=("reading", "analysing")
        ),
        timeout=120,
        interval=0.05,
        what="the compile to start",
    )
    first.kill()
    assert visible_versions(consultation) == [], "killed before it stored anything"
    killed_at = time.monotonic()

    workers(private_broker.url, CELERY_VISIBILITY_TIMEOUT="5", CELERY_RESTORE_SWEEP_SECONDS="2")
    [version] = wait_for(
        lambda: visible_versions(consultation), timeout=180, interval=0.1, what="the compile"
    )
    print(f"compile redelivered and completed {time.monotonic() - killed_at:.1f}s after the kill")
    settle()
    assert visible_versions(consultation) == [version], "exactly one new version"
    assert version.version == 1
