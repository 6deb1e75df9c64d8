"""Report snapshots: compiled in the background, versioned, immutable; read by officials only."""

import pytest
from django.urls import reverse

from consultations.feedback import services
from consultations.feedback.models import ReportSnapshot
from consultations.feedback.tasks import report_compile_task, reports_refresh_task
from consultations.services import response_submit
from tests.factories import OfficialFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def answer(consultation, participant=None, *, choice=0, text="Plus de souplesse"):
    single, open_text = consultation.question_list
    return response_submit(
        consultation=consultation,
        participant=participant or UserFactory(),
        answers={single.id: single.choices[choice][0], open_text.id: text},
    )


def test_a_compile_counts_participants_choices_and_open_answers(consultation):
    answer(consultation, choice=0)
    answer(consultation, choice=2)
    answer(consultation, choice=2)
    snapshot = services.report_compile(consultation=consultation)
    assert snapshot.version == 1
    assert snapshot.participants == 3
    single, open_text = snapshot.questions
    assert [c["count"] for c in single["choices"]] == [1, 0, 2]
    assert open_text["answers"] == 3
    assert snapshot.data["open_answers"] == 3


def test_each_compile_with_new_responses_writes_a_new_version_and_keeps_the_old(consultation):
    answer(consultation)
    first = services.report_compile(consultation=consultation)
    assert services.report_compile(consultation=consultation) is None, "nothing new: no new version"
    answer(consultation)
    second = services.report_compile(consultation=consultation)
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert first.participants == 1, "an earlier version is never rewritten"
    assert second.participants == 2


def test_a_snapshot_cannot_be_changed(consultation):
    answer(consultation)
    snapshot = services.report_compile(consultation=consultation)
    snapshot.data = {"participants": 999}
    with pytest.raises(ValueError, match="immutable"):
        snapshot.save()


def test_a_failed_compile_leaves_the_previous_version_visible(consultation, monkeypatch):
    answer(consultation)
    services.report_compile(consultation=consultation)
    answer(consultation)

    def broken(*args, **kwargs):
        raise RuntimeError("analysis failed")

    monkeypatch.setattr(services, "summarise", broken)
    with pytest.raises(RuntimeError):
        services.report_compile(consultation=consultation)
    assert list(ReportSnapshot.objects.values_list("version", flat=True)) == [1]


def test_responses_queue_one_compile_until_it_starts(
    consultation, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(report_compile_task, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        answer(consultation)
    with django_capture_on_commit_callbacks(execute=True):
        answer(consultation)
    assert queued == [consultation.pk], "a second response while a compile is queued queues nothing more"
    report_compile_task.run(consultation.pk)  # the task, as the worker runs it
    assert ReportSnapshot.objects.get().participants == 2
    with django_capture_on_commit_callbacks(execute=True):
        answer(consultation)
    assert queued == [consultation.pk, consultation.pk]


def test_the_task_is_safe_to_run_twice_and_on_a_deleted_consultation(consultation):
    answer(consultation)
    report_compile_task.run(consultation.pk)
    report_compile_task.run(consultation.pk)
    assert ReportSnapshot.objects.count() == 1
    report_compile_task.run(987654)  # no such consultation: nothing happens


def test_the_schedule_catches_up_with_consultations_left_behind(consultation, monkeypatch):
    queued = []
    monkeypatch.setattr(report_compile_task, "delay", queued.append)
    answer(consultation)
    assert reports_refresh_task.run() == 1
    assert queued == [consultation.pk]
    services.report_compile_started(consultation_id=consultation.pk)
    report_compile_task.run(consultation.pk)
    assert reports_refresh_task.run() == 0, "up to date: nothing queued"


def test_a_draft_queues_no_compile_and_is_not_in_the_report(consultation, monkeypatch):
    queued = []
    monkeypatch.setattr(report_compile_task, "delay", queued.append)
    answer(consultation)
    services.report_compile(consultation=consultation)
    _single, open_text = consultation.question_list
    response_submit(
        consultation=consultation, participant=UserFactory(), answers={open_text.id: "Pas fini"}, draft=True
    )
    assert reports_refresh_task.run() == 0, "a draft is nothing new to compile"
    assert services.report_compile(consultation=consultation) is None
    assert services.report_compile(consultation=consultation, force=True).participants == 1


def test_a_broker_outage_does_not_lose_the_response(
    consultation, django_capture_on_commit_callbacks, monkeypatch
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(report_compile_task, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = answer(consultation)
    assert response.pk is not None
    assert consultation.responses.count() == 1


# The report page ---------------------------------------------------------------------------------------


def report_url(consultation):
    return reverse("feedback_report_detail", args=[consultation.pk])


def test_an_official_reads_the_report_of_their_organisation(client, consultation):
    answer(consultation, choice=1)
    services.report_compile(consultation=consultation)
    client.force_login(OfficialFactory(organisation=consultation.organisation))
    page = client.get(report_url(consultation))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-figure="participants">1<' in body
    assert "Combien de jours télétravaillez-vous ?" in body
    assert (
        reverse("feedback_report_detail", args=[consultation.pk])
        in client.get(reverse("feedback_report_index")).content.decode()
    )


def test_others_cannot_read_the_report(client, consultation):
    answer(consultation)
    services.report_compile(consultation=consultation)
    url = report_url(consultation)
    assert client.get(url)["Location"].startswith("/accounts/login/?next="), "visitors are sent to sign in"
    client.force_login(UserFactory())
    assert client.get(url).status_code in (302, 403), "participants have no back office"
    assert "data-figure" not in client.get(url, follow=True).content.decode()
    client.force_login(OfficialFactory(organisation=OrganisationFactory()))
    refused = client.get(url, follow=True)
    assert refused.redirect_chain == [("/admin/", 302)], "officials of another organisation"
    assert "data-figure" not in refused.content.decode()
    assert url not in client.get(reverse("feedback_report_index")).content.decode()


def test_an_official_asks_for_a_compile(client, consultation, monkeypatch):
    queued = []
    monkeypatch.setattr(report_compile_task, "delay", queued.append)
    answer(consultation)
    client.force_login(OfficialFactory(organisation=consultation.organisation))
    url = reverse("feedback_report_compile", args=[consultation.pk])
    done = client.post(url, follow=True)
    assert "en cours de compilation" in done.content.decode()
    assert queued == [consultation.pk]
    report_compile_task.run(consultation.pk)
    again = client.post(url, follow=True)
    assert "est à jour" in again.content.decode()
    assert client.get(url).status_code == 405


def test_a_bad_version_number_is_a_clear_4xx(client, consultation):
    client.force_login(OfficialFactory(organisation=consultation.organisation))
    assert client.get(report_url(consultation) + "?version=abc").status_code == 400
    assert client.get(report_url(consultation) + "?version=²").status_code == 400, "a digit, but not 0-9"
    assert client.get(report_url(consultation) + "?version=-1").status_code == 400
    assert client.get(report_url(consultation) + "?version=42").status_code == 404
    assert client.get(reverse("feedback_report_detail", args=[999999])).status_code == 404


def test_the_report_list_costs_the_same_queries_for_one_or_many_consultations(client, organisation):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import consultation_create

    client.force_login(OfficialFactory(organisation=organisation))
    url = reverse("feedback_report_index")

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    consultation = consultation_create(organisation=organisation, title="Première")
    answer(consultation)
    services.report_compile(consultation=consultation)
    queries()  # the first request also fills the site's caches
    one = queries()
    for index in range(4):
        more = consultation_create(organisation=organisation, title=f"Autre {index}")
        answer(more)
        services.report_compile(consultation=more)
    assert queries() == one
