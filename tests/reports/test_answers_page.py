"""From a theme of the report to the answers it groups: officials read what was written."""

import copy

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from reports import services
from tests.factories import OfficialFactory, OrganisationFactory, person_in_role
from tests.reports.test_reports import BIKE_TEXTS, BUS_TEXTS, answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(consultation):
    for text in BIKE_TEXTS + BUS_TEXTS:
        answer(consultation, text=text)
    return services.report_compile(consultation=consultation)


def test_a_theme_links_to_exactly_its_answers(client, report):
    consultation = report.consultation
    client.force_login(OfficialFactory(organisation=consultation.organisation))
    page = client.get(reverse("feedback_report_detail", args=[consultation.pk])).content.decode()
    [themes] = report.data["themes"]
    bus = next(theme for theme in themes["themes"] if "bus" in theme["keywords"])
    link = f"?version=1&amp;question={themes['question_id']}&amp;theme={bus['id']}"
    assert link in page

    url = reverse("feedback_report_answers", args=[consultation.pk])
    listed = client.get(url, {"version": 1, "question": themes["question_id"], "theme": bus["id"]})
    body = listed.content.decode()
    assert listed.status_code == 200
    shown = [text for text in BIKE_TEXTS + BUS_TEXTS if text.replace("’", "&#x27;") in body or text in body]
    assert shown, "the theme's answers are listed"
    assert all(text in BUS_TEXTS for text in shown), "and only them"

    everything = client.get(url, {"version": 1, "question": themes["question_id"]}).content.decode()
    assert "Des pistes cyclables le long du canal" in everything
    assert "Le bus de nuit manque" in everything


def test_bad_links_to_answers_are_refused_clearly(client, report):
    consultation = report.consultation
    question = report.data["questions"][1]["id"]
    url = reverse("feedback_report_answers", args=[consultation.pk])
    client.force_login(OfficialFactory(organisation=consultation.organisation))
    assert client.get(url, {"version": "x", "question": question}).status_code == 302
    assert client.get(url, {"version": 9, "question": question}).status_code == 404
    assert client.get(url, {"version": 1, "question": "nope"}).status_code == 404
    assert client.get(url, {"version": 1, "question": question, "theme": "nope"}).status_code == 404
    assert client.get(url, {"version": 1, "question": question, "page": "999"}).status_code == 200

    client.force_login(OfficialFactory(organisation=OrganisationFactory()))
    assert client.get(url, {"version": 1, "question": question}).status_code in (302, 403)


def test_each_answer_offers_to_move_it_with_its_own_theme_chosen(client, report):
    """On the latest version, each answer's theme list starts on the theme that holds it; a theme named
    by officials is called by its name above its answers."""
    consultation = report.consultation
    [themes] = report.data["themes"]
    client.force_login(person_in_role("official", consultation.organisation))
    url = reverse("feedback_report_answers", args=[consultation.pk])
    body = client.get(url, {"version": 1, "question": themes["question_id"]}).content.decode()
    soup = BeautifulSoup(body, "html.parser")
    theme_of = {pk: theme["id"] for theme in themes["themes"] for pk in theme["answer_ids"]}
    chosen = {
        int(form.select_one("input[name=answer]")["value"]): form.select_one("option[selected]")
        for form in soup.select("form.theme-correction")
    }
    assert chosen, "officials can move the answers"
    for pk, option in chosen.items():
        assert (option["value"] if option else None) == theme_of.get(pk)

    data = copy.deepcopy(report.data)
    data["themes"][0]["themes"][0]["label"] = "Les transports du soir"
    type(report).objects.filter(pk=report.pk).update(data=data)
    first = data["themes"][0]["themes"][0]["id"]
    body = client.get(url, {"version": 1, "question": themes["question_id"], "theme": first}).content.decode()
    paragraphs = [p.get_text() for p in BeautifulSoup(body, "html.parser").select("p")]
    assert any("Les transports du soir" in text for text in paragraphs), "named above its answers"
