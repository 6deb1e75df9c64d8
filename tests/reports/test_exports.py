"""Officials download a report version as a workbook (XLSX), a spreadsheet (ODS) or CSV files, through
links only they can use, for ten minutes. The file is a document for officials: sheets and column titles
in the language it was asked in, statuses as words, dates as dates, no raw data."""

import copy
import io
import re
import time
import zipfile
from datetime import date, datetime

import pytest
from django.core import signing
from django.test import TestCase
from django.urls import reverse
from odf.namespaces import OFFICENS, TABLENS
from odf.opendocument import load as load_ods
from odf.table import Table as OdsTable
from odf.table import TableCell, TableRow
from openpyxl import load_workbook

from reports import exports, services
from reports.models import ReportExport, ReportSnapshot
from reports.tasks import report_export_task
from tests.factories import OfficialFactory, OrganisationFactory, consultation_create
from tests.reports.test_reports import answer
from tests.reports.test_stored_format import COMPILED_AT, stored_data

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
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames[:3] == ["Sommaire", "Questions", "Réponses aux questions à choix"]
    summary = {row[0]: row[1] for row in workbook["Sommaire"].iter_rows(min_row=2, values_only=True)}
    assert summary["Participants"] == 3
    assert isinstance(summary["Compilée le"], datetime), "a date, not a text"
    choices = list(workbook["Réponses aux questions à choix"].iter_rows(values_only=True))
    assert choices[0][:5] == ("N°", "Question", "Choix", "Réponses", "Part (%)")
    assert (1, "Combien de jours télétravaillez-vous ?", "Deux ou plus", 2) in {
        row[:4] for row in choices[1:]
    }


def test_the_csv_files_come_zipped_with_accents_readable(client, compiled, monkeypatch):
    client.force_login(OfficialFactory(organisation=compiled.consultation.organisation))
    prepare(client, compiled, "csv", monkeypatch)
    response = client.get(
        reverse("feedback_report_download", args=[download_link(client, compiled).rstrip("/")])
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert names[:2] == ["01-sommaire.csv", "02-questions.csv"]
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
    assert "Format de fichier inconnu" in bad.content.decode()
    bad = client.post(
        reverse("feedback_report_export", args=[compiled.consultation_id, "xlsx"]), {"version": "x"}
    )
    assert bad.status_code == 400
    assert "Cette version de la synthèse n’existe pas pour cette consultation" in bad.content.decode()


# The file as a document for officials ----------------------------------------------------------------------


def rich_version(organisation, **changes) -> ReportSnapshot:
    """A version with every part of the report (`tests/data/reports/format1-report.json`: every kind of
    question, cross-tables with hidden cells, themes, participation, statements and opinion groups,
    ideas), its first idea under study."""
    data = copy.deepcopy(stored_data("format1-report"))
    data["ideas"]["top"][0]["status"] = "under_study"
    consultation = consultation_create(
        organisation=organisation,
        title=data["consultation"]["title"],
        statements_enabled=True,
        ideas_enabled=True,
    )
    snapshot = ReportSnapshot.objects.create(
        consultation=consultation, version=1, response_count=data["participants"], data=data
    )
    ReportSnapshot.objects.filter(pk=snapshot.pk).update(compiled_at=COMPILED_AT)
    return ReportSnapshot.objects.get(pk=snapshot.pk)


def xlsx_sheets(content: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


def ods_sheets(content: bytes) -> dict[str, list[list[tuple[str, object]]]]:
    """Each sheet's rows, each cell as (its value type, its value: the typed value, or the text shown)."""
    document = load_ods(io.BytesIO(content))
    sheets = {}
    for sheet in document.spreadsheet.getElementsByType(OdsTable):
        rows = []
        for row in sheet.getElementsByType(TableRow):
            cells = []
            for cell in row.getElementsByType(TableCell):
                kind = cell.attributes.get((OFFICENS, "value-type"))
                if kind == "date":
                    value = cell.attributes[(OFFICENS, "date-value")]
                elif kind == "float":
                    value = float(cell.attributes[(OFFICENS, "value")])
                else:
                    value = str(cell) or None
                cells.append((kind, value))
            rows.append(cells)
        sheets[sheet.attributes[(TABLENS, "name")]] = rows
    return sheets


FRENCH_SHEETS = [
    "Sommaire",
    "Questions",
    "Réponses aux questions à choix",
    "Réponses aux échelles",
    "Classements",
    "Croisements",
    "Croisements (moyennes)",
    "Tests statistiques",
    "Thèmes",
    "Citations",
    "Participation par jour",
    "Contributions par canal",
    "Participants par département",
    "Votes par personne",
    "Avis majoritaires",
    "Groupes d’opinion",
    "Consensus entre les groupes",
    "Propositions clivantes",
    "Propositions incertaines",
    "Idées les plus soutenues",
    "Idées proches",
]


def test_the_workbook_asked_in_french_is_a_document_for_officials(organisation):
    snapshot = rich_version(organisation)
    export = services.report_export(snapshot=snapshot, file_format="xlsx", language="fr")
    sheets = xlsx_sheets(export.file.read())
    assert list(sheets) == FRENCH_SHEETS
    assert all(len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name) for name in sheets)
    assert sheets["Croisements"][0] == (
        "N°", "Question", "Comparé selon", "Groupe", "Personnes du groupe", "Réponse", "Réponses",
        "Part du groupe (%)",
    )  # fmt: skip
    assert sheets["Idées les plus soutenues"][0] == ("Idée", "Soutiens", "Statut")
    assert sheets["Idées les plus soutenues"][1] == ("Un second écran pour le télétravail", 3, "À l’étude")

    summary = {row[0]: row[1] for row in sheets["Sommaire"][1:]}
    assert summary["Consultation"] == snapshot.consultation.title
    assert summary["Ouverture"] == datetime(2026, 12, 6, 18, 36), "a date, in Paris time"
    assert summary["Compilée le"] == datetime(2026, 12, 7, 18, 35)
    assert summary["Canaux"] == "En ligne, Papier"
    assert "moins de 5" in summary["Données personnelles"], "the small-cell rule is stated"
    assert summary["Feuille «\xa0Croisements\xa0»"] == "Questions à choix par groupe de participants."
    assert summary["Stabilité des groupes"] == "stable", "the badge in the report page's words"

    days = sheets["Participation par jour"]
    assert days[0] == ("Jour", "Réponses", "Réponses cumulées")
    assert isinstance(days[1][0], datetime)
    assert days[1][0].date() == date.fromisoformat(snapshot.report.participation.timeline[0].day)
    crossed = sheets["Croisements"][1:]
    assert ("Loire", 16, "À pied", "masqué", "masqué") in {row[3:] for row in crossed}, (
        "a hidden cell says so"
    )
    assert any(
        row[3] == "Groupes de moins de 5 personnes, réunis" and row[4] == "moins de 5" for row in crossed
    )
    themes = sheets["Thèmes"]
    assert themes[1][:3] == (
        "Autre chose ?",
        "Les vélos",
        "bus, fréquents, horaires, matin, soir, dimanche, retard, toujours",
    )
    texts = [value for rows in sheets.values() for row in rows for value in row if isinstance(value, str)]
    assert not [text for text in texts if text.startswith(("{", "["))], "no JSON"
    assert not [text for text in texts if re.fullmatch(r"\d{4}-\d\d-\d\dT.*", text)], "no ISO timestamp"
    assert not {"under_study", "ci_low", "question_id"} & set(texts), "no raw codes"


def test_the_workbook_asked_in_english_speaks_english(organisation):
    snapshot = rich_version(organisation)
    export = services.report_export(snapshot=snapshot, file_format="xlsx", language="en")
    sheets = xlsx_sheets(export.file.read())
    assert list(sheets)[:3] == ["Overview", "Questions", "Answers to choice questions"]
    assert sheets["Most supported ideas"][1] == ("Un second écran pour le télétravail", 3, "Under study")
    assert sheets["Cross-tabulations"][0][2:5] == ("Compared by", "Group", "People in the group")
    summary = {row[0]: row[1] for row in sheets["Overview"][1:]}
    assert summary["Compiled at"] == datetime(2026, 12, 7, 18, 35)


def test_the_ods_spreadsheet_holds_the_same_tables_typed(organisation):
    snapshot = rich_version(organisation)
    export = services.report_export(snapshot=snapshot, file_format="ods", language="fr")
    assert export.file.name.endswith(".ods")
    sheets = ods_sheets(export.file.read())
    assert list(sheets) == FRENCH_SHEETS
    assert [value for _kind, value in sheets["Idées les plus soutenues"][0]] == ["Idée", "Soutiens", "Statut"]
    assert sheets["Idées les plus soutenues"][1] == [
        ("string", "Un second écran pour le télétravail"), ("float", 3.0), ("string", "À l’étude"),
    ]  # fmt: skip
    day = sheets["Participation par jour"][1][0]
    assert day == ("date", snapshot.report.participation.timeline[0].day), "a date cell"
    summary = {row[0][1]: row[1] for row in sheets["Sommaire"][1:]}
    assert summary["Compilée le"] == ("date", "2026-12-07T18:35:00")
    crossed = sheets["Croisements"][1:]
    assert ("string", "masqué") in {cell for row in crossed for cell in row}
    texts = [value for rows in sheets.values() for row in rows for kind, value in row if kind == "string"]
    assert not [text for text in texts if text.startswith(("{", "["))], "no JSON"


def test_an_ods_file_is_downloaded_as_one(client, compiled, monkeypatch):
    client.force_login(OfficialFactory(organisation=compiled.consultation.organisation))
    prepare(client, compiled, "ods", monkeypatch)
    response = client.get(
        reverse("feedback_report_download", args=[download_link(client, compiled).rstrip("/")])
    )
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert response["Content-Disposition"].endswith('-v1.ods"')
    assert list(ods_sheets(b"".join(response.streaming_content)))[:2] == ["Sommaire", "Questions"]


def test_a_version_of_another_consultation_cannot_be_asked_for(client, compiled, organisation):
    """Versions are numbered per consultation: another consultation's version 2 is not this one's."""
    other = consultation_create(organisation=organisation)
    for version in (1, 2):
        ReportSnapshot.objects.create(consultation=other, version=version, response_count=0, data={})
    client.force_login(OfficialFactory(organisation=compiled.consultation.organisation))
    url = reverse("feedback_report_export", args=[compiled.consultation_id, "ods"])
    refused = client.post(url, {"version": "2"})
    assert refused.status_code == 400
    assert "Cette version de la synthèse n’existe pas pour cette consultation" in refused.content.decode()
    assert not ReportExport.objects.exists()
    status = client.get(
        reverse("feedback_report_export_status", args=[compiled.consultation_id, "pdf"]), {"version": "1"}
    )
    assert status.status_code == 400
    assert status.json()["error"].startswith("Format de fichier inconnu")


def test_the_page_follows_a_file_being_prepared_until_its_link_is_there(client, compiled, monkeypatch):
    """Asking for a file leads back to the report, where the file is said to be in preparation, with a
    link to check again (without JavaScript) and the status address the page's script asks; once built,
    the status gives the link, and the page shows it."""
    client.force_login(OfficialFactory(organisation=compiled.consultation.organisation))
    queued = []
    monkeypatch.setattr(report_export_task, "delay", lambda *args: queued.append(args))
    url = reverse("feedback_report_export", args=[compiled.consultation_id, "ods"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        asked = client.post(url, {"version": compiled.version})
    assert asked.status_code == 302
    page = client.get(asked["Location"]).content.decode()
    assert "En préparation : Tableur (ODS)." in page.replace("\xa0", " ")
    assert 'role="status" id="downloads-status"' in page
    check_again = re.search(r'<a class="button button-secondary" href="([^"]+)">Vérifier à nouveau</a>', page)
    assert check_again, "a link to check again works without JavaScript"
    status_url = re.search(r'data-export-status-url="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert client.get(status_url).json()["ready"] is False

    for args in queued:
        report_export_task.run(*args)
    state = client.get(status_url).json()
    assert state["ready"] is True
    assert state["message"].replace("\xa0", " ") == "Le fichier est prêt : Tableur (ODS)."
    assert client.get(state["link"]).status_code == 200
    again = client.get(check_again.group(1).replace("&amp;", "&")).content.decode()
    assert "Télécharger : Tableur (ODS)" in again.replace("\xa0", " ")
    assert "Vérifier à nouveau" not in again


def test_a_file_that_could_not_be_prepared_says_so_and_can_be_asked_again(client, compiled, monkeypatch):
    """When the building of a file fails (and is not tried again soon), the page and its status address
    say so instead of "being prepared" forever, and the official can ask for it again, which works."""
    client.force_login(OfficialFactory(organisation=compiled.consultation.organisation))
    queued = []
    monkeypatch.setattr(report_export_task, "delay", lambda *args: queued.append(args))
    url = reverse("feedback_report_export", args=[compiled.consultation_id, "ods"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        asked = client.post(url, {"version": compiled.version})

    def broken(snapshot, file_format):
        raise ValueError("a bug")

    monkeypatch.setattr(exports, "report_file", broken)
    for args in queued:
        assert report_export_task.apply(args=args).failed()
    page = client.get(asked["Location"]).content.decode().replace("\xa0", " ")
    assert "Tableur (ODS) : le fichier n’a pas pu être préparé" in page
    assert "En préparation : Tableur (ODS)." not in page
    assert "Préparer : Tableur (ODS)" in page, "it can be asked for again"
    status_url = reverse("feedback_report_export_status", args=[compiled.consultation_id, "ods"])
    state = client.get(status_url, {"version": compiled.version}).json()
    assert state["failed"] is True
    assert state["message"].replace("\xa0", " ") == (
        "Le fichier n’a pas pu être préparé : demandez-le à nouveau."
    )

    monkeypatch.undo()
    assert prepare(client, compiled, "ods", monkeypatch).status_code == 302
    assert client.get(status_url, {"version": compiled.version}).json()["ready"] is True


def test_the_overview_counts_participants_as_the_version_does(organisation):
    """A version that counts everyone who took part gives that total, the questionnaire's own figure
    beside it and the definition that goes with it, as the report page does; an older one keeps its
    figure and its definition."""
    older = rich_version(organisation)
    data = copy.deepcopy(older.data)
    data["people"] = {"total": {"channel": "", "people": 41, "respondents": 36, "voters": 24}, "channels": []}
    counted = ReportSnapshot.objects.create(
        consultation=older.consultation, version=2, response_count=36, data=data
    )
    summaries = []
    for snapshot in (counted, older):
        export = services.report_export(snapshot=snapshot, file_format="xlsx", language="en")
        summaries.append({row[0]: row[1] for row in xlsx_sheets(export.file.read())["Overview"][1:]})
    now, before = summaries
    assert (now["Participants"], now["Sent the questionnaire"]) == (41, 36)
    assert now["Definitions"].startswith("A participant is a person who took part in any way")
    assert before["Participants"] == 36
    assert "Sent the questionnaire" not in before
    assert before["Definitions"].startswith("A participant is a person who sent the questionnaire")
