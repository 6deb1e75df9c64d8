"""The transactional outbox: a task is recorded with the change that asks for it, published on commit,
kept when the broker cannot be reached, and published once by the sweep."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction

from accounts.models import Invitation, Membership, OutboxTask
from accounts.outbox import outbox_sweep
from accounts.services import invitation_create
from accounts.tasks import invitation_send_task

pytestmark = pytest.mark.django_db


def test_a_change_rolled_back_queues_nothing(organisation, django_capture_on_commit_callbacks, monkeypatch):
    queued = []
    monkeypatch.setattr(invitation_send_task, "delay", lambda *args: queued.append(args))

    def change_that_fails():
        with transaction.atomic():
            invitation_create(
                organisation=organisation,
                role=Membership.Role.OFFICIAL,
                email="a@example.org",
                invited_by=None,
            )
            raise RuntimeError("the change fails after asking for its e-mail")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        change_that_fails()
    assert not Invitation.objects.exists()
    assert not OutboxTask.objects.exists()
    assert queued == []


def test_a_task_the_broker_refused_is_kept_then_sent_once_by_the_sweep(
    organisation, django_capture_on_commit_callbacks, monkeypatch
):
    def broker_down(*args):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(invitation_send_task, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            organisation=organisation, role=Membership.Role.OFFICIAL, email="b@example.org", invited_by=None
        )
    [row] = OutboxTask.objects.all()
    assert row.args[0] == invitation.pk
    assert (row.attempts, row.last_error) == (1, "ConnectionRefusedError")
    assert outbox_sweep(grace=timedelta(0)) == 0, "still down"

    monkeypatch.setattr(invitation_send_task, "delay", lambda *args: invitation_send_task.apply(args=args))
    assert outbox_sweep(grace=timedelta(0)) == 1
    assert not OutboxTask.objects.exists()
    assert [message.to for message in mail.outbox] == [["b@example.org"]]
    invitation_send_task.apply(args=row.args)  # delivered again (at least once): not sent again
    assert len(mail.outbox) == 1
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
