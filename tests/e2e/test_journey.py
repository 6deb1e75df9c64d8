"""The whole loop in a browser: sign up, confirm the address, answer, report compiled by a real worker,
read by an official, outcome page published by an editor and seen by the participant."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from cms.models import HomePage, OutcomePage
from reports.models import ReportSnapshot
from tests.factories import PASSWORD, EditorFactory, OfficialFactory, consultation_create, totp_code
from tests.worker import celery_worker_process, wait_for  # noqa: F401  (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.worker]


def admin_sign_in(page, base_url: str, email: str):
    """Sign in to the back office as staff do: password, then the authenticator app's code."""
    page.goto(base_url + "/admin/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_label("Code").fill(totp_code())
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


def test_the_whole_journey(celery_worker_process, live_server, new_page):  # noqa: F811
    consultation = consultation_create(title="Le télétravail après la crise")
    official = OfficialFactory(organisation=consultation.organisation)
    editor = EditorFactory()

    # A visitor signs up from the consultation page.
    citizen = new_page()
    citizen.goto(live_server.url + consultation.url)
    citizen.locator("#main").get_by_role("link", name="Créer un compte").click()
    citizen.get_by_label("E-mail").fill("camille@example.org")
    citizen.get_by_label("Pseudonyme").fill("Camille")
    citizen.get_by_label("Mot de passe :", exact=True).fill("un-mot-de-passe-solide-2026")
    citizen.get_by_label("Mot de passe (confirmation)").fill("un-mot-de-passe-solide-2026")
    citizen.get_by_role("button", name="Création de compte").click()
    citizen.get_by_role("heading", name="Vérifiez votre adresse e-mail").wait_for()

    # … confirms the address through the link in the e-mail …
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    citizen.goto(link)
    citizen.get_by_role("button", name="Confirmer").click()
    citizen.get_by_text("Compte connecté : Camille").wait_for()

    # … and answers.
    citizen.goto(live_server.url + consultation.url)
    citizen.get_by_label("Deux ou plus").check()
    citizen.get_by_label("Que faudrait-il changer ?").fill("Des écrans et des horaires souples.")
    citizen.get_by_role("button", name="Envoyer mes réponses").click()
    citizen.get_by_text("Merci, vos réponses sont enregistrées.").wait_for()

    # The worker compiles the report in the background.
    snapshot = wait_for(
        lambda: ReportSnapshot.objects.filter(consultation=consultation, response_count=1).first(),
        what="the report compiled by the worker",
    )

    # An official reads it in the back office.
    staff = admin_sign_in(new_page(), live_server.url, official.email)
    staff.goto(f"{live_server.url}/admin/reports/{consultation.pk}/")
    assert staff.locator('[data-figure="participants"]').inner_text() == "1"
    assert staff.get_by_text("Combien de jours télétravaillez-vous ?").is_visible()

    # An editor publishes the outcome page in the admin, quoting the compiled version.
    editing = admin_sign_in(new_page(), live_server.url, editor.email)
    editing.goto(f"{live_server.url}/admin/pages/add/cms/outcomepage/{HomePage.objects.get().pk}/")
    editing.get_by_placeholder("Titre de la page*").fill("Ce que vous nous avez dit")
    editing.get_by_role("button", name="Choisissez une page (Consultation)").click()
    editing.get_by_role("link", name="Le télétravail après la crise").click()
    editing.locator("#id_report_version").select_option(str(snapshot.pk))
    editing.locator("#id_summary").fill("Deux jours par semaine, des écrans.")
    editing.locator(".c-sf-add-button").first.click()
    editing.get_by_role("option", name="Chiffre de la synthèse").click()
    editing.locator("select[name='body-0-value-figure']").select_option("question")
    editing.locator("input[name='body-0-value-question_number']").fill("1")
    # What we decided and why, and what happens next: required sections.
    editing.locator("section[id$='-next_steps-section'] [contenteditable='true']").click()
    editing.keyboard.type("Mise en œuvre en septembre.")
    decisions = editing.locator("section[id$='-decisions-section']")
    decisions.locator(".c-sf-add-button").first.click()
    editing.get_by_role("option", name="Paragraphe").click()
    decisions.get_by_role("textbox").first.click()
    editing.keyboard.type("Deux jours de télétravail par semaine.")
    editing.locator("#id_summary").click()  # the rich text editors keep what was typed on leaving them
    # … in their hidden inputs, which the form sends: wait for them before publishing.
    expect(editing.locator("input[name='next_steps']")).to_have_value(re.compile("Mise en œuvre"))
    expect(editing.locator("input[name='decisions-0-value']")).to_have_value(re.compile("Deux jours"))
    editing.get_by_role("button", name="Plus d’actions").or_(
        editing.get_by_role("button", name="Plus d'actions")
    ).click()
    editing.get_by_role("button", name="Publier").click()
    editing.wait_for_url(re.compile(r"/admin/pages/\d+/$"))
    outcome = wait_for(
        lambda: OutcomePage.objects.live().filter(consultation=consultation).first(), what="publish"
    )
    assert outcome.report_version_id == snapshot.pk

    citizen.goto(live_server.url + "/")
    citizen.get_by_role("link", name="Ce que vous nous avez dit").click()
    row = citizen.get_by_role("row", name=re.compile("Deux ou plus"))
    assert "100" in row.inner_text()
