"""Following consultations, the weekly digest in each person's language, and one-click unsubscribe."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import User
from accounts.notifications import unsubscribe_url
from consultations.models import Follow
from consultations.tasks import digest_send_task, weekly_digest_task
from tests.factories import UserFactory, consultation_create, form_data, outcome_create

pytestmark = pytest.mark.django_db


def test_following_and_unfollowing(client, consultation, participant):
    client.force_login(participant)
    url = f"/consultations/{consultation.pk}/follow/"
    followed = client.post(url, {"following": "1"}, follow=True)
    assert "Vous suivez cette consultation" in followed.content.decode()
    assert Follow.objects.filter(user=participant, consultation=consultation).count() == 1
    client.post(url, {"following": "1"})
    assert Follow.objects.count() == 1, "following twice is following once"
    client.post(url, {"following": "0"})
    assert not Follow.objects.exists()


@pytest.mark.parametrize("value", ["", "2", "yes"])
def test_bad_follow_requests_are_refused(client, consultation, participant, value):
    client.force_login(participant)
    assert client.post(f"/consultations/{consultation.pk}/follow/", {"following": value}).status_code == 400
    assert client.get(f"/consultations/{consultation.pk}/follow/").status_code == 405
    assert client.post("/consultations/999999/follow/", {"following": "1"}).status_code == 404
    assert not Follow.objects.exists()


def test_a_visitor_is_asked_to_sign_in_to_follow(client, consultation):
    assert client.post(f"/consultations/{consultation.pk}/follow/", {"following": "1"})[
        "Location"
    ].startswith("/accounts/login/")


def test_answering_follows_the_consultation(client, consultation, participant):
    client.force_login(participant)
    client.post(consultation.url, form_data(consultation))
    assert Follow.objects.filter(user=participant, consultation=consultation).exists()
    client.post(f"/consultations/{consultation.pk}/follow/", {"following": "0"})
    client.post(consultation.url, form_data(consultation, text="Modifiée"))
    assert not Follow.objects.exists(), "editing an answer does not follow again after unfollowing"


def publish_outcome(consultation, title):
    return outcome_create(consultation, title=title)


def test_the_digest_speaks_each_persons_language(organisation):
    consultation = consultation_create(organisation=organisation, closes_in=timedelta(days=3))
    french, english, quiet, opted_out = (
        UserFactory(language="fr"),
        UserFactory(language="en"),
        UserFactory(),
        UserFactory(email_digest=False),
    )
    for user in (french, english, opted_out):
        Follow.objects.create(user=user, consultation=consultation)
    publish_outcome(consultation, "Ce que nous avons retenu")
    since = (timezone.now() - timedelta(days=7)).isoformat()

    assert digest_send_task.run(french.pk, since)
    assert digest_send_task.run(english.pk, since)
    assert not digest_send_task.run(opted_out.pk, since)
    assert not digest_send_task.run(quiet.pk, since), "follows nothing: no e-mail"
    fr, en = mail.outbox
    assert fr.subject == "Cette semaine sur les consultations que vous suivez"
    assert en.subject == "This week on the consultations you follow"
    assert "Ce que nous avons retenu" in fr.body
    assert "Elle ferme le" in fr.body
    assert "It closes on" in en.body
    assert fr.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/profile/unsubscribe/" in fr.extra_headers["List-Unsubscribe"]


def test_no_news_no_digest(organisation):
    consultation = consultation_create(organisation=organisation, opens_in=timedelta(days=-30))
    user = UserFactory()
    Follow.objects.create(user=user, consultation=consultation)
    assert not digest_send_task.run(user.pk, (timezone.now() - timedelta(days=7)).isoformat())
    assert mail.outbox == []


def test_the_weekly_task_queues_one_digest_per_follower(organisation, monkeypatch):
    queued = []
    monkeypatch.setattr(digest_send_task, "delay", lambda *args: queued.append(args[0]))
    consultation = consultation_create(organisation=organisation)
    users = [UserFactory(), UserFactory(), UserFactory(email_digest=False)]
    for user in users:
        Follow.objects.create(user=user, consultation=consultation)
    assert weekly_digest_task.run() == 2
    assert sorted(queued) == sorted(user.pk for user in users[:2])


def test_one_click_unsubscribe(client):
    user = UserFactory()
    path = unsubscribe_url(user, "digest").split("8000", 1)[1]
    page = client.get(path)
    assert "Ne plus recevoir la lettre hebdomadaire" in page.content.decode()
    assert User.objects.get(pk=user.pk).email_digest, "opening the link changes nothing by itself"
    done = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert not User.objects.get(pk=user.pk).email_digest
    tampered = client.post(path[:-3] + "xx/")
    assert tampered.status_code == 400
    assert "pas valide" in tampered.content.decode()


def test_a_digest_task_run_twice_sends_once(organisation):
    consultation = consultation_create(organisation=organisation, closes_in=timedelta(days=3))
    user = UserFactory()
    Follow.objects.create(user=user, consultation=consultation)
    since = (timezone.now() - timedelta(days=7)).isoformat()
    assert digest_send_task.run(user.pk, since)
    assert not digest_send_task.run(user.pk, since)
    assert len(mail.outbox) == 1


def test_a_huge_id_is_a_404_not_an_error(client, participant):
    client.force_login(participant)
    assert (
        client.post("/consultations/99999999999999999999999/follow/", {"following": "1"}).status_code == 404
    )
