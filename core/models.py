"""The one table of the shared plumbing: the outbox (core/outbox.py)."""

from django.db import models
from django.utils import timezone


class OutboxTask(models.Model):
    """A task to queue, written in the transaction of the change that asks for it (core/outbox.py).

    Published to the broker once that transaction commits (`published_at` claims it, so it is published
    once), and deleted only when the task has run. A row never published means the broker could not be
    reached; a row published long ago and still here means its message was lost (a broker restarted
    without persistence, a worker gone): the periodic sweep publishes both.
    """

    task = models.CharField(max_length=200)
    # Ids and short values only, never a secret: the row may wait here for hours (docs/operations.md).
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        # Made by the accounts app before the outbox moved to core: the table keeps its name.
        db_table = "accounts_outboxtask"
        ordering = ["pk"]

    def __str__(self):
        return f"{self.task}{tuple(self.args)}"
