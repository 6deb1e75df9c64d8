"""Reports follow the votes as well as the answers, and a final version is compiled at closing."""

from datetime import timedelta

import pytest

from consultations.models import Statement, Vote
from reports import services
from reports.tasks import report_compile_task, reports_refresh_task
from tests.factories import UserFactory
from tests.reports.test_reports import answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """The compiles the schedule queues (run by hand, as a worker would)."""
    calls = []
    monkeypatch.setattr(report_compile_task, "apply_async", lambda args, **options: calls.append(args[0]))
    return calls


def refresh_and_run(queued) -> list[int]:
    queued.clear()
    reports_refresh_task.run()
    for consultation_id in queued:
        report_compile_task.run(consultation_id)
    return list(queued)


def test_new_votes_make_the_report_stale_and_the_schedule_compiles_it(consultation, queued):
    consultation.statements_enabled = True
    consultation.save_revision().publish()
    answer(consultation)
    assert refresh_and_run(queued) == [consultation.pk]
    assert refresh_and_run(queued) == [], "nothing new: nothing queued"

    statement = Statement.objects.create(consultation=consultation, text="Plus de bus")
    Vote.objects.create(statement=statement, participant=UserFactory(), value=1)
    assert services.report_up_to_date(consultation_id=consultation.pk) is None
    assert refresh_and_run(queued) == [consultation.pk]
    latest = services.report_up_to_date(consultation_id=consultation.pk)
    assert (latest.version, latest.vote_count) == (2, 1)


def test_a_final_version_is_compiled_once_after_closing(consultation, queued):
    answer(consultation)
    assert refresh_and_run(queued) == [consultation.pk]
    while_open = services.report_up_to_date(consultation_id=consultation.pk)
    consultation.closes_at = while_open.compiled_at + timedelta(microseconds=1)  # it closes just after
    consultation.save_revision().publish()

    assert refresh_and_run(queued) == [consultation.pk], "the report at closing"
    final = services.report_up_to_date(consultation_id=consultation.pk)
    assert final.version == 2
    assert final.compiled_at >= consultation.closes_at
    assert refresh_and_run(queued) == [], "once only"


def test_an_imported_draft_queues_its_compile_through_the_outbox_and_the_refresh_covers_drafts(
    organisation, queued, django_capture_on_commit_callbacks
):
    """The import's compile request commits with the import (kept in the outbox if the broker is down,
    here: never published); the refresh also finds the draft's report stale and compiles it."""
    from celery import current_app
    from django.core.management import call_command
    from django.utils import translation

    from consultations.models import ConsultationPage
    from core.models import OutboxTask
    from core.outbox import outbox_sweep
    from reports.tasks import report_compile_request_task
    from tests.consultations.imports.test_import_polis import BREXIT

    with django_capture_on_commit_callbacks(), translation.override("en"):  # the publish never happens
        call_command("import_polis", str(BREXIT), "--organisation", organisation.slug)
    page = ConsultationPage.objects.get(imported_from="https://pol.is/7wmvbjcjhp")
    assert not page.live
    [row] = OutboxTask.objects.all()
    assert (row.task, row.args) == (report_compile_request_task.name, [page.pk])

    assert refresh_and_run(queued) == [page.pk], "a draft with votes and no report is stale"
    assert refresh_and_run(queued) == [], "compiled: nothing new"
    assert outbox_sweep(grace=timedelta(0)) == 1, "the request, published once the broker is back"
    current_app.control.purge()  # no worker here: the task is run below as one would
    report_compile_request_task.apply(args=row.args)
    assert not OutboxTask.objects.exists(), "done once run"
