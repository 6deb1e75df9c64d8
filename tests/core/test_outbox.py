"""The transactional outbox: a task is recorded with the change that asks for it, published once on
commit, kept until it has run (published again if the broker lost it), put back when its retries run out,
and never holds a secret."""

import ast
import base64
import json
import re
from datetime import timedelta
from importlib import import_module

import pytest
import redis
from celery import current_app
from django.core import mail
from django.db import OperationalError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from accounts.models import Invitation, Membership
from accounts.services import invitation_create, invitation_for_token
from accounts.tasks import invitation_send_task
from config.env import BASE_DIR
from core.models import OutboxTask
from core.outbox import OutboxConsumer, outbox_enqueue, outbox_sweep

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


@pytest.fixture
def broker_queue(settings):
    """The messages waiting in the broker's default queue (the real Redis), as (task, args); emptied first.

    `.lose()` is Redis restarting without persistence: the messages are gone."""
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs Redis as the broker (REDIS_URL)")
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    # The default queue's key (prefixed under pytest-xdist: tests/conftest.py).
    queue = current_app.conf.broker_transport_options.get("global_keyprefix", "") + "celery"
    client.delete(queue)

    class Queue:
        def __call__(self):
            messages = [json.loads(raw) for raw in client.lrange(queue, 0, -1)]
            return [
                (message["headers"]["task"], json.loads(base64.b64decode(message["body"]))[0])
                for message in reversed(messages)  # LPUSHed: the oldest is last
            ]

        def lose(self):
            client.delete(queue)

    yield Queue()
    client.delete(queue)


def invite(organisation, email="c@example.org"):
    return invitation_create(
        organisation=organisation, role=Membership.Role.OFFICIAL, email=email, invited_by=None
    )


def test_a_transaction_longer_than_the_grace_is_published_once_by_its_commit_and_the_sweep(
    organisation, django_capture_on_commit_callbacks, broker_queue
):
    with django_capture_on_commit_callbacks() as on_commit:
        invitation = invite(organisation)
        # The change took longer than the sweep's grace: its row is old when it commits.
        OutboxTask.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert outbox_sweep() == 1, "the sweep reaches it first"
    for callback in on_commit:  # then the request's own publish, after its commit
        callback()
    assert broker_queue() == [(invitation_send_task.name, [invitation.pk])], "published once"


def test_a_published_task_stays_in_the_outbox_until_it_ran_and_a_lost_message_is_published_again(
    organisation, django_capture_on_commit_callbacks, broker_queue
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(organisation)
    [row] = OutboxTask.objects.all()
    assert row.published_at is not None
    assert broker_queue() == [(invitation_send_task.name, [invitation.pk])]

    broker_queue.lose()  # Redis restarts without persistence before a worker took it
    assert outbox_sweep(grace=timedelta(0)) == 0, "its lease has not passed: maybe still queued"
    assert outbox_sweep(grace=timedelta(0), lease=timedelta(0)) == 1
    [(_task, args)] = broker_queue()
    assert OutboxTask.objects.count() == 1, "kept until the task ran"

    invitation_send_task.apply(args=args)  # a worker runs it
    assert not OutboxTask.objects.exists(), "done"
    assert [message.to for message in mail.outbox] == [["c@example.org"]]
    invitation_send_task.apply(args=args)  # the lost message turns up after all: nothing more
    assert len(mail.outbox) == 1


def test_a_task_whose_retries_run_out_on_a_database_error_goes_back_to_the_outbox(
    organisation, django_capture_on_commit_callbacks, broker_queue
):
    """The database was unreachable for longer than the backoff: the invitation is sent an hour later,
    not dropped (before, only connection errors were put back)."""
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(organisation)
    error = OperationalError("server closed the connection unexpectedly")
    invitation_send_task.on_failure(error, "task-id", (invitation.pk,), {}, None)
    [row] = OutboxTask.objects.all()
    assert (row.args, row.published_at, row.last_error) == ([invitation.pk], None, "OperationalError")
    assert row.created_at > timezone.now() + timedelta(minutes=59), "not swept before an hour"
    assert outbox_sweep(grace=timedelta(0)) == 0


def test_an_invitation_token_never_waits_in_the_outbox(organisation, django_capture_on_commit_callbacks):
    """The row (and the broker's message) holds the invitation's id only; the link's token is made when
    the e-mail is sent, and only its hash is kept."""
    with django_capture_on_commit_callbacks():  # never published: the process stopped, the row waits
        invitation = invite(organisation)
    [row] = OutboxTask.objects.all()
    assert row.args == [invitation.pk]
    hash_before = Invitation.objects.get(pk=invitation.pk).token_hash

    invitation_send_task.apply(args=row.args)
    link = re.search(r"/profile/invitation/([^/\s]+)/", mail.outbox[0].body)
    token = link.group(1)
    assert invitation_for_token(token) == invitation, "the e-mailed link works"
    invitation.refresh_from_db()
    assert invitation.token_hash not in (hash_before, token), "a fresh token, stored hashed"
    assert invitation.sent_at is not None


def test_rows_queued_before_this_version_lose_their_invitation_token():
    """The migration that brings `published_at` strips the token from invitation rows still waiting."""
    migration = import_module("accounts.migrations.0012_outbox_published_at")
    # The models as that migration sees them (the outbox belonged to accounts then; same table).
    apps = MigrationLoader(connection).project_state(("accounts", "0012_outbox_published_at")).apps
    row = OutboxTask.objects.create(task=invitation_send_task.name, args=[7, "the-raw-token"])
    migration.invitation_tokens_forget(apps, None)
    row.refresh_from_db()
    assert row.args == [7]


def test_only_outbox_consumers_can_be_queued_through_the_outbox():
    """A task that would never mark its row done is refused when written, not republished forever."""
    from accounts.tasks import sessions_clear_task

    with pytest.raises(TypeError, match="OutboxConsumer"):
        outbox_enqueue(sessions_clear_task)
    assert not OutboxTask.objects.exists()


def test_every_task_a_service_queues_by_name_is_an_outbox_consumer_this_process_knows():
    """Services name their tasks (a task imports its service, so the service cannot import it): a
    misspelt name, or a task its app's ready() does not import, would only fail when the change is made."""
    names = set()
    for package in ("accounts", "consultations", "calls", "budgets", "commons", "reports", "opendata", "cms"):
        for path in (BASE_DIR / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", None) == "outbox_enqueue"
                    and isinstance(node.args[0], ast.Constant)
                ):
                    names.add(node.args[0].value)
    assert len(names) >= 10
    for name in sorted(names):
        assert isinstance(current_app.tasks.get(name), OutboxConsumer), name
