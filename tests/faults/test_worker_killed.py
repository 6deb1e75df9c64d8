"""A Celery worker is killed with SIGKILL (main process and pool) in the middle of a report compile.

Proves: the compile's message is not lost (acknowledged late, given back after the visibility timeout,
here 5 seconds); a fresh worker compiles it to completion; exactly one new version exists afterwards, and
no partial version was ever visible (polled throughout the run). And a worker killed while it sends an
outcome e-mail: the e-mail is sent by the redelivered task (at least once), each person written to once.
"""

import asyncio
import random
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model

from cms.models import OutcomeNotification
from consultations.models import Statement, Vote
from core.models import OutboxTask
from reports.models import ReportCompileState, ReportSnapshot
from reports.services import report_compile_schedule
from tests.factories import UserFactory, consultation_create, outcome_create
from tests.faults.conftest import free_port, settle
from tests.reports.test_reports import answer
from tests.worker import wait_for

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


class StallingSmtpHandler:
    """Holds the first outcome e-mail without answering (the worker waits for the reply), then refuses
    it; the next ones are accepted and kept."""

    def __init__(self, stall: float):
        self.stall = stall
        self.stalling = threading.Event()
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        if b"Ce que nous avons retenu" not in envelope.content:  # the receipts of the answers
            return "250 OK"
        if not self.stalling.is_set():
            self.stalling.set()
            await asyncio.sleep(self.stall)
            return "451 4.3.0 Try again later"  # the client is long gone: never delivered
        self.messages.append(envelope)
        return "250 OK"


def test_an_outcome_email_survives_its_worker_killed_while_sending(organisation, private_broker, workers):
    """At least once: the worker is killed after it chose to write to someone and before the mail server
    took the message. Nothing says that person was written to (the record commits with the sending), so
    the redelivered task writes to them; and to everyone else once."""
    consultation = consultation_create(organisation=organisation)
    people = [UserFactory(language="en"), UserFactory(language="fr")]
    for person in people:
        answer(consultation, person)
    handler = StallingSmtpHandler(stall=15)
    smtp = Controller(handler, hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        first = workers(private_broker.url, EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}", EMAIL_TIMEOUT="120")
        page = outcome_create(consultation, title="Ce que nous avons retenu")
        wait_for(handler.stalling.is_set, timeout=90, what="the first outcome e-mail on its way")
        assert not OutcomeNotification.objects.exists(), "not recorded as sent while it is not"
        first.kill()

        workers(
            private_broker.url,
            EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
            CELERY_VISIBILITY_TIMEOUT="5",
            CELERY_RESTORE_SWEEP_SECONDS="2",
        )
        wait_for(lambda: len(handler.messages) == 2, timeout=120, what="both outcome e-mails")
        settle()
    finally:
        smtp.stop()
    assert sorted(envelope.rcpt_tos[0] for envelope in handler.messages) == sorted(p.email for p in people)
    assert OutcomeNotification.objects.filter(page=page).count() == 2
    assert not OutboxTask.objects.exists(), "done"
