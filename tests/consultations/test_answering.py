"""A participant answers a consultation: one response, editable until closing; bad input never a 500."""

import threading
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.db import connection

from consultations.models import Answer, Response
from consultations.services.responses import response_submit
from tests.factories import QUESTIONS, UserFactory, consultation_create, form_data

pytestmark = pytest.mark.django_db


def test_open_consultation_shows_its_questionnaire_to_a_verified_participant(
    client, consultation, participant
):
    client.force_login(participant)
    page = client.get(consultation.url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Combien de jours télétravaillez-vous ?" in body
    assert "Envoyer mes réponses" in body


def test_answers_are_saved_and_confirmed(
    client, consultation, participant, django_capture_on_commit_callbacks
):
    client.force_login(participant)
    with django_capture_on_commit_callbacks() as callbacks:
        sent = client.post(
            consultation.url, form_data(consultation, choice=2, text="Des écrans"), follow=True
        )
    assert sent.status_code == 200
    assert "Merci, vos réponses sont enregistrées." in sent.content.decode()
    response = Response.objects.get(consultation=consultation, participant=participant)
    single, open_text = consultation.question_list
    assert response.answers.get(question_id=single.id).choice_id == single.choices[2][0]
    assert response.answers.get(question_id=open_text.id).text == "Des écrans"
    assert len(callbacks) == 2, "a report compile and a receipt are queued once the response is committed"


def test_editing_replaces_the_answers_and_keeps_one_response(client, consultation, participant):
    client.force_login(participant)
    client.post(consultation.url, form_data(consultation, choice=0, text="Premier avis"))
    page = client.get(consultation.url).content.decode()
    assert "Premier avis" in page, "the form is pre-filled with the previous answers"
    assert "Mettre à jour mes réponses" in page
    edited = client.post(
        consultation.url, form_data(consultation, choice=1, text="Avis corrigé"), follow=True
    )
    assert "Vos réponses sont mises à jour." in edited.content.decode()
    assert Response.objects.filter(consultation=consultation).count() == 1
    assert list(Answer.objects.filter(text__startswith="Avis").values_list("text", flat=True)) == [
        "Avis corrigé"
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_submissions_leave_one_response(organisation):
    """Two racing submissions (a double click on two connections) leave one response and one answer set."""
    consultation = consultation_create(organisation=organisation)
    participant = UserFactory()
    single, open_text = consultation.question_list
    barrier = threading.Barrier(2)
    errors = []

    def submit(text):
        try:
            barrier.wait()
            response_submit(
                consultation=consultation,
                participant=participant,
                answers={single.id: single.choices[0][0], open_text.id: text},
            )
        except Exception as error:  # collected and shown by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(text,)) for text in ("premier", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Response.objects.filter(consultation=consultation, participant=participant).count() == 1
    assert Answer.objects.filter(response__consultation=consultation).count() == 2


def test_a_double_submit_creates_one_response(client, consultation, participant):
    client.force_login(participant)
    data = form_data(consultation)
    first = client.post(consultation.url, data)
    second = client.post(consultation.url, data)
    assert (first.status_code, second.status_code) == (302, 302)
    assert Response.objects.filter(consultation=consultation, participant=participant).count() == 1
    assert Answer.objects.filter(response__consultation=consultation).count() == 2


def test_a_closed_consultation_refuses_answers_with_a_clear_message(client, organisation, participant):
    closed = consultation_create(
        organisation=organisation, opens_in=timedelta(days=-10), closes_in=timedelta(days=-1)
    )
    client.force_login(participant)
    refused = client.post(closed.url, form_data(closed))
    assert refused.status_code == 403
    assert "Cette consultation est close depuis le" in refused.content.decode()
    assert not Response.objects.exists()
    assert 'type="submit">Envoyer' not in client.get(closed.url).content.decode()


def test_a_consultation_not_open_yet_refuses_answers(client, organisation, participant):
    upcoming = consultation_create(
        organisation=organisation, opens_in=timedelta(days=2), closes_in=timedelta(days=9)
    )
    client.force_login(participant)
    refused = client.post(upcoming.url, form_data(upcoming))
    assert refused.status_code == 403
    assert "pas encore ouverte" in refused.content.decode()
    assert not Response.objects.exists()


def test_an_unpublished_consultation_is_not_found(client, organisation, participant):
    draft = consultation_create(organisation=organisation, publish=False)
    client.force_login(participant)
    assert client.get(draft.url).status_code == 404
    assert client.post(draft.url, form_data(draft)).status_code == 404
    assert not Response.objects.exists()
    draft.save_revision().publish()
    assert client.get(draft.url).status_code == 200, "the same address serves it once published"


def test_a_visitor_is_asked_to_sign_in(client, consultation):
    page = client.get(consultation.url)
    assert "Connectez-vous pour répondre à cette consultation." in page.content.decode()
    sent = client.post(consultation.url, form_data(consultation))
    assert sent.status_code == 302
    assert sent["Location"].startswith("/accounts/login/?next=")
    assert not Response.objects.exists()


def test_an_unconfirmed_address_cannot_answer(client, consultation):
    unverified = UserFactory(verified=False)
    EmailAddress.objects.create(user=unverified, email=unverified.email, verified=False, primary=True)
    client.force_login(unverified)
    refused = client.post(consultation.url, form_data(consultation))
    assert refused.status_code == 403
    assert "Confirmez votre adresse e-mail" in refused.content.decode()
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"choice": None, "text": None}, "Choisissez une réponse."),
        ({"choice": None}, "Choisissez une réponse."),
        ({"text": ""}, "Cette réponse est obligatoire."),
        ({"text": "x" * 201}, "au plus 200 caractères"),
        ({"choice": "not-a-choice"}, "Sélectionnez un choix valide"),
        ({"text": "zéro\x00octet"}, "Le caractère nul n’est pas autorisé."),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_saves_nothing(
    client, consultation, participant, change, message
):
    client.force_login(participant)
    single, open_text = consultation.question_list
    data = form_data(consultation)
    for key, value in change.items():
        name = f"q_{single.id}" if key == "choice" else f"q_{open_text.id}"
        if value is None:
            data.pop(name)
        else:
            data[name] = value
    refused = client.post(consultation.url, data)
    assert refused.status_code == 400
    assert message in refused.content.decode()
    assert 'id="form-errors" tabindex="-1" autofocus' in refused.content.decode(), "focus goes to the summary"
    assert not Response.objects.exists()


def test_bad_input_on_an_edit_keeps_the_saved_answers(client, consultation, participant):
    client.force_login(participant)
    client.post(consultation.url, form_data(consultation, text="Réponse enregistrée"))
    refused = client.post(consultation.url, form_data(consultation, text="y" * 500))
    assert refused.status_code == 400
    assert Answer.objects.get(text__startswith="Réponse").text == "Réponse enregistrée"


def test_other_methods_are_refused_cleanly(client, consultation):
    assert client.put(consultation.url).status_code == 405


def test_a_demographic_question_shows_its_purpose_and_is_optional(client, organisation, participant):

    questions = [
        *QUESTIONS,
        {"type": "age_band", "value": {"label": "Votre âge", "purpose": "vérifier la diversité"}},
    ]
    consultation = consultation_create(organisation=organisation, questions=questions)
    client.force_login(participant)
    page = client.get(consultation.url).content.decode()
    assert "Pourquoi nous le demandons\xa0: vérifier la diversité" in page
    assert "65 ans ou plus" in page
    assert client.post(consultation.url, form_data(consultation)).status_code == 302, "optional"
    ages = consultation.question_list[2]
    client.post(consultation.url, {**form_data(consultation), f"q_{ages.id}": "25-34"})
    assert Answer.objects.get(question_id=ages.id).choice_id == "25-34"


def test_a_receipt_is_emailed_once_per_version_of_the_answers(
    client, consultation, django_capture_on_commit_callbacks, monkeypatch
):
    from django.core import mail

    from consultations.tasks import response_receipt_send_task

    monkeypatch.setattr(
        response_receipt_send_task, "delay", lambda *args: response_receipt_send_task.apply(args=args)
    )
    english = UserFactory(language="en")
    client.force_login(english)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(consultation.url, form_data(consultation, choice=2, text="More screens"))
    [receipt] = mail.outbox
    assert receipt.subject == f"Your answers to “{consultation.title}”"
    assert "Deux ou plus" in receipt.body
    assert "More screens" in receipt.body
    response = Response.objects.get()
    response_receipt_send_task.run(response.pk)
    assert len(mail.outbox) == 1, "run twice, sent once"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(consultation.url, form_data(consultation, text="Fewer meetings"))
    assert len(mail.outbox) == 2
    assert "Fewer meetings" in mail.outbox[-1].body


def test_a_resident_only_consultation_tells_others_how_to_take_part(client, organisation, participant):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    from accounts.models import Territory

    lyon = Territory.objects.create(kind=Territory.Kind.COMMUNE, code="69123", name="Lyon")
    consultation = consultation_create(
        organisation=organisation, audience="territory", audience_territory=lyon
    )
    client.force_login(participant)
    page = client.get(consultation.url).content.decode()
    assert "For residents of Lyon" in page
    refused = client.post(consultation.url, form_data(consultation))
    assert refused.status_code == 403
    assert "set your commune of residence in your account" in refused.content.decode()
    assert 'href="/profile/">Go to my account</a>' in refused.content.decode()
    assert not Response.objects.exists()
    participant.territory = lyon
    participant.save()
    assert client.post(consultation.url, form_data(consultation)).status_code == 302


def test_an_invited_only_consultation_explains_which_address_to_use(client, organisation, participant):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    from consultations.models import InvitedParticipant

    consultation = consultation_create(organisation=organisation, audience="invited")
    InvitedParticipant.objects.create(consultation=consultation, email="Elue@Example.org")
    client.force_login(participant)
    refused = client.post(consultation.url, form_data(consultation))
    assert refused.status_code == 403
    assert "sign in with the e-mail address the invitation was sent to" in refused.content.decode()
    invited = UserFactory(email="elue@example.org")
    client.force_login(invited)
    assert client.post(consultation.url, form_data(consultation)).status_code == 302
    assert Response.objects.get().participant == invited
