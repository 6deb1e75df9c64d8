"""Redis (broker, cache, sessions' cache, rate limits) stops while people answer and vote.

Proves: each contribution is saved and acknowledged (a redirect, no 500) while Redis is down; the
receipt it asked for waits in the outbox; once Redis is back the sweep publishes it and a real worker
sends it exactly once, and the report catches up with the answers and votes.
"""

import time
from datetime import timedelta

import pytest

from consultations.models import Response, Statement, Vote
from consultations.tasks import response_receipt_send_task
from core.models import OutboxTask
from core.outbox import outbox_sweep
from reports.models import ReportSnapshot
from reports.tasks import reports_refresh_task
from tests.factories import UserFactory, consultation_create, form_data
from tests.faults.conftest import settle
from tests.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_answers_and_votes_are_saved_while_redis_is_down_and_their_tasks_run_once_it_is_back(
    client, organisation, private_broker, smtp_server, workers
):
    consultation = consultation_create(organisation=organisation, statements_enabled=True)
    statement = Statement.objects.create(consultation=consultation, author=UserFactory(), text="Plus de bus.")
    participant = UserFactory(language="en")
    client.force_login(participant)  # the session is in Redis and in the database
    assert client.get(consultation.url).status_code == 200

    private_broker.stop()  # the outage
    started = time.monotonic()
    answered = client.post(consultation.url, form_data(consultation, text="Des pistes cyclables"))
    voted = client.post(f"/consultations/{consultation.pk}/statements/{statement.pk}/vote/", {"value": "1"})
    print(f"answer + vote with Redis down: {time.monotonic() - started:.2f}s")
    assert answered.status_code == 302, "acknowledged, not a server error"
    assert voted.status_code == 302
    assert client.get(consultation.url).status_code == 200, "still signed in: the session is in the database"
    response = Response.objects.get(consultation=consultation, participant=participant)
    assert response.answers.filter(text="Des pistes cyclables").exists()
    assert Vote.objects.filter(statement=statement, participant=participant, value=1).exists()
    [pending] = OutboxTask.objects.all()
    assert (pending.task, pending.args) == (response_receipt_send_task.name, [response.pk])
    assert pending.attempts == 1, "the publish was tried once on commit, and failed"
    assert outbox_sweep(grace=timedelta(0)) == 0, "still down: the row stays"
    assert OutboxTask.objects.count() == 1

    private_broker.start()  # the recovery
    workers(private_broker.url, EMAIL_URL=smtp_server.url)
    assert outbox_sweep(grace=timedelta(0)) == 1
    wait_for(lambda: len(smtp_server.handler.messages) == 1, timeout=90, what="the receipt")
    wait_for(lambda: not OutboxTask.objects.exists(), timeout=30, what="the row marked done by the worker")
    assert outbox_sweep(grace=timedelta(0)) == 0, "published once"
    reports_refresh_task.apply()  # beat's refresh: the compile the outage missed
    snapshot = wait_for(lambda: ReportSnapshot.objects.filter(consultation=consultation).first(), timeout=90)
    assert (snapshot.response_count, snapshot.vote_count) == (1, 1)
    settle()
    assert len(smtp_server.handler.messages) == 1, "the receipt is sent exactly once"
    assert "Des pistes cyclables" in smtp_server.handler.messages[0]
    response.refresh_from_db()
    assert response.receipt_sent_at is not None
    assert ReportSnapshot.objects.filter(consultation=consultation).count() == 1


def test_a_task_lost_by_a_redis_restart_is_published_again_and_sent_once(
    client, organisation, private_broker, smtp_server, workers
):
    """Redis restarts without persistence while the receipt waits in its queue (no worker yet): the
    message is gone, but its outbox row is kept until the task has run, and the sweep publishes it again
    once its lease has passed."""
    consultation = consultation_create(organisation=organisation)
    participant = UserFactory(language="en")
    client.force_login(participant)
    assert client.post(consultation.url, form_data(consultation, text="Un bus de nuit")).status_code == 302
    [row] = OutboxTask.objects.all()
    assert row.published_at is not None, "published on commit"

    private_broker.stop()  # the message was only in Redis's memory
    private_broker.start()
    workers(private_broker.url, EMAIL_URL=smtp_server.url)
    settle()
    assert smtp_server.handler.messages == [], "the message was lost with the restart"
    assert outbox_sweep(grace=timedelta(0)) == 0, "within its lease: it may still be queued"
    assert outbox_sweep(grace=timedelta(0), lease=timedelta(0)) == 1, "the lease has passed"
    wait_for(lambda: len(smtp_server.handler.messages) == 1, timeout=90, what="the receipt")
    wait_for(lambda: not OutboxTask.objects.exists(), timeout=30, what="the row marked done")
    assert outbox_sweep(grace=timedelta(0), lease=timedelta(0)) == 0, "nothing left to publish"
    settle()
    assert len(smtp_server.handler.messages) == 1, "sent exactly once"
    assert "Un bus de nuit" in smtp_server.handler.messages[0]
