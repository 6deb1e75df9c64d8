"""A compile that fails before its body can run (its worker cannot reach the database) is shown as failed
to the official, with what failed, and "Compile now" queues a new compile at once."""

import socket
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from reports.models import ReportSnapshot
from tests.factories import OfficialFactory, consultation_create
from tests.reports.test_reports import answer
from tests.worker import wait_for, worker_start, worker_stop

pytestmark = pytest.mark.worker


def unreachable_database_url(tmp_path: Path) -> str:
    """A database the worker cannot open: a port where nothing listens, or a file in no folder."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'no-such-folder' / 'db.sqlite3'}"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # free once closed: nothing listens there
    return f"postgres://postgres@127.0.0.1:{port}/concerto"


def status(client, consultation) -> dict:
    return client.get(reverse("feedback_report_status", args=[consultation.pk])).json()


def test_a_compile_whose_worker_cannot_reach_the_database_is_failed_and_asked_again_at_once(
    client, transactional_db, django_db_serialized_rollback, tmp_path
):
    consultation = consultation_create()
    client.force_login(OfficialFactory(organisation=consultation.organisation))
    page = reverse("feedback_report_detail", args=[consultation.pk])
    compile_now = reverse("feedback_report_compile", args=[consultation.pk])

    log = tmp_path / "worker.log"
    broken = worker_start(log, DATABASE_URL=unreachable_database_url(tmp_path))
    try:
        answer(consultation)  # committed: its compile is queued, and the worker fails it
        failed = wait_for(
            lambda: status(client, consultation)["failed"], timeout=90, what="the compile to be failed"
        )
    finally:
        worker_stop(broken, log)
    assert "OperationalError" in log.read_text(), "the worker really could not reach the database"

    html = client.get(page).content.decode()
    assert 'id="compile-failed"' in html
    assert failed in html.replace("&#x27;", "'"), "what failed, in words"
    assert "compile-progress" not in html, "no bar, full or empty, for a compile that is not running"
    assert status(client, consultation)["running"] is False

    response = client.post(compile_now, follow=True)
    assert status(client, consultation)["running"] is True, "a new compile is queued at once"
    assert '<progress id="compile-progress-bar" max="100"></progress>' in response.content.decode()

    healthy = worker_start(log, purge=False)  # the database is back: the compile asked again runs
    try:
        snapshot = wait_for(
            lambda: ReportSnapshot.objects.filter(consultation=consultation).first(),
            timeout=90,
            what="the compile asked again to store a version",
        )
    finally:
        worker_stop(healthy, log)
    assert snapshot.participants == 1
    state = status(client, consultation)
    assert (state["running"], state["failed"], state["version"]) == (False, "", 1)
