"""What a moderator decides reaches the people concerned, by e-mail, in their language, once: the author of
what was hidden (with the reason and what they can do), and each person whose report was decided."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from consultations import tasks
from consultations.models import Comment, Idea, ModerationAction, Report, Statement
from consultations.services.moderation import as_sentence
from core.notifications import unsubscribe_url
from tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """The arguments the notice task is queued with (the test then runs the task for real)."""
    calls = []
    monkeypatch.setattr(tasks.moderation_notify_task, "delay", lambda *args: calls.append(args))
    return calls


@pytest.fixture
def moderator(client, organisation):
    moderator = ModeratorFactory(organisation=organisation)
    client.force_login(moderator)
    return moderator


def moderate(client, kind, item, action, reason="", capture=None):
    with capture(execute=True):
        return client.post(
            reverse("consultations_moderate", args=[kind, item.pk]), {"kind": action, "reason": reason}
        )


def run(queued) -> int:
    """Run each queued task as the worker would, and return the e-mails sent."""
    return sum(tasks.moderation_notify_task(*args) for args in queued)


def test_hiding_tells_the_author_why_and_each_reporter_what_was_decided(
    client, forum, moderator, queued, django_capture_on_commit_callbacks
):
    author = UserFactory(language="en", pseudonym="Camille")
    reporters = [UserFactory(language="fr", pseudonym="Dominique"), UserFactory(language="en")]
    idea = Idea.objects.create(consultation=forum, author=author, title="Écrans partout", text="Pub.")
    for reporter in reporters:
        Report.objects.create(idea=idea, reporter=reporter, reason="spam", details="Une publicité")

    moderate(client, "idea", idea, "hide", "Publicité.", capture=django_capture_on_commit_callbacks)
    assert queued == [(ModerationAction.objects.get().pk,)], "queued once the decision is committed"
    assert mail.outbox == [], "nothing sent before the task runs"
    assert run(queued) == 3

    [to_author] = [message for message in mail.outbox if message.to == [author.email]]
    assert forum.title in to_author.subject
    assert "“Écrans partout”" in to_author.body
    assert "Hello Camille," in to_author.body
    assert "have hidden your idea" in to_author.body
    assert "Their reason: Publicité.\n" in to_author.body, "the moderator's period, not a second one"
    assert idea.get_absolute_url() in to_author.body, "where the author still sees it, with the reason"
    assert "contact" in to_author.body, "what the author can do"
    for reporter in reporters:  # the author never learns who reported them
        assert reporter.email not in to_author.body
        assert reporter.public_name not in to_author.body
    assert "Une publicité" not in to_author.body
    assert to_author.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/profile/unsubscribe/" in to_author.extra_headers["List-Unsubscribe"]
    assert "/profile/unsubscribe/" in to_author.body

    [to_french, to_english] = [
        next(message for message in mail.outbox if message.to == [reporter.email]) for reporter in reporters
    ]
    assert "hidden it" in to_english.body
    assert "Their reason: Publicité.\n" in to_english.body
    assert "L’équipe Concerto" in to_french.body, "in the reporter's language"
    assert "The Concerto team" in to_english.body
    assert to_french.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Delivered again (the outbox is at least once): nobody is written to twice.
    assert run(queued) == 0
    assert len(mail.outbox) == 3


def test_keeping_a_reported_statement_tells_its_reporters_and_not_its_author(
    client, forum, moderator, queued, django_capture_on_commit_callbacks
):
    author, reporter = UserFactory(language="en"), UserFactory(language="en")
    statement = Statement.objects.create(consultation=forum, author=author, text="Le vendredi")
    Report.objects.create(statement=statement, reporter=reporter, reason="off_topic")

    moderate(client, "statement", statement, "dismiss", capture=django_capture_on_commit_callbacks)
    assert run(queued) == 1
    [message] = mail.outbox
    assert message.to == [reporter.email]
    assert "kept it" in message.body
    assert "Le vendredi" in message.body


def test_restoring_or_approving_sends_nothing(
    client, forum, moderator, queued, django_capture_on_commit_callbacks
):
    comment = Comment.objects.create(
        consultation=forum,
        statement=Statement.objects.create(consultation=forum, author=UserFactory(), text="Oui"),
        author=UserFactory(),
        text="Un commentaire",
        stance="for",
        status=Comment.Status.HIDDEN,
    )
    pending = Statement.objects.create(
        consultation=forum, author=UserFactory(), text="À relire", status=Statement.Status.PENDING
    )
    moderate(client, "comment", comment, "restore", "Erreur", capture=django_capture_on_commit_callbacks)
    moderate(client, "statement", pending, "approve", capture=django_capture_on_commit_callbacks)
    assert queued == []
    assert mail.outbox == []


def test_an_item_restored_before_the_e_mail_leaves_is_not_announced_as_hidden(
    client, forum, moderator, queued, django_capture_on_commit_callbacks
):
    author, reporter = UserFactory(), UserFactory()
    comment = Comment.objects.create(
        consultation=forum,
        statement=Statement.objects.create(consultation=forum, author=UserFactory(), text="Oui"),
        author=author,
        text="Un commentaire",
        stance="for",
    )
    Report.objects.create(comment=comment, reporter=reporter, reason="offensive")
    moderate(client, "comment", comment, "hide", "Insultant", capture=django_capture_on_commit_callbacks)
    moderate(client, "comment", comment, "restore", "Méprise", capture=django_capture_on_commit_callbacks)
    assert run(queued) == 0
    assert mail.outbox == []


def test_people_who_turned_these_e_mails_off_get_none_and_one_click_turns_them_off(
    client, forum, moderator, queued, django_capture_on_commit_callbacks
):
    author = UserFactory(email_moderation=False)
    reporter = UserFactory()
    statement = Statement.objects.create(consultation=forum, author=author, text="Le vendredi")
    Report.objects.create(statement=statement, reporter=reporter, reason="spam")

    path = unsubscribe_url(reporter, "moderation").split("8000", 1)[1]
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not User.objects.get(pk=reporter.pk).email_moderation

    client.force_login(moderator)
    moderate(client, "statement", statement, "hide", "Spam", capture=django_capture_on_commit_callbacks)
    assert run(queued) == 0
    assert mail.outbox == []
    assert not Report.objects.filter(reporter_notified_at=None).exists(), "decided: not tried again"


def test_the_account_page_offers_to_turn_these_e_mails_off(client, participant):
    client.force_login(participant)
    page = client.get(reverse("account_profile")).content.decode()
    assert 'name="email_moderation"' in page


@pytest.mark.parametrize(
    ("reason", "sentence"),
    [
        ("Hors sujet", "Hors sujet."),
        ("Hors sujet.", "Hors sujet."),
        ("Vraiment ?", "Vraiment ?"),
        ("« Spam. »", "« Spam. »"),
        ("Voir la charte…", "Voir la charte…"),
        ("  Spam  ", "Spam."),
    ],
)
def test_a_reason_ends_with_one_full_stop(reason, sentence):
    assert as_sentence(reason) == sentence
