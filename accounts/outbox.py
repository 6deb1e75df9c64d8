"""The transactional outbox: tasks are recorded with the change that asks for them, sent after commit.

A service calls `outbox_enqueue(task, *args)` inside its transaction. The row commits (or rolls back)
with the contribution; once committed, it is published to the broker and deleted. When the broker is
down the publish fails fast (a short connect timeout, no retry loop inside a request), the row stays,
and `outbox_sweep` (beat, every minute; or `manage.py outbox_sweep`) publishes it once the broker is
back. Delivery is at least once (a crash between publish and delete publishes again), so every task
queued this way is idempotent.
"""

import logging
from datetime import timedelta
from smtplib import SMTPRecipientsRefused

from celery import Task, current_app
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.utils import timezone
from kombu.exceptions import EncodeError

from .models import OutboxTask

logger = logging.getLogger(__name__)

# A row this young may still be published by the request that wrote it: the sweep leaves it alone.
SWEEP_GRACE = timedelta(seconds=30)


def outbox_enqueue(task, *args) -> OutboxTask:
    """Record `task(*args)` in the current transaction; it is published once the transaction commits.

    `task` is a Celery task (or its name); `args` must be JSON (ids, short strings).
    """
    name = task if isinstance(task, str) else task.name
    row = OutboxTask.objects.create(task=name, args=list(args))
    transaction.on_commit(lambda: outbox_publish(rows=[row]))
    return row


def outbox_publish(*, rows) -> int:
    """Publish the rows to the broker and delete each one sent. Never raises: a row not sent stays for
    the sweep. Returns the number published."""
    published = 0
    for row in rows:
        task = current_app.tasks.get(row.task)
        if task is None:  # renamed or removed by a deployment: kept aside, never blocking the others
            logger.error("outbox task unknown id=%s task=%s", row.pk, row.task)
            OutboxTask.objects.filter(pk=row.pk).update(
                attempts=row.attempts + 1, last_error="unknown task", created_at=timezone.now() + PARKED
            )
            continue
        try:
            # `delay` with the project's publish retry policy (settings: one immediate retry, short
            # connect timeout), so a request never waits long on a broker that is down.
            task.delay(*row.args)
        except (
            TypeError,
            ValueError,
            EncodeError,
        ) as error:  # this row cannot be sent (arguments): set aside
            logger.error(
                "outbox task not encodable id=%s task=%s: %s", row.pk, row.task, type(error).__name__
            )
            OutboxTask.objects.filter(pk=row.pk).update(
                attempts=row.attempts + 1,
                last_error=type(error).__name__[:200],
                created_at=timezone.now() + PARKED,
            )
            continue
        except Exception as error:  # broker unreachable: the sweep sends it later
            logger.warning(
                "outbox task not published id=%s task=%s: %s", row.pk, row.task, type(error).__name__
            )
            try:
                OutboxTask.objects.filter(pk=row.pk).update(
                    attempts=row.attempts + 1, last_error=type(error).__name__[:200]
                )
            except DatabaseError:
                logger.exception("outbox row not updated id=%s", row.pk)
            # The broker is down: the next rows would fail the same way, each after a timeout.
            break
        published += 1
        try:
            OutboxTask.objects.filter(pk=row.pk).delete()
        except DatabaseError:  # published again by the sweep: the task is idempotent
            logger.exception("outbox row not deleted id=%s", row.pk)
    return published


def outbox_sweep(*, limit: int = 500, grace: timedelta = SWEEP_GRACE) -> int:
    """Publish the rows left behind (broker down at commit time, process stopped); oldest first.

    Rows are locked while they are sent, so two sweeps at once do not publish the same row twice."""
    total = 0
    while True:
        with transaction.atomic():
            rows = list(
                OutboxTask.objects.select_for_update(skip_locked=True)
                .filter(created_at__lt=timezone.now() - grace)
                .order_by("pk")[:limit]
            )
            if not rows:
                return total
            published = outbox_publish(rows=rows)
        total += published
        if published < len(rows):  # the broker is (still) down
            return total


# A row that cannot be published (its task unknown after a deployment, arguments that cannot be encoded)
# waits this long before the sweep tries it again, so that it never holds up the rows behind it.
PARKED = timedelta(days=1)


# The last resort for e-mails: a task whose retries ran out on a connection error (the mail server down
# for longer than the backoff) goes back to the outbox, to be published again an hour later.
LAST_RESORT_DELAY = timedelta(hours=1)


class OutboxRetryTask(Task):
    """A task that, once its retries are exhausted on a connection error, is recorded in the outbox
    again (available after `LAST_RESORT_DELAY`) instead of being dropped. It must be idempotent."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        if isinstance(exc, OSError) and not isinstance(exc, SMTPRecipientsRefused):
            try:
                OutboxTask.objects.create(
                    task=self.name,
                    args=list(args),
                    # Not swept before this moment (the sweep takes rows older than its grace).
                    created_at=timezone.now() + LAST_RESORT_DELAY,
                    last_error=type(exc).__name__[:200],
                )
                logger.warning(
                    "task %s deferred to the outbox after its retries: %s", self.name, type(exc).__name__
                )
            except DatabaseError:
                logger.exception("task %s lost after its retries", self.name)
        super().on_failure(exc, task_id, args, kwargs, einfo)


# The options of every task that sends e-mail: acknowledged once done (a lost worker's task is delivered
# again), retried with backoff (1 s, 2 s, 4 s… up to 10 minutes, 8 times) when the mail server or the
# database cannot be reached, then deferred to the outbox. A refused recipient address is not retried.
EMAIL_TASK = {
    "base": OutboxRetryTask,
    "acks_late": True,
    "autoretry_for": (OSError, OperationalError, InterfaceError),
    "dont_autoretry_for": (SMTPRecipientsRefused,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 8,
    "ignore_result": True,
}
