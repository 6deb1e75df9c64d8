"""Officials see how far a compile is: queued, reading, analysing, storing; then the new version."""

import pytest
from django.urls import reverse

from reports import services
from reports.tasks import report_compile_task
from tests.factories import OfficialFactory, OrganisationFactory
from tests.reports.test_reports import answer

pytestmark = pytest.mark.django_db


def status(client, consultation):
    return client.get(reverse("feedback_report_status", args=[consultation.pk])).json()


def test_the_report_page_follows_a_compile_from_queue_to_new_version(client, consultation, monkeypatch):
    monkeypatch.setattr(
        report_compile_task, "apply_async", lambda *args, **kwargs: None
    )  # the worker starts later
    client.force_login(OfficialFactory(organisation=consultation.organisation))
    answer(consultation)
    page = reverse("feedback_report_detail", args=[consultation.pk])
    client.post(reverse("feedback_report_compile", args=[consultation.pk]))  # "Compile now"

    assert status(client, consultation) == {
        "running": True,
        "stage": "En attente d’un processus de calcul",
        "progress": None,
        "failed": "",
        "version": None,
    }
    assert '<progress id="compile-progress-bar" max="100"></progress>' in client.get(page).content.decode()

    stages = []
    real = services.report_compile_progress

    def seen(**kwargs):
        real(**kwargs)
        stages.append((status(client, consultation)["stage"], status(client, consultation)["progress"]))

    monkeypatch.setattr(services, "report_compile_progress", seen)
    report_compile_task.run(consultation.pk)
    assert stages == [
        ("Lecture des contributions", 10),
        ("Analyse", 50),
        ("Enregistrement de la nouvelle version", 90),
    ]
    assert status(client, consultation) == {
        "running": False,
        "stage": "",
        "progress": 100,
        "failed": "",
        "version": 1,
    }
    assert "<progress" not in client.get(page).content.decode()


def test_a_compile_queued_again_shows_no_progress_before_it_starts(client, consultation, monkeypatch):
    """After a finished compile (its bar full), the next one waits with an empty bar, not a full one."""
    monkeypatch.setattr(report_compile_task, "apply_async", lambda *args, **kwargs: None)
    client.force_login(OfficialFactory(organisation=consultation.organisation))
    answer(consultation)
    report_compile_task.run(consultation.pk)
    answer(consultation)
    client.post(reverse("feedback_report_compile", args=[consultation.pk]))
    assert status(client, consultation)["running"] is True
    assert status(client, consultation)["progress"] is None
    page = client.get(reverse("feedback_report_detail", args=[consultation.pk])).content.decode()
    assert '<progress id="compile-progress-bar" max="100"></progress>' in page


def test_a_failed_compile_stops_the_bar_and_says_what_failed(client, consultation, monkeypatch):
    client.force_login(OfficialFactory(organisation=consultation.organisation))
    answer(consultation)
    monkeypatch.setattr(services, "summarise", lambda *args, **kwargs: 1 / 0)
    queued = []
    monkeypatch.setattr(
        report_compile_task, "apply_async", lambda args, **options: queued.append((args, options["task_id"]))
    )
    client.post(reverse("feedback_report_compile", args=[consultation.pk]))  # "Compile now"
    report_compile_task.apply((consultation.pk,))  # an older compile failing: not recorded over this one
    assert not status(client, consultation)["failed"]
    args, task_id = queued[0]
    report_compile_task.apply(args, task_id=task_id)  # as a worker runs it, failure handler included
    state = status(client, consultation)
    assert (state["running"], state["progress"], state["version"]) == (False, None, None)
    assert "(ZeroDivisionError)" in state["failed"], "what failed, in words"
    page = client.get(reverse("feedback_report_detail", args=[consultation.pk])).content.decode()
    assert 'id="compile-failed"' in page
    assert "ZeroDivisionError" in page
    client.post(reverse("feedback_report_compile", args=[consultation.pk]))
    assert len(queued) == 2, "asked again at once, a new compile is queued"


def test_only_who_may_read_the_report_sees_its_progress(client, consultation):
    url = reverse("feedback_report_status", args=[consultation.pk])
    assert client.get(url).status_code == 302, "visitors are sent to sign in"
    client.force_login(OfficialFactory(organisation=OrganisationFactory()))
    assert client.get(url).status_code in (302, 403)
    assert client.get("/admin/reports/99999999999999999999/status/").status_code in (302, 404)
