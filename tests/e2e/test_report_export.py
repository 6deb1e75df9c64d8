"""The report page follows a file being prepared: without reloading, the download link takes the place
of "Check again" once the file is built, and the status line says so to screen readers."""

import re

import pytest
from django.urls import reverse

from reports import services
from tests.e2e.test_accessibility import violations
from tests.e2e.test_journey import admin_sign_in
from tests.factories import OfficialFactory, consultation_create
from tests.reports.test_reports import answer

pytestmark = pytest.mark.e2e


def test_the_download_link_appears_when_the_file_is_ready(
    transactional_db, django_db_serialized_rollback, live_server, new_page
):
    consultation = consultation_create(title="Le télétravail après la crise")
    answer(consultation, choice=2)
    snapshot = services.report_compile(consultation=consultation)
    official = OfficialFactory(organisation=consultation.organisation)
    page = admin_sign_in(new_page(), live_server.url, official.email)
    url = reverse("feedback_report_detail", args=[consultation.pk])
    page.goto(f"{live_server.url}{url}?version=1&preparing=ods")
    check_again = page.get_by_role("link", name="Vérifier à nouveau")
    assert check_again.is_visible()
    assert not violations(page), "the page with a file being prepared is accessible"
    check_again.focus()

    services.report_export(snapshot=snapshot, file_format="ods", language="fr")  # the worker's part
    link = page.get_by_role("link", name=re.compile("Télécharger.*Tableur \\(ODS\\)"))
    link.wait_for(state="visible", timeout=10_000)
    assert page.locator("#downloads-status").text_content().replace("\xa0", " ") == (
        "Le fichier est prêt : Tableur (ODS)."
    )
    assert page.evaluate("document.activeElement.textContent").startswith("Télécharger"), "focus follows"
    assert page.get_by_role("link", name="Vérifier à nouveau").count() == 0
