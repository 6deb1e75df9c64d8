"""Following consultations, the weekly digest in each person's language, and one-click unsubscribe."""

from datetime import UTC, datetime, timedelta
from unittest.mock import patch

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import User
from consultations.models import ConsultationUpdate, ConsultationUpdateRelease, Follow
from consultations.tasks import digest_send_task, weekly_digest_task
from core.notifications import unsubscribe_url
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
    since, until = (timezone.now() - timedelta(days=7)).isoformat(), timezone.now().isoformat()
    assert digest_send_task.run(user.pk, since, until)
    assert not digest_send_task.run(user.pk, since, until), "the same period again (a redelivery)"
    assert len(mail.outbox) == 1


def test_consecutive_weekly_digests_leave_no_gap_and_repeat_nothing(organisation):
    """Beat starts the weekly run on Monday morning; each person's digest is sent a little later. Every
    week's update reaches the follower, once (a digest used to be skipped every other week)."""
    consultation = consultation_create(
        organisation=organisation, opens_in=timedelta(days=-60), closes_in=timedelta(days=-30)
    )
    follower = UserFactory(language="en")
    Follow.objects.create(user=follower, consultation=consultation)
    monday = datetime(2026, 11, 2, 7, 0, 0, 100000, tzinfo=UTC)
    for week in range(4):
        run_at = monday + timedelta(days=7 * week, milliseconds=3 * week)  # the scheduler's jitter
        update = ConsultationUpdate.objects.create(
            consultation=consultation, published_on=(run_at - timedelta(days=3)).date(), title=f"Week {week}"
        )
        ConsultationUpdateRelease.objects.create(update=update, released_at=run_at - timedelta(days=3))
        queued = []
        with (
            patch("django.utils.timezone.now", return_value=run_at),
            patch.object(digest_send_task, "delay", lambda *args, into=queued: into.append(args)),
        ):
            weekly_digest_task.run()
        with patch("django.utils.timezone.now", return_value=run_at + timedelta(seconds=2)):
            assert [digest_send_task.run(*args) for args in queued] == [True], f"week {week}"
    weeks = [[line for line in message.body.splitlines() if "Week" in line] for message in mail.outbox]
    assert [len(lines) for lines in weeks] == [1, 1, 1, 1]
    assert all(f"Week {week}" in weeks[week][0] for week in range(4))


def test_a_huge_id_is_a_404_not_an_error(client, participant):
    client.force_login(participant)
    assert (
        client.post("/consultations/99999999999999999999999/follow/", {"following": "1"}).status_code == 404
    )
