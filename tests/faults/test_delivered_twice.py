"""The same task delivered twice at the same moment (the outbox is at least once: a lease that ran out, a
redelivery), to two real workers, with a mail server slow to answer.

Proves: the "already sent" check is taken under a lock, so the second run waits for the first and finds
the e-mail sent: one e-mail, not two.
"""

import asyncio
import threading

import pytest
from aiosmtpd.controller import Controller

from consultations.models import Response
from consultations.tasks import response_receipt_send_task
from tests.factories import UserFactory, consultation_create
from tests.faults.conftest import free_port, settle
from tests.reports.test_reports import answer
from tests.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class SlowSmtpHandler:
    """Takes a few seconds to accept each message, as a busy mail server does; counts who is sending."""

    def __init__(self, delay: float):
        self.delay = delay
        self.messages = []
        self.sending = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.sending.set()
        await asyncio.sleep(self.delay)
        self.messages.append(envelope)
        return "250 OK"


def test_a_receipt_delivered_twice_at_once_to_two_workers_is_sent_once(organisation, private_broker, workers):
    consultation = consultation_create(organisation=organisation)
    participant = UserFactory(language="en")
    answer(consultation, participant)  # its own receipt is queued: no worker yet, it waits in Redis
    response = Response.objects.get(participant=participant)
    handler = SlowSmtpHandler(delay=4)
    smtp = Controller(handler, hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        response_receipt_send_task.delay(response.pk)  # the same task, twice more
        response_receipt_send_task.delay(response.pk)
        for _ in range(2):
            workers(private_broker.url, EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}")
        wait_for(lambda: handler.messages, timeout=90, what="the receipt")
        settle(8)  # two more deliveries had time to send
    finally:
        smtp.stop()
    assert len(handler.messages) == 1, "sent once"
    response.refresh_from_db()
    assert response.receipt_sent_at is not None
