"""Officials download a report version as a workbook or CSV files, through links only they can use,
for ten minutes."""

import io
import time
import zipfile

import pytest
from django.core import signing
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from reports import services
from reports.models import ReportExport
from reports.tasks import report_export_task
from tests.factories import OfficialFactory, OrganisationFactory
from tests.reports.test_reports import answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def compiled(consultation):
    answer(consultation, choice=2)
    answer(consultation, choice=2)
    answer(consultation, choice=0)
    return services.report_compile(consultation=consultation)


def prepare(client, snapshot, file_format, monkeypatch):
    """Ask for the file as an official does; the worker's task runs when the broker delivers it (the
    outbox publishes it once the request's changes are committed)."""
    queued = []
    monkeypatch.setattr(report_export_task, "delay", lambda *args: queued.append(args))
    url = reverse("feedback_report_export", args=[snapshot.consultation_id, file_format])
    with TestCase.captureOnCommitCallbacks(execute=True):
        asked = client.post(url, {"version": snapshot.version})
    for args in queued:
        report_export_task.run(*args)
    return asked


def download_link(client, snapshot) -> str:
    page = client.get(reverse("feedback_report_detail", args=[snapshot.consultation_id])).content.decode()
    return page.split('href="/admin/reports/download/', 1)[1].split('"', 1)[0]


def test_an_official_downloads_the_workbook_of_a_version(client, compiled, monkeypatch):
    client.force_login(OfficialFactory(organisation=compiled.consultation.organisation))
    asked = prepare(client, compiled, "xlsx", monkeypatch)
    assert asked.status_code == 302
    token = download_link(client, compiled)
    response = client.get(reverse("feedback_report_download", args=[token.rstrip("/")]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-v1.xlsx"')
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames[:2] == ["Synthèse", "Questions"]
    summary = {row[0]: row[1] for row in workbook["Synthèse"].iter_rows(min_row=2, values_only=True)}
    assert summary["Participants"] == 3
    questions = list(workbook["Questions"].iter_rows(values_only=True))
    assert ("Combien de jours télétravaillez-vous ?", "Deux ou plus", 2) in {
        (row[1], row[4], row[5]) for row in questions[1:]
    }


def test_the_csv_files_come_zipped_with_accents_readable(client, compiled, monkeypatch):
    client.force_login(OfficialFactory(organisation=compiled.consultation.organisation))
    prepare(client, compiled, "csv", monkeypatch)
    response = client.get(
        reverse("feedback_report_download", args=[download_link(client, compiled).rstrip("/")])
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert names[:2] == ["01-synthèse.csv", "02-questions.csv"]
    text = archive.read(names[1]).decode("utf-8-sig")
    assert "Combien de jours télétravaillez-vous ?" in text


def test_building_twice_keeps_one_file(compiled):
    first = services.report_export(snapshot=compiled, file_format="xlsx", language="fr")
    second = services.report_export(snapshot=compiled, file_format="xlsx", language="fr")
    assert first.pk == second.pk
    assert ReportExport.objects.count() == 1


def test_a_link_is_for_its_official_only_and_for_ten_minutes(client, compiled, monkeypatch):
    official = OfficialFactory(organisation=compiled.consultation.organisation)
    export = services.report_export(snapshot=compiled, file_format="xlsx", language="fr")
    token = services.report_download_token(export=export, user=official)
    url = reverse("feedback_report_download", args=[token])

    colleague = OfficialFactory(organisation=compiled.consultation.organisation)
    client.force_login(colleague)
    assert client.get(url).status_code == 404, "a forwarded link is useless"
    client.force_login(official)
    assert client.get(url).status_code == 200
    assert client.get(url[:-3] + "xyz/").status_code == 404, "a forged link"

    later = time.time() + services.DOWNLOAD_LINK_SECONDS + 1
    monkeypatch.setattr(signing.time, "time", lambda: later)
    expired = client.get(url)
    assert expired.status_code == 410
    assert "Ce lien de téléchargement a expiré" in expired.content.decode()


def test_others_cannot_ask_for_or_download_a_file(client, compiled, monkeypatch):
    official = OfficialFactory(organisation=compiled.consultation.organisation)
    export = services.report_export(snapshot=compiled, file_format="xlsx", language="fr")
    outsider = OfficialFactory(organisation=OrganisationFactory())
    client.force_login(outsider)
    assert prepare(client, compiled, "xlsx", monkeypatch).status_code in (302, 403)
    assert not ReportExport.objects.exclude(pk=export.pk).exists()
    token = services.report_download_token(export=export, user=outsider)
    assert client.get(reverse("feedback_report_download", args=[token])).status_code in (302, 404)
    client.force_login(official)
    bad = client.post(
        reverse("feedback_report_export", args=[compiled.consultation_id, "pdf"]), {"version": "1"}
    )
    assert bad.status_code == 400
    bad = client.post(
        reverse("feedback_report_export", args=[compiled.consultation_id, "xlsx"]), {"version": "x"}
    )
    assert bad.status_code == 400
