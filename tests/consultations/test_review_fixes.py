"""Inputs and states found by review: each answered with a 4xx or hidden, never a 500 or a leak."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from consultations.models import Comment, Idea, Statement, Vote
from core.spreadsheets import write_xlsx
from reports import exports, services
from tests.factories import EVERY_KIND, UserFactory, consultation_create, questionnaire_data

pytestmark = pytest.mark.django_db

UNICODE_DIGIT = "²"  # str.isdigit() is true for it, int() refuses it


def test_unicode_digits_in_ids_and_ranks_are_refused_not_a_500(client, forum, idea, participant):
    client.force_login(participant)
    assert client.get(idea.get_absolute_url(), {"reply_to": UNICODE_DIGIT}).status_code in (200, 400, 404)
    posted = client.post(idea.get_absolute_url(), {"text": "Oui", "stance": "for", "parent": UNICODE_DIGIT})
    assert posted.status_code in (400, 404)

    questionnaire = consultation_create(title="Questionnaire", questions=EVERY_KIND)
    ranking = questionnaire.question_list[5]
    ranks = {f"q_{ranking.id}_{choice_id}": UNICODE_DIGIT for choice_id, _label in ranking.choices}
    sent = client.post(questionnaire.url, questionnaire_data(questionnaire, ranking=ranks))
    assert sent.status_code == 400
    assert not questionnaire.responses.exists()


def test_hidden_or_pending_items_cannot_be_read_through_the_report_form(client, forum, participant):
    hidden = Statement.objects.create(consultation=forum, text="Texte masqué", status=Statement.Status.HIDDEN)
    pending = Statement.objects.create(consultation=forum, text="En attente", status=Statement.Status.PENDING)
    idea = Idea.objects.create(consultation=forum, title="Idée masquée", text="…", moderation_status="hidden")
    shown = Idea.objects.create(consultation=forum, title="Visible", text="…")
    comment = Comment.objects.create(
        consultation=forum, idea=idea, text="Sous une idée masquée", stance="for"
    )
    client.force_login(participant)
    for kind, item in (("statement", hidden), ("statement", pending), ("idea", idea), ("comment", comment)):
        response = client.get(reverse("contribution_report", args=[forum.pk, kind, item.pk]))
        assert response.status_code == 404, kind
    assert client.get(reverse("contribution_report", args=[forum.pk, "idea", shown.pk])).status_code == 200


def test_an_idea_merged_into_a_hidden_one_does_not_show_its_title(client, forum):
    target = Idea.objects.create(
        consultation=forum, title="Titre à cacher", text="…", moderation_status="hidden"
    )
    merged = Idea.objects.create(consultation=forum, title="Doublon", text="…", merged_into=target)
    for url in (reverse("idea_list", args=[forum.pk]), merged.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "Titre à cacher" not in page
        assert "Fusionnée dans une autre idée." in page


def test_participants_texts_stay_text_in_the_workbook(organisation):
    consultation = consultation_create(organisation=organisation, statements_enabled=True)
    statement = Statement.objects.create(consultation=consultation, text='=HYPERLINK("http://x","clic")\x01')
    for _ in range(3):
        Vote.objects.create(statement=statement, participant=UserFactory(), value=1)
    snapshot = services.report_compile(consultation=consultation, force=True)
    workbook = load_workbook(io.BytesIO(write_xlsx(exports.report_tables(snapshot))))
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value]
    formulas = [cell.value for cell in cells if cell.data_type == "f"]
    assert formulas == []
    assert any(str(cell.value).startswith("'=HYPERLINK") for cell in cells)
