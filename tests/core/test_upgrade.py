"""A database made by the version before the apps left the consultations package upgrades with `migrate`
alone: the outbox's model changes owner (accounts → core) without touching its table, and a row that the
previous version wrote and that still waits is published under its task's new name."""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from core.models import OutboxTask
from core.outbox import outbox_publish, task_name_current
from reports.tasks import report_compile_request_task

# The migration state of the previous version: core did not exist, accounts recorded the outbox.
BEFORE_THE_MOVE = [("core", None), ("accounts", "0015_organisation_editors")]

# The task as the previous version named it (its module was consultations/feedback/tasks.py).
FORMER_TASK_NAME = "consultations.feedback.tasks.report_compile_request_task"


def migrate_to(targets) -> None:
    """What `manage.py migrate` does to reach these nodes (forwards or backwards)."""
    executor = MigrationExecutor(connection)
    if executor.migration_plan(targets):
        executor.migrate(targets)


def migrations_applied() -> set:
    return set(MigrationRecorder(connection).applied_migrations())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_outbox_row_of_the_previous_version_is_published_after_migrate(monkeypatch):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    plan = executor.migration_plan(BEFORE_THE_MOVE)
    undone = [(migration.app_label, migration.name) for migration, _backwards in plan]
    assert undone == [("core", "0001_outbox_from_accounts"), ("accounts", "0016_outbox_to_core")], (
        "going back to the previous version undoes the move and nothing else"
    )
    try:
        # One step at a time: Django then renders the models once per step, where going back to both at
        # once renders them again after each of the hundred migrations that lie between (a minute).
        for target in BEFORE_THE_MOVE:
            migrate_to([target])
        applied = migrations_applied()
        assert ("accounts", "0015_organisation_editors") in applied
        assert ("accounts", "0016_outbox_to_core") not in applied
        assert not any(app == "core" for app, _ in applied)

        # As the previous version wrote it (accounts/outbox.py there): a row waiting to be published.
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO accounts_outboxtask (task, args, created_at, published_at, attempts, last_error)"
                " VALUES (%s, %s, %s, NULL, 0, '')",
                [FORMER_TASK_NAME, json.dumps([41]), connection.ops.adapt_datetimefield_value(now)],
            )

        migrate_to(latest)
        assert set(latest) <= migrations_applied()
        assert not MigrationExecutor(connection).migration_plan(latest), "nothing left to apply"
    finally:
        # Other tests expect the latest schema, whatever happened above.
        migrate_to(latest)

    [row] = OutboxTask.objects.all()
    assert (row.task, row.args, row.published_at, row.attempts) == (FORMER_TASK_NAME, [41], None, 0)

    published = []
    monkeypatch.setattr(report_compile_request_task, "delay", lambda *args: published.append(args))
    assert outbox_publish(rows=[row]) == 1
    assert published == [(41,)]
    row.refresh_from_db()
    assert row.task == task_name_current(FORMER_TASK_NAME) == "reports.tasks.report_compile_request_task"
    assert row.task == report_compile_request_task.name
    assert row.published_at is not None, "claimed: marked done once the task has run"
