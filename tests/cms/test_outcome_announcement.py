"""Publishing an outcome page e-mails each person who took part, once, in their language."""

import pytest
from django.core import mail

from accounts.privacy import exporters
from accounts.services import account_delete
from cms import tasks
from cms.models import OutcomeNotification
from consultations.models import Idea, Response, Statement, Vote
from tests.factories import UserFactory, consultation_create, outcome_create
from tests.reports.test_reports import answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """The ids the announcement task is queued with (the task is then run for real by the test)."""
    ids = []
    monkeypatch.setattr(tasks.outcome_announce_task, "delay", ids.append)
    return ids


def export_data(user) -> dict:
    return {key: export(user) for key, export in exporters().items()}


def participants(consultation):
    """One person per way of taking part, and people who must not be written to."""
    people = {
        "responder": UserFactory(language="en"),
        "author": UserFactory(language="fr"),
        "voter": UserFactory(language="en"),
        "ideator": UserFactory(language="en"),
        "drafter": UserFactory(language="en"),
        "inactive": UserFactory(language="en", is_active=False),
        "deleted": UserFactory(language="en"),
        "bystander": UserFactory(language="en"),
    }
    answer(consultation, people["responder"])
    answer(consultation, people["deleted"])
    answer(consultation, people["inactive"])
    Response.objects.create(consultation=consultation, participant=people["drafter"])
    statement = Statement.objects.create(
        consultation=consultation, author=people["author"], text="Le vendredi"
    )
    Vote.objects.create(statement=statement, participant=people["voter"], value=1)
    Idea.objects.create(consultation=consultation, author=people["ideator"], title="Écrans", text="…")
    account_delete(user=people["deleted"])
    return people


def test_the_first_publication_emails_each_participant_once(
    consultation, queued, django_capture_on_commit_callbacks
):
    people = participants(consultation)
    other = consultation_create(organisation=consultation.organisation, title="Autre")
    answer(other, people["bystander"])
    with django_capture_on_commit_callbacks(execute=True):
        page = outcome_create(consultation, title="Ce que nous avons retenu")
    assert queued == [page.pk], "queued once the publication is committed"

    assert tasks.outcome_announce_task(page.pk) == 4
    recipients = sorted(message.to[0] for message in mail.outbox)
    expected = sorted(people[name].email for name in ("responder", "author", "voter", "ideator"))
    assert recipients == expected, (
        "drafts, inactive and deleted accounts, other consultations: not written to"
    )
    english = next(message for message in mail.outbox if message.to == [people["responder"].email])
    assert english.subject == f"What came of “{consultation.title}”"
    assert "Ce que nous avons retenu" in english.body
    assert page.url in english.body
    assert "/consultations/mine/" in english.body
    french = next(message for message in mail.outbox if message.to == [people["author"].email])
    assert "L’équipe Concerto" in french.body, "in the participant's language"

    # A second run (a redelivered task) and publishing again send nothing more.
    assert tasks.outcome_announce_task(page.pk) == 0
    with django_capture_on_commit_callbacks(execute=True):
        page.title = "Ce que nous avons retenu (mis à jour)"
        page.save_revision().publish()
    assert queued == [page.pk]
    assert len(mail.outbox) == 4
    data = export_data(people["responder"])
    assert [item["outcome_page"] for item in data["outcome_emails"]] == [page.title]


def test_a_failed_email_is_sent_by_the_retry_and_only_that_one(consultation, queued, monkeypatch):
    people = participants(consultation)
    page = outcome_create(consultation)
    from core import notifications

    real_send = notifications.EmailMultiAlternatives.send
    failing = {people["voter"].email}

    def send(message, *args, **kwargs):
        if set(message.to) & failing:
            raise OSError("SMTP server down")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(notifications.EmailMultiAlternatives, "send", send)
    with pytest.raises(OSError, match="SMTP"):
        tasks.outcome_announce_task.run(page.pk)
    sent_before = len(mail.outbox)
    assert not OutcomeNotification.objects.filter(user=people["voter"]).exists()

    failing.clear()
    tasks.outcome_announce_task.run(page.pk)
    recipients = [message.to[0] for message in mail.outbox]
    assert len(recipients) == 4, "the retry sends what failed, and nothing twice"
    assert sorted(recipients) == sorted(set(recipients))
    assert people["voter"].email in recipients[sent_before:]


def test_an_unpublished_page_announces_nothing_until_published(consultation, queued):
    participants(consultation)
    page = outcome_create(consultation, publish=False)
    assert queued == []
    assert tasks.outcome_announce_task(page.pk) == 0
    assert tasks.outcome_announce_task(page.pk + 1000) == 0, "a deleted page: nothing, no error"
    assert mail.outbox == []
    page.save_revision().publish()
    assert tasks.outcome_announcements_resume_task() == 1, "the beat task queues what never finished"
    assert tasks.outcome_announce_task(page.pk) == 4
    assert tasks.outcome_announcements_resume_task() == 0


def test_pages_published_before_announcements_existed_are_not_announced_when_republished(
    consultation, queued, django_capture_on_commit_callbacks
):
    import importlib

    from django.apps import apps

    from cms.models import OutcomeAnnouncement

    answer(consultation, UserFactory())
    page = outcome_create(consultation)
    OutcomeAnnouncement.objects.all().delete()  # as a page published before the table existed
    importlib.import_module("cms.migrations.0010_announce_existing_outcomes").announced_already(apps, None)
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert queued == []
    assert not mail.outbox


def test_titles_reach_the_reader_as_written_not_html_escaped(consultation, queued):
    from django.utils import translation

    from consultations.models import ConsultationPage

    ConsultationPage.objects.filter(pk=consultation.pk).update(title="Plan d'urbanisme & mobilité")
    person = UserFactory(language="en")
    answer(consultation, person)
    page = outcome_create(consultation, title="L'essentiel & la suite")
    with translation.override("en"):
        tasks.outcome_announce_task(page.pk)
    [message] = mail.outbox
    assert message.subject == "What came of “Plan d'urbanisme & mobilité”"
    assert "L'essentiel & la suite" in message.body
    assert "&amp;" not in message.body
    assert "&#x27;" not in message.body


def test_the_email_unsubscribes_in_one_click_and_is_not_sent_again(consultation, queued, client):
    people = participants(consultation)
    page = outcome_create(consultation)
    tasks.outcome_announce_task(page.pk)
    message = next(message for message in mail.outbox if message.to == [people["responder"].email])
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in message.body, "the link is in the body too"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    path = link.split("8000", 1)[1]
    assert "Ne plus recevoir d’e-mail à la publication du bilan" in client.get(path).content.decode()
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    people["responder"].refresh_from_db()
    assert not people["responder"].email_outcomes

    mail.outbox.clear()
    another = outcome_create(consultation_create(organisation=consultation.organisation, title="Encore"))
    answer(another.consultation, people["responder"])
    answer(another.consultation, people["voter"])
    assert tasks.outcome_announce_task(another.pk) == 1
    assert [message.to for message in mail.outbox] == [[people["voter"].email]]


def test_an_address_refused_for_good_does_not_hold_up_the_others(consultation, queued, monkeypatch):
    """A mailbox that does not exist (550) is refused at every attempt: the others still get theirs,
    and a second run does not try it again."""
    import smtplib

    from core import notifications

    people = participants(consultation)
    page = outcome_create(consultation)
    real_send = notifications.EmailMultiAlternatives.send
    attempts = []

    def send(message, *args, **kwargs):
        if message.to == [people["responder"].email]:
            attempts.append(message.to)
            raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"5.1.1 No such user")})
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(notifications.EmailMultiAlternatives, "send", send)
    assert tasks.outcome_announce_task.run(page.pk) == 3
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        people[name].email for name in ("author", "voter", "ideator")
    )
    assert tasks.outcome_announce_task.run(page.pk) == 0
    assert len(attempts) == 1


def test_a_refusal_for_now_is_retried(consultation, queued, monkeypatch):
    import smtplib

    from core import notifications

    people = participants(consultation)
    page = outcome_create(consultation)
    real_send = notifications.EmailMultiAlternatives.send
    busy = {people["author"].email}

    def send(message, *args, **kwargs):
        if set(message.to) & busy:
            raise smtplib.SMTPRecipientsRefused({message.to[0]: (450, b"4.2.1 Mailbox busy, try later")})
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(notifications.EmailMultiAlternatives, "send", send)
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        tasks.outcome_announce_task.run(page.pk)
    busy.clear()
    tasks.outcome_announce_task.run(page.pk)
    assert people["author"].email in [message.to[0] for message in mail.outbox]
