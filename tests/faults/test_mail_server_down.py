"""The mail server fails: first nothing listens on its port, then it answers "451 try again later", then
it accepts. And the database fails for an e-mail task longer than its retries.

Proves: the contribution is saved and acknowledged regardless; the receipt task retries with backoff
through both kinds of failure and the e-mail arrives exactly once; a task whose retries run out goes back
to the outbox instead of being dropped, also when it is the database that was unreachable.
"""

from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from consultations.models import Response
from consultations.tasks import response_receipt_send_task
from core.models import OutboxTask
from core.outbox import outbox_sweep
from tests.factories import UserFactory, consultation_create, form_data
from tests.faults.conftest import free_port, settle
from tests.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_receipt_is_sent_exactly_once_after_the_mail_server_refused_it(
    client, organisation, private_broker, smtp_server, workers
):
    consultation = consultation_create(organisation=organisation)
    participant = UserFactory(language="en")
    client.force_login(participant)
    smtp_server.handler.refuse = 2  # "451 try again later", twice
    closed_port = free_port()  # nothing listens here yet: connection refused
    workers(private_broker.url, EMAIL_URL=f"smtp://127.0.0.1:{closed_port}")

    assert client.post(consultation.url, form_data(consultation, text="Un car le samedi")).status_code == 302
    response = Response.objects.get(participant=participant)
    assert response.answers.filter(text="Un car le samedi").exists(), "saved whatever the mail server does"
    [row] = OutboxTask.objects.all()
    assert row.published_at is not None, "published at once: the broker is up; kept until sent"

    # The mail server comes up on that port, refusing the first two messages.
    controller = Controller(smtp_server.handler, hostname="127.0.0.1", port=closed_port)
    controller.start()
    try:
        wait_for(lambda: smtp_server.handler.messages, timeout=120, what="the receipt after the retries")
        settle()
    finally:
        controller.stop()
    assert smtp_server.handler.refused == 2
    assert len(smtp_server.handler.messages) == 1, "delivered exactly once"
    assert not OutboxTask.objects.exists(), "done once sent"
    assert "Un car le samedi" in smtp_server.handler.messages[0]
    response.refresh_from_db()
    assert response.receipt_sent_at is not None


def test_a_mail_task_whose_retries_run_out_goes_back_to_the_outbox(consultation):
    """The last resort: the mail server down longer than the backoff; the receipt is published again an
    hour later by the sweep, not dropped."""
    response = Response.objects.create(
        consultation=consultation,
        participant=UserFactory(),
        status=Response.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    error = ConnectionRefusedError(111, "Connection refused")
    response_receipt_send_task.on_failure(error, "task-id", (response.pk,), {}, None)
    [deferred] = OutboxTask.objects.all()
    assert (deferred.task, deferred.args) == (response_receipt_send_task.name, [response.pk])
    assert deferred.created_at > timezone.now() + timedelta(minutes=59), "not swept before an hour"


def test_a_mail_task_whose_retries_run_out_on_a_database_outage_is_kept_and_sent_later(
    client, organisation, private_broker, smtp_server, workers
):
    """The worker cannot reach the database for longer than its retries (here 2, a second apart): it
    cannot even record the failure, but the outbox row of the receipt was kept when published, and the
    sweep publishes it again once its lease has passed; a worker that reaches the database sends it."""
    consultation = consultation_create(organisation=organisation)
    client.force_login(UserFactory(language="en"))
    unreachable = f"postgres://postgres@127.0.0.1:{free_port()}/nowhere"
    cut_off = workers(
        private_broker.url,
        EMAIL_URL=smtp_server.url,
        DATABASE_URL=unreachable,
        EMAIL_RETRIES="2",
        EMAIL_RETRY_BACKOFF="1",
    )
    assert client.post(consultation.url, form_data(consultation, text="Des abris vélo")).status_code == 302
    wait_for(lambda: "deferred to the outbox" in cut_off.log() or "not deferred" in cut_off.log(), timeout=60)
    assert "not deferred (database unreachable)" in cut_off.log()
    cut_off.stop()
    assert smtp_server.handler.messages == []
    [row] = OutboxTask.objects.all()
    assert row.published_at is not None, "kept, as published"

    workers(private_broker.url, EMAIL_URL=smtp_server.url)
    assert outbox_sweep(grace=timedelta(0), lease=timedelta(0)) == 1
    wait_for(lambda: len(smtp_server.handler.messages) == 1, timeout=90, what="the receipt")
    wait_for(lambda: not OutboxTask.objects.exists(), timeout=30, what="the row marked done")
    settle()
    assert len(smtp_server.handler.messages) == 1
    assert "Des abris vélo" in smtp_server.handler.messages[0]
