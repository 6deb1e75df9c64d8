"""A questionnaire of every kind answered in a browser with JavaScript turned off: a draft first, then
sent. Ranking works with plain selects."""

import pytest

from consultations.models import Answer, Response
from tests.factories import EVERY_KIND, PASSWORD, UserFactory, consultation_create

# Committed for real (the live server reads it), with the migrations' content (the home page) restored.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_draft_then_a_sent_answer_without_javascript(live_server, browser):
    consultation = consultation_create(questions=EVERY_KIND)
    participant = UserFactory()
    _short, _single, _multiple, _yes_no, _scale, ranking, _number, _long = consultation.question_list
    context = browser.new_context(locale="en-GB", java_script_enabled=False)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/?next={consultation.url}")
        page.locator("input[name=login]").fill(participant.email)
        page.locator("input[name=password]").fill(PASSWORD)
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Vos trajets").wait_for()

        page.get_by_label("Votre commune de travail").fill("Lyon")
        page.get_by_role("button", name="Save as draft").click()
        page.get_by_text("Your draft is saved.").wait_for()
        assert Response.objects.get().status == Response.Status.DRAFT
        assert page.get_by_label("Votre commune de travail").input_value() == "Lyon", "found on return"

        page.get_by_label("En bus").check()
        page.get_by_label("Écran").check()
        page.get_by_label("Other", exact=True).first.check()
        page.get_by_label("If “Other”, what is it?").first.fill("Une souris")
        page.get_by_label("Yes", exact=True).check()
        page.get_by_label("4", exact=True).check()
        for rank, (_choice_id, label) in enumerate(ranking.choices, start=1):
            page.get_by_label(label, exact=True).select_option(str(len(ranking.choices) + 1 - rank))
        page.get_by_label("Distance domicile-travail (km)").fill("12.5")
        page.get_by_role("button", name="Send my answers").click()
        page.get_by_text("Thank you, your answers are saved.").wait_for()
    finally:
        context.close()
    response = Response.objects.get()
    assert response.status == Response.Status.SUBMITTED
    ranked = (
        Answer.objects.filter(question_id=ranking.id).order_by("position").values_list("choice_id", flat=True)
    )
    assert list(ranked) == [choice_id for choice_id, _label in reversed(ranking.choices)]
