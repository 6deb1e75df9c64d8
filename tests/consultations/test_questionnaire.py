"""Every kind of question: rendered accessibly, validated on the server, stored so it can be analysed;
drafts kept without being counted."""

from decimal import Decimal

import pytest
from django.core import mail

from consultations.models import Answer, Response
from consultations.tasks import response_receipt_send_task
from reports import services as feedback
from tests.factories import EVERY_KIND, consultation_create, questionnaire_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    """These pages in English: the strings new in this module are checked before they are translated."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def questionnaire(organisation):
    return consultation_create(organisation=organisation, questions=EVERY_KIND)


def rows(question):
    return list(
        Answer.objects.filter(question_id=question.id)
        .order_by("position", "choice_id")
        .values_list("choice_id", "text", "number", "position")
    )


def test_each_kind_is_rendered_with_labels_groups_and_sections(client, questionnaire, participant):
    client.force_login(participant)
    body = client.get(questionnaire.url).content.decode()
    short, _single, multiple, _yes_no, _scale, ranking, number, _long = questionnaire.question_list
    assert (
        f'<fieldset class="field field-multiple_choice" aria-describedby="id_q_{multiple.id}_limits">' in body
    )
    assert f'<span class="helptext" id="id_q_{multiple.id}_limits">Choose from 1 to 2 answers.</span>' in body
    assert f'aria-describedby="id_q_{number.id}_limits"' in body, "the number's bounds are read with it"
    assert f'aria-describedby="id_q_{ranking.id}_limits"' in body
    assert '<h3 id="section-' in body
    assert "Vos trajets" in body
    assert "Pour comprendre vos déplacements." in body
    assert f'<label for="id_q_{short.id}">Votre commune de travail' in body
    assert "<legend>Quels équipements utilisez-vous ?" in body
    assert f'type="checkbox" name="q_{multiple.id}"' in body
    assert f'<label for="id_q_{multiple.id}_other">' in body, "the Other box has its own label"
    assert "1 – Pas du tout" in body, "the scale's ends are labelled"
    assert "5 – Tout à fait" in body
    # Ranking without JavaScript: one labelled rank select per choice.
    for index, (choice_id, label) in enumerate(ranking.choices):
        assert f'<label for="id_q_{ranking.id}_{index}">{label}</label>' in body
        assert f'<select name="q_{ranking.id}_{choice_id}" id="id_q_{ranking.id}_{index}">' in body
    assert 'inputmode="decimal"' in body
    assert 'name="action" value="draft"' in body


def test_a_complete_answer_is_stored_one_row_per_choice_rank_or_number(
    client, questionnaire, participant, django_capture_on_commit_callbacks
):
    client.force_login(participant)
    with django_capture_on_commit_callbacks() as callbacks:
        sent = client.post(questionnaire.url, questionnaire_data(questionnaire))
    assert sent.status_code == 302
    assert len(callbacks) == 2, "a report compile and a receipt"
    short, single, multiple, yes_no, scale, ranking, number, _long = questionnaire.question_list
    assert rows(short) == [("", "Lyon", None, None)]
    assert rows(single) == [(single.choices[1][0], "", None, None)]
    assert sorted(rows(multiple)) == sorted(
        [(multiple.choices[0][0], "", None, None), ("other", "Une souris", None, None)]
    )
    assert rows(yes_no) == [("yes", "", None, None)]
    assert rows(scale) == [("", "", Decimal("4"), None)]
    first, second, third = (choice_id for choice_id, _label in ranking.choices)
    assert rows(ranking) == [(second, "", None, 1), (third, "", None, 2), (first, "", None, 3)]
    assert rows(number) == [("", "", Decimal("12.5"), None)]
    response = Response.objects.get()
    assert response.status == Response.Status.SUBMITTED
    assert response.submitted_at is not None


def test_the_form_comes_back_filled_in_with_every_kind(client, questionnaire, participant):
    client.force_login(participant)
    client.post(questionnaire.url, questionnaire_data(questionnaire))
    body = client.get(questionnaire.url).content.decode()
    _short, _single, multiple, _yes_no, scale, ranking, _number, _long = questionnaire.question_list
    assert 'value="Lyon"' in body
    assert 'value="Une souris"' in body
    assert f'name="q_{multiple.id}" value="other" id="id_q_{multiple.id}_3" checked' in body
    assert f'name="q_{scale.id}" value="4" id="id_q_{scale.id}_3" required checked' in body
    second = ranking.choices[1][0]
    assert f'<select name="q_{ranking.id}_{second}" id="id_q_{ranking.id}_1">' in body
    assert '<option value="1" selected>1</option>' in body
    assert 'value="12.5"' in body


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"short": {"q_SHORT": "x" * 51}}, "at most 50 characters"),
        ({"single": {"q_SINGLE": "not-a-choice"}}, "Select a valid choice."),
        ({"single": {"q_SINGLE": "other"}}, "You chose “Other”: say what it is."),
        ({"multiple": None, "multiple_other": None}, "Choose at least one answer."),
        ({"multiple": {"q_MULTIPLE": ["A", "B", "C"]}}, "Choose at most 2 answers."),
        ({"multiple": {"q_MULTIPLE": ["forged"]}}, "Choose among the answers offered."),
        ({"multiple_other": {"q_MULTIPLE_other": "y" * 201}}, "at most 200 characters"),
        ({"yes_no": {"q_YES_NO": "maybe"}}, "Select a valid choice."),
        ({"scale": {"q_SCALE": "6"}}, "Choose a value on the scale."),
        ({"scale": {"q_SCALE": "3.5"}}, "Choose a value on the scale."),
        ({"ranking": {"q_RANKING_FIRST": "1", "q_RANKING_SECOND": "1", "q_RANKING_THIRD": "2"}}, "same rank"),
        ({"ranking": {"q_RANKING_FIRST": "1", "q_RANKING_SECOND": "2"}}, "Rank every choice"),
        (
            {"ranking": {"q_RANKING_FIRST": "1", "q_RANKING_SECOND": "2", "q_RANKING_THIRD": "9"}},
            "Give each choice a rank",
        ),
        (
            {"ranking": {"q_RANKING_FIRST": "un", "q_RANKING_SECOND": "2", "q_RANKING_THIRD": "3"}},
            "Give each choice a rank",
        ),
        ({"number": {"q_NUMBER": "douze"}}, "Enter a number."),
        ({"number": {"q_NUMBER": "501"}}, "less than or equal to 500"),
        ({"number": {"q_NUMBER": "-1"}}, "greater than or equal to 0"),
        ({"number": {"q_NUMBER": "1e400"}}, "no more than 18 digits"),
        ({"number": {"q_NUMBER": "NaN"}}, "Enter a number."),
        ({"long": {"q_LONG": "z\x00"}}, "Null characters are not allowed."),
    ],
)
def test_bad_input_of_every_kind_is_refused_next_to_the_field(
    client, questionnaire, participant, changes, message
):
    """Bad input is a 400 with the form re-rendered and the message beside the field, never a 500;
    the answers sent before it stay as they were."""
    client.force_login(participant)
    client.post(questionnaire.url, questionnaire_data(questionnaire))
    before = sorted(Answer.objects.values_list("question_id", "choice_id", "text", "number", "position"))
    short, single, multiple, yes_no, scale, ranking, number, long = questionnaire.question_list
    first, second, third = (choice_id for choice_id, _label in ranking.choices)
    names = {
        "SHORT": short.id,
        "SINGLE": single.id,
        "MULTIPLE": multiple.id,
        "YES_NO": yes_no.id,
        "SCALE": scale.id,
        "RANKING": ranking.id,
        "NUMBER": number.id,
        "LONG": long.id,
    }
    choice_names = {"FIRST": first, "SECOND": second, "THIRD": third}
    concrete = {}
    for key, value in changes.items():
        if value is None:
            concrete[key] = None
            continue
        fields = {}
        for name, field_value in value.items():
            for placeholder, real in names.items():
                name = name.replace(f"_{placeholder}", f"_{real}")
            for placeholder, real in choice_names.items():
                name = name.replace(f"_{placeholder}", f"_{real}")
            if field_value == ["A", "B", "C"]:
                field_value = [choice_id for choice_id, _label in multiple.choices]
            fields[name] = field_value
        concrete[key] = fields
    refused = client.post(questionnaire.url, questionnaire_data(questionnaire, **concrete))
    body = refused.content.decode()
    assert refused.status_code == 400
    assert message in body
    assert 'class="errorlist"' in body
    assert (
        sorted(Answer.objects.values_list("question_id", "choice_id", "text", "number", "position")) == before
    )


def test_a_required_question_left_empty_is_named_in_the_summary_and_linked(
    client, questionnaire, participant
):
    client.force_login(participant)
    short = questionnaire.question_list[0]
    refused = client.post(questionnaire.url, questionnaire_data(questionnaire, short={f"q_{short.id}": ""}))
    body = refused.content.decode()
    assert refused.status_code == 400
    assert f'<a href="#id_q_{short.id}">Votre commune de travail</a>' in body
    assert f'aria-describedby="id_q_{short.id}_error"' in body
    assert 'aria-invalid="true"' in body
    assert not Response.objects.exists()


def test_a_draft_skips_required_answers_is_kept_and_not_counted(
    client, questionnaire, participant, django_capture_on_commit_callbacks
):
    client.force_login(participant)
    short = questionnaire.question_list[0]
    with django_capture_on_commit_callbacks() as callbacks:
        saved = client.post(questionnaire.url, {f"q_{short.id}": "Lyo", "action": "draft"}, follow=True)
    assert saved.status_code == 200
    assert "Your draft is saved" in saved.content.decode()
    assert callbacks == [], "no receipt and no report compile for a draft"
    response = Response.objects.get()
    assert (response.status, response.submitted_at) == (Response.Status.DRAFT, None)
    body = client.get(questionnaire.url).content.decode()
    assert 'value="Lyo"' in body, "coming back finds the draft"
    assert "Your draft is below" in body
    assert feedback.report_compile(consultation=questionnaire).participants == 0, "a draft is not counted"


def test_a_draft_still_checks_types_and_lengths(client, questionnaire, participant):
    client.force_login(participant)
    short, _single, _multiple, _yes_no, scale, *_rest = questionnaire.question_list
    refused = client.post(
        questionnaire.url, {f"q_{short.id}": "x" * 51, f"q_{scale.id}": "9", "action": "draft"}
    )
    assert refused.status_code == 400
    assert "Choose a value on the scale." in refused.content.decode()
    assert not Response.objects.exists()


def test_sending_a_draft_counts_it_and_mails_the_receipt(
    client, questionnaire, participant, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(
        response_receipt_send_task, "delay", lambda *args: response_receipt_send_task.apply(args=args)
    )
    client.force_login(participant)
    short = questionnaire.question_list[0]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(questionnaire.url, {f"q_{short.id}": "Lyon", "action": "draft"})
    response_receipt_send_task.run(Response.objects.get().pk)
    assert mail.outbox == [], "a draft gets no receipt, even if a task runs for it"
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            questionnaire.url, {**questionnaire_data(questionnaire), "action": "send"}, follow=True
        )
    assert "Thank you, your answers are saved." in sent.content.decode()
    assert Response.objects.get().status == Response.Status.SUBMITTED
    [receipt] = mail.outbox
    assert "Une souris" in receipt.body
    assert "1. Horaires; 2. Formation; 3. Équipement" in receipt.body
    assert feedback.report_compile(consultation=questionnaire).participants == 1
    assert 'value="draft"' not in client.get(questionnaire.url).content.decode(), "no going back to draft"


def test_a_sent_response_cannot_become_a_draft(client, questionnaire, participant):
    client.force_login(participant)
    client.post(questionnaire.url, questionnaire_data(questionnaire))
    refused = client.post(
        questionnaire.url, {**questionnaire_data(questionnaire, long=None), "action": "draft"}
    )
    assert refused.status_code == 400
    assert "already sent" in refused.content.decode()
    assert Response.objects.get().status == Response.Status.SUBMITTED
    assert Answer.objects.filter(text="Merci.").exists(), "nothing sent before is lost"


def test_the_report_summarises_every_kind(client, questionnaire, participant, official):
    from tests.factories import UserFactory

    client.force_login(participant)
    client.post(questionnaire.url, questionnaire_data(questionnaire))
    other = UserFactory()
    client.force_login(other)
    _short, _single, multiple, yes_no, scale, ranking, number, _long = questionnaire.question_list
    first, second, third = (choice_id for choice_id, _label in ranking.choices)
    client.post(
        questionnaire.url,
        questionnaire_data(
            questionnaire,
            multiple={f"q_{multiple.id}": [multiple.choices[0][0]]},
            multiple_other=None,
            scale={f"q_{scale.id}": "2"},
            ranking={
                f"q_{ranking.id}_{first}": "1",
                f"q_{ranking.id}_{second}": "2",
                f"q_{ranking.id}_{third}": "3",
            },
            number={f"q_{number.id}": "7"},
        ),
    )
    snapshot = feedback.report_compile(consultation=questionnaire)
    by_id = {question.id: question for question in snapshot.questions}
    equipment = by_id[multiple.id]
    assert next((c.id, c.count, c.percent) for c in equipment.choices) == (multiple.choices[0][0], 2, 100.0)
    assert equipment.choices[-1].id == "other"
    assert equipment.other_answers == 1
    assert (by_id[scale.id].n, by_id[scale.id].mean, by_id[scale.id].median) == (2, 3.0, 3.0)
    assert [cell.count for cell in by_id[scale.id].distribution] == [0, 1, 0, 1, 0]
    assert by_id[ranking.id].ranking[0].id == second, "best Borda score first"
    assert (by_id[number.id].min, by_id[number.id].max) == (7.0, 12.5)
    assert [c.count for c in by_id[yes_no.id].choices] == [2, 0]
    assert snapshot.data["open_answers"] == 2 + 2 + 1, "short texts, long texts and the Other text"
    official.memberships.update(organisation=questionnaire.organisation)
    client.force_login(official)
    from django.urls import reverse

    page = client.get(reverse("feedback_report_detail", args=[questionnaire.pk]))
    assert page.status_code == 200
    assert "Borda" in page.content.decode()


@pytest.mark.parametrize(
    "tampered",
    [
        lambda q: {q["multiple"].id: [q["multiple"].choices[0][0], q["multiple"].choices[0][0]]},
        lambda q: {q["multiple"].id: ["forged"]},
        lambda q: {q["single"].id: (q["single"].choices[0][0], "texte sur un choix ordinaire")},
        lambda q: {q["ranking"].id: [q["ranking"].choices[0][0]] * 2},
        lambda q: {q["number"].id: Decimal("501")},
        lambda q: {q["number"].id: Decimal("NaN")},
        lambda q: {q["scale"].id: "beaucoup"},
        lambda q: {q["short"].id: "ok", q["long"].id: "x", "unknown-question": "x"},
        lambda q: {q["short"].id: "x" * 51},
    ],
)
def test_the_service_refuses_answers_the_questionnaire_cannot_hold(questionnaire, participant, tampered):
    """A stale form or a script calling the service gets a refusal, and nothing is stored."""
    from consultations.services.refusals import ResponseRefused
    from consultations.services.responses import response_submit

    names = ["short", "single", "multiple", "yes_no", "scale", "ranking", "number", "long"]
    questions = dict(zip(names, questionnaire.question_list, strict=True))
    with pytest.raises(ResponseRefused):
        response_submit(consultation=questionnaire, participant=participant, answers=tampered(questions))
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "row",
    [
        {"choice_id": "abc", "text": "du texte sur un choix"},
        {"number": Decimal(3), "choice_id": "abc"},
        {"position": 1},
        {"position": 0, "choice_id": "abc"},
        {},
    ],
)
def test_the_database_refuses_nonsense_answers(questionnaire, participant, row):
    from django.db import IntegrityError, transaction

    response = Response.objects.create(consultation=questionnaire, participant=participant)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(response=response, question_id="q", **row)


def test_the_database_refuses_two_choices_at_the_same_rank(questionnaire, participant):
    from django.db import IntegrityError

    response = Response.objects.create(consultation=questionnaire, participant=participant)
    Answer.objects.create(response=response, question_id="r", choice_id="a", position=1)
    with pytest.raises(IntegrityError):
        Answer.objects.create(response=response, question_id="r", choice_id="b", position=1)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("3.5", "Enter a whole number."),
        ("9" * 30, "less than or equal to 999999999999"),
        ("", "This answer is required."),
    ],
)
def test_a_whole_number_question_without_bounds_still_refuses_what_cannot_be_stored(
    client, organisation, participant, value, message
):
    number = {"type": "number", "value": {"label": "Combien d’enfants ?", "help_text": "", "required": True}}
    consultation = consultation_create(organisation=organisation, questions=[number])
    [question] = consultation.question_list
    client.force_login(participant)
    refused = client.post(consultation.url, {f"q_{question.id}": value})
    assert refused.status_code == 400
    assert message in refused.content.decode()
    assert client.post(consultation.url, {f"q_{question.id}": "3"}).status_code == 302
    assert Answer.objects.get().number == 3


def test_other_without_its_text_is_named_with_its_question_in_the_summary(client, questionnaire, participant):
    client.force_login(participant)
    single = questionnaire.question_list[1]
    refused = client.post(
        questionnaire.url, questionnaire_data(questionnaire, single={f"q_{single.id}": "other"})
    )
    assert refused.status_code == 400
    body = refused.content.decode()
    assert f'<a href="#id_q_{single.id}_other">Comment venez-vous ? — your “Other” answer</a>' in body
    assert f'aria-describedby="id_q_{single.id}_other_error"' in body
