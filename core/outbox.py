"""The transactional outbox: tasks are recorded with the change that asks for them, sent after commit,
and kept until they have run.

A service calls `outbox_enqueue(task, *args)` inside its transaction. The row commits (or rolls back)
with the contribution. Once committed it is claimed (`published_at` set by an UPDATE that only succeeds
on a row nobody claimed, so the request and the sweep never both publish it) and published to the
broker. The row is deleted when the task has run (`OutboxConsumer` marks it done), not when it was
published: a message the broker lost (Redis restarted without persistence) is published again by the
sweep once its lease (`OUTBOX_LEASE_SECONDS`) has passed.

When the broker is down the publish fails fast (a short connect timeout, no retry loop inside a
request), the claim is released, and `outbox_sweep` (beat, every minute; or `manage.py outbox_sweep`)
publishes the row once the broker is back. Delivery is at least once, so every task queued this way is
idempotent: it checks its "already sent" mark inside `consumer_once`, which serialises the runs of the
same task on the same thing.
"""

import logging
from contextlib import contextmanager
from datetime import timedelta
from smtplib import SMTPRecipientsRefused

from celery import Task, current_app
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import EncodeError

from core.models import OutboxTask

logger = logging.getLogger(__name__)

# A row this young may still be published by the request that wrote it: the sweep leaves it alone (it
# would not publish it twice anyway: both claim the row first).
SWEEP_GRACE = timedelta(seconds=30)

# A row that cannot be published (its task unknown after a deployment, arguments that cannot be encoded,
# a task that failed on an unexpected error) waits this long before the sweep tries it again, so that it
# never holds up the rows behind it.
PARKED = timedelta(days=1)

# The last resort: a task whose retries ran out on a connection or database error (the mail server or
# the database down for longer than the backoff) is published again an hour later.
LAST_RESORT_DELAY = timedelta(hours=1)


def outbox_lease() -> timedelta:
    """How long a published row waits for its task to run before the sweep publishes it again."""
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def outbox_enqueue(task, *args) -> OutboxTask:
    """Record `task(*args)` in the current transaction; it is published once the transaction commits.

    `task` is a Celery task (or its name) built on `OutboxConsumer`; `args` must be JSON: ids and short
    values, never a secret (a row may wait here for hours while the broker is down).
    """
    task = current_app.tasks[task] if isinstance(task, str) else task
    if not isinstance(task, OutboxConsumer):
        raise TypeError(f"{task.name} is not an OutboxConsumer: its outbox row would never be marked done")
    row = OutboxTask.objects.create(task=task.name, args=list(args))
    transaction.on_commit(lambda: outbox_publish(rows=[row]))
    return row


def outbox_failed(task: str, *args) -> bool:
    """Whether `task(*args)` failed and now only waits to be tried again much later (its retries ran out,
    or it failed on an unexpected error, or could not be sent): no run of it is queued or due sooner. A
    page that follows the task says so, and the person may ask again."""
    rows = OutboxTask.objects.filter(task=task, args=list(args))
    waiting = Q(published_at__isnull=True, created_at__gt=timezone.now()) & ~Q(last_error="")
    return rows.filter(waiting).exists() and not rows.exclude(waiting).exists()


def outbox_publish(*, rows, claimed: bool = False) -> int:
    """Claim (unless `claimed`) and publish the rows. Never raises: a row not sent is released for the
    sweep, a row claimed by someone else is skipped. Returns the number published; stops at the first
    broker failure."""
    published = 0
    for index, row in enumerate(rows):
        outcome = _publish_one(row, claimed=claimed)
        if outcome == "broker down":  # the next rows would fail the same way, each after a timeout
            if claimed:
                _release(rows[index + 1 :])
            break
        published += outcome == "published"
    return published


# Where tasks lived before the apps left the consultations package (2026-12): a row written by the
# previous version and still waiting is published under its task's new name.
FORMER_MODULES = {
    "consultations.feedback.": "reports.",
    "consultations.calls.": "calls.",
    "consultations.budgets.": "budgets.",
    "consultations.commons.": "commons.",
    "consultations.opendata.": "opendata.",
}


def task_name_current(name: str) -> str:
    """`name` as the task is called today (a row queued before a move names its former module)."""
    for former, current in FORMER_MODULES.items():
        if name.startswith(former):
            return current + name.removeprefix(former)
    return name


def _publish_one(row: OutboxTask, *, claimed: bool) -> str:
    if row.task not in current_app.tasks and task_name_current(row.task) != row.task:
        row.task = task_name_current(row.task)
        OutboxTask.objects.filter(pk=row.pk).update(task=row.task)
    task = current_app.tasks.get(row.task)
    if task is None:  # renamed or removed by a deployment: set aside, never blocking the others
        logger.error("outbox task unknown id=%s task=%s", row.pk, row.task)
        _set_aside(row, "unknown task")
        return "set aside"
    if not claimed:
        try:
            # The claim: an UPDATE of the row as we read it. Whoever published it since (the sweep, for a
            # transaction that outlived its grace) changed `published_at`: skip it.
            claimed = bool(
                OutboxTask.objects.filter(pk=row.pk, published_at=row.published_at).update(
                    published_at=timezone.now()
                )
            )
        except DatabaseError:  # the sweep publishes it
            logger.exception("outbox row not claimed id=%s", row.pk)
            return "not claimed"
        if not claimed:
            return "taken"
    try:
        # `delay` with the project's publish retry policy (settings: one immediate retry, short
        # connect timeout), so a request never waits long on a broker that is down.
        task.delay(*row.args)
    except (TypeError, ValueError, EncodeError) as error:  # this row cannot be sent (arguments)
        logger.error("outbox task not encodable id=%s task=%s: %s", row.pk, row.task, type(error).__name__)
        _set_aside(row, type(error).__name__)
        return "set aside"
    except Exception as error:  # broker unreachable: released for the sweep
        logger.warning("outbox task not published id=%s task=%s: %s", row.pk, row.task, type(error).__name__)
        _release([row], error=type(error).__name__)
        return "broker down"
    return "published"


def _release(rows, *, error: str = "") -> None:
    """Undo the claim of rows not published: the sweep takes them again."""
    try:
        for row in rows:
            changes = {"published_at": row.published_at}
            if error:
                changes.update(attempts=F("attempts") + 1, last_error=error[:200])
            OutboxTask.objects.filter(pk=row.pk).update(**changes)
    except DatabaseError:  # left claimed: published again once its lease has passed
        logger.exception("outbox rows not released")


def _set_aside(row: OutboxTask, error: str) -> None:
    try:
        OutboxTask.objects.filter(pk=row.pk).update(
            published_at=None,
            attempts=F("attempts") + 1,
            last_error=error[:200],
            created_at=timezone.now() + PARKED,
        )
    except DatabaseError:
        logger.exception("outbox row not set aside id=%s", row.pk)


def outbox_sweep(*, limit: int = 500, grace: timedelta = SWEEP_GRACE, lease: timedelta | None = None) -> int:
    """Publish the rows left behind, oldest first: those never published (broker down at commit time,
    process stopped) and those published longer than `lease` ago whose task never ran (message lost).

    Rows are claimed under a lock (`SKIP LOCKED`: two sweeps at once take different rows) and the claim
    committed before they are published, so that a worker quick to run one sees it published and marks
    it done."""
    lease = outbox_lease() if lease is None else lease
    started = timezone.now()
    # Fixed at the start, so that a row this sweep publishes is not due again in the same sweep.
    due = Q(published_at__isnull=True, created_at__lt=started - grace) | Q(published_at__lt=started - lease)
    total = 0
    while True:
        now = timezone.now()
        with transaction.atomic():
            rows = list(
                OutboxTask.objects.select_for_update(skip_locked=True).filter(due).order_by("pk")[:limit]
            )
            if not rows:
                return total
            OutboxTask.objects.filter(pk__in=[row.pk for row in rows]).update(published_at=now)
        published = outbox_publish(rows=rows, claimed=True)
        total += published
        if published < len(rows):  # the broker is (still) down, or rows were set aside
            return total


@contextmanager
def consumer_once(name: str, key):
    """A transaction in which no other run of the consumer `name` on `key` is: the consumer checks its
    "already sent" mark, sends, and sets the mark inside it, so two deliveries of the same task (the
    outbox is at least once) send once. A run killed before the commit sets no mark: the next delivery
    sends (at least once, never at most once).

    An advisory lock rather than a lock on the row checked: the row (a response, an account) stays
    writable by its owner while a slow mail server holds the sending. On SQLite (the embedded default,
    one writer at a time) there is no lock.
    """
    with transaction.atomic():
        connection = transaction.get_connection()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"{name}:{key}"])
        yield


# Errors worth trying again later: the mail server or the database unreachable (an SMTP error is an
# OSError too).
RETRYABLE = (OSError, OperationalError, InterfaceError)


class OutboxConsumer(Task):
    """A task queued through the outbox. Once it has run, its outbox rows are done (deleted). When its
    retries are exhausted on a connection or database error, its rows go back to the outbox for an hour
    later (a new row if it was queued directly); if even the database cannot be reached then, the row
    stays published and the sweep publishes it again once its lease has passed. It must be idempotent.

    A row is done only if it was published before this run started: a row written later asks for a run
    that sees its change.
    """

    def before_start(self, task_id, args, kwargs):
        self.request.outbox_started_at = timezone.now()

    def _rows(self, args):
        started = getattr(self.request, "outbox_started_at", None) or timezone.now()
        return OutboxTask.objects.filter(task=self.name, args=list(args), published_at__lte=started)

    def on_success(self, retval, task_id, args, kwargs):
        self._done(args)

    def on_retry(self, exc, task_id, args, kwargs, einfo):
        try:  # the lease starts again: a task waiting for its retry is not published again meanwhile
            self._rows(args).update(published_at=timezone.now())
        except DatabaseError:
            logger.warning("task %s lease not renewed", self.name)

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        if isinstance(exc, SMTPRecipientsRefused):  # the address is refused: sending again would not help
            self._done(args)
        elif isinstance(exc, RETRYABLE):
            self._defer(args, LAST_RESORT_DELAY, exc)
        else:  # a bug or bad data: kept a day, so that a fix deployed meanwhile still sends it
            logger.error("task %s failed: %s", self.name, type(exc).__name__)
            self._defer(args, PARKED, exc)
        super().on_failure(exc, task_id, args, kwargs, einfo)

    def _done(self, args):
        try:
            self._rows(args).delete()
        except DatabaseError:  # published again after its lease: the task is idempotent
            logger.exception("task %s: outbox row not marked done", self.name)

    def _defer(self, args, delay: timedelta, exc: BaseException) -> None:
        changes = {
            "published_at": None,
            # Not swept before this moment (the sweep takes unpublished rows older than its grace).
            "created_at": timezone.now() + delay,
            "last_error": type(exc).__name__[:200],
        }
        try:
            if not self._rows(args).update(attempts=F("attempts") + 1, **changes):
                OutboxTask.objects.create(task=self.name, args=list(args), attempts=1, **changes)
            logger.warning("task %s deferred to the outbox: %s", self.name, type(exc).__name__)
        except DatabaseError:
            logger.exception(
                "task %s not deferred (database unreachable): a published row is sent again after its lease",
                self.name,
            )


# The options of every task queued through the outbox (e-mails, a call's export, an import's compile
# request): acknowledged once done (a lost worker's task is delivered again); retried `EMAIL_RETRIES`
# times (8) when the mail server or the database cannot be reached, each wait drawn at random (Celery's
# full jitter) below `EMAIL_RETRY_BACKOFF` × 1, 2, 4… seconds (5, 10, 20… capped at 600): about 10
# minutes in all on average, 21 at most, plus the tries themselves; then deferred to the outbox. A
# refused recipient address is not retried.
OUTBOX_TASK = {
    "base": OutboxConsumer,
    "acks_late": True,
    "autoretry_for": RETRYABLE,
    "dont_autoretry_for": (SMTPRecipientsRefused,),
    "retry_backoff": max(1, settings.EMAIL_RETRY_BACKOFF),
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": settings.EMAIL_RETRIES,
    "ignore_result": True,
}
EMAIL_TASK = OUTBOX_TASK
