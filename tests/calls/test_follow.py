"""People follow a published laureate from the laureates page; each new or changed milestone of the
project is e-mailed to its followers, once each, in their language."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.privacy import exporters
from accounts.services import account_delete
from calls import permissions, tasks
from calls.models import MilestoneNotification, Project, ProjectFollow
from calls.services import milestones
from tests.calls.conftest import project_create
from tests.factories import OfficialFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = Project.Status


@pytest.fixture
def laureate(call, applicant):
    project = project_create(call, applicant, status=Status.SELECTED, title="Le tiers-lieu retenu")
    type(call).objects.filter(pk=call.pk).update(laureates_published_at=timezone.now())
    project.call.refresh_from_db()
    return project


@pytest.fixture
def run_milestone_tasks(monkeypatch):
    """The task queued on commit runs here (tests/calls/test_worker.py runs a real one)."""
    task = tasks.milestone_notify_task
    monkeypatch.setattr(task, "delay", lambda *args: task.apply(args=args))


def follow(client, project, following="1"):
    return client.post(reverse("calls_project_follow", args=[project.pk]), {"following": following})


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def milestone_save(project, milestone=None, *, actor=None, **values):
    values = {"title": "Ouverture du café", "due_on": date(2027, 3, 15), "progress": 30, "note": "", **values}
    return milestones.milestone_save(project=project, milestone=milestone, actor=actor, **values)


def test_follow_and_stop_following_from_the_laureates_page(en, laureate):
    person = UserFactory()
    en.force_login(person)
    page = reverse("calls_laureates", args=[laureate.call_id])
    assert "Follow this project" in en.get(page).content.decode()

    response = follow(en, laureate)
    assert response.status_code == 302
    assert response["Location"] == f"{page}#project-{laureate.pk}"
    assert ProjectFollow.objects.filter(project=laureate, user=person).count() == 1
    assert follow(en, laureate).status_code == 302, "following twice is harmless"
    assert ProjectFollow.objects.filter(project=laureate, user=person).count() == 1
    assert "Stop following" in en.get(page).content.decode()

    response = follow(en, laureate, "0")
    assert "You no longer follow this project." in messages_of(response)
    assert not ProjectFollow.objects.filter(project=laureate, user=person).exists()


def test_the_applicant_may_follow_their_own_laureate_but_does_not_by_default(en, laureate, applicant):
    assert not ProjectFollow.objects.exists()
    en.force_login(applicant)
    assert follow(en, laureate).status_code == 302
    assert ProjectFollow.objects.filter(user=applicant).exists()


def test_visitors_are_refused_with_a_message(en, laureate):
    page = en.get(reverse("calls_laureates", args=[laureate.call_id])).content.decode()
    assert "Sign in to follow this project" in page
    response = follow(en, laureate)
    assert response.status_code == 403
    assert messages_of(response) == ["Sign in to follow this project."]
    assert not ProjectFollow.objects.exists()


def test_an_unconfirmed_address_is_refused_with_a_message(en, laureate):
    en.force_login(UserFactory(verified=False))
    response = follow(en, laureate)
    assert response.status_code == 403
    assert messages_of(response) == ["Confirm your e-mail address to follow this project."]
    assert not ProjectFollow.objects.exists()


def test_only_published_laureates_can_be_followed(en, call, applicant, laureate):
    en.force_login(UserFactory())
    submitted = project_create(call, applicant, status=Status.SUBMITTED, title="Pas encore décidé")
    for project in (submitted, Project(pk=999_999)):
        response = follow(en, project)
        assert response.status_code == 404
        assert messages_of(response) == ["Only the published laureates of a call can be followed."]
    # A selected project of a call whose laureates are not published yet.
    type(call).objects.filter(pk=call.pk).update(laureates_published_at=None)
    assert follow(en, laureate).status_code == 404
    assert not ProjectFollow.objects.exists()


def test_bad_input_is_refused(en, laureate):
    en.force_login(UserFactory())
    response = follow(en, laureate, "yes")
    assert response.status_code == 400
    assert messages_of(response) == ["Choose whether to follow this project or not."]
    assert en.get(reverse("calls_project_follow", args=[laureate.pk])).status_code == 405
    assert not ProjectFollow.objects.exists()


def test_the_form_needs_its_csrf_token(laureate):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    assert follow(client, laureate).status_code == 403
    assert not ProjectFollow.objects.exists()


def test_who_may_follow(call, applicant, laureate):
    anonymous = Client().get("/").wsgi_request.user
    unconfirmed, person = UserFactory(verified=False), UserFactory()
    submitted = project_create(call, applicant, status=Status.SUBMITTED)
    matrix = {
        (anonymous, laureate): False,
        (unconfirmed, laureate): False,
        (person, laureate): True,
        (applicant, laureate): True,
        (person, submitted): False,
        (applicant, submitted): False,
    }
    for (user, project), allowed in matrix.items():
        assert permissions.can(user, "follow_project", project) is allowed, (user, project.status)


def test_a_milestone_change_is_emailed_to_each_follower_once(
    django_capture_on_commit_callbacks, run_milestone_tasks, laureate
):
    followers = [UserFactory(language="en"), UserFactory(language="en")]
    bystander = UserFactory()
    for user in followers:
        ProjectFollow.objects.create(project=laureate, user=user)

    with django_capture_on_commit_callbacks(execute=True):
        milestone = milestone_save(laureate)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(user.email for user in followers)
    assert bystander.email not in {message.to[0] for message in mail.outbox}
    message = mail.outbox[0]
    assert message.subject == "“Le tiers-lieu retenu”: a milestone at 30 %"
    assert "Ouverture du café" in message.body
    assert "Progress: 30 %" in message.body
    assert f"/calls/{laureate.call_id}/laureates/#project-{laureate.pk}" in message.body

    # The task run again (a retry, a duplicate delivery): nobody gets it twice.
    assert tasks.milestone_notify_task.run(milestone.pk) == 0
    assert len(mail.outbox) == 2

    # Saved again without a change: no e-mail. Changed: one more each.
    with django_capture_on_commit_callbacks(execute=True):
        milestone_save(laureate, milestone)
    assert len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        milestone_save(laureate, milestone, progress=80)
    assert len(mail.outbox) == 4
    assert mail.outbox[-1].subject == "“Le tiers-lieu retenu”: a milestone at 80 %"
    assert MilestoneNotification.objects.filter(milestone=milestone).count() == 4


def test_the_email_speaks_the_followers_language(
    run_milestone_tasks, django_capture_on_commit_callbacks, laureate
):
    french, english = UserFactory(language="fr"), UserFactory(language="en")
    for user in (french, english):
        ProjectFollow.objects.create(project=laureate, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        milestone_save(laureate)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert "mars 2027" in by_address[french.email].body
    assert "échéance" in by_address[french.email].body
    assert "March 15, 2027" in by_address[english.email].body


def test_inactive_accounts_and_the_author_of_the_change_get_nothing(
    django_capture_on_commit_callbacks, run_milestone_tasks, laureate, applicant
):
    inactive, reader = UserFactory(is_active=False), UserFactory()
    for user in (inactive, reader, applicant):
        ProjectFollow.objects.create(project=laureate, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        milestone_save(laureate, actor=applicant)
    assert [message.to for message in mail.outbox] == [[reader.email]]


def test_a_failed_sending_is_retried_and_sent_once(monkeypatch, laureate):
    first, second = UserFactory(), UserFactory()
    for user in (first, second):
        ProjectFollow.objects.create(project=laureate, user=user)
    milestone = milestone_save(laureate)
    sent = []

    def flaky(*, user, **kwargs):
        if user == second and not sent:
            sent.append("failed once")
            raise OSError("SMTP down")
        mail.outbox.append(user.email)

    monkeypatch.setattr(milestones, "email_send", flaky)
    with pytest.raises(OSError, match="SMTP down"):
        tasks.milestone_notify_task.run(milestone.pk)
    assert not MilestoneNotification.objects.filter(user=second).exists(), "not sent: not recorded"
    assert tasks.milestone_notify_task.run(milestone.pk) == 1
    assert sorted(mail.outbox) == sorted([first.email, second.email])


def test_the_milestone_form_notifies_followers(
    en, django_capture_on_commit_callbacks, run_milestone_tasks, laureate, applicant
):
    follower = UserFactory(language="en")
    ProjectFollow.objects.create(project=laureate, user=follower)
    en.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = en.post(
            reverse("calls_milestone_add", args=[laureate.pk]), {"title": "Travaux finis", "progress": "100"}
        )
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [[follower.email]]
    assert "Travaux finis" in mail.outbox[0].body


def test_an_official_updating_a_milestone_notifies_followers(
    en, django_capture_on_commit_callbacks, run_milestone_tasks, laureate
):
    follower, official = UserFactory(language="en"), OfficialFactory(organisation=laureate.call.organisation)
    ProjectFollow.objects.create(project=laureate, user=follower)
    milestone = milestone_save(laureate)
    en.force_login(official)
    with django_capture_on_commit_callbacks(execute=True):
        response = en.post(
            reverse("calls_milestone_change", args=[laureate.pk, milestone.pk]),
            {f"m{milestone.pk}-title": "Ouverture du café", f"m{milestone.pk}-progress": "60"},
        )
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [[follower.email]]
    assert "Progress: 60 %" in mail.outbox[0].body


def test_follows_are_exported_and_deleted_with_the_account(laureate):
    person = UserFactory()
    ProjectFollow.objects.create(project=laureate, user=person)
    milestone = milestone_save(laureate)
    tasks.milestone_notify_task.run(milestone.pk)
    [exported] = exporters()["followed_projects"](person)
    assert exported["project"] == "Le tiers-lieu retenu"
    with translation.override("en"):
        account_delete(user=person)
    assert not ProjectFollow.objects.exists()
    assert not MilestoneNotification.objects.exists()


def test_the_milestone_email_stops_following_in_one_click(
    django_capture_on_commit_callbacks, run_milestone_tasks, laureate, client
):
    reader, other = UserFactory(language="en"), UserFactory(language="en")
    for user in (reader, other):
        ProjectFollow.objects.create(project=laureate, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        milestone = milestone_save(laureate)
    message = next(message for message in mail.outbox if message.to == [reader.email])
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in message.body

    path = link.split("8000", 1)[1]
    assert "Ne plus suivre ce projet\u202f?" in client.get(path).content.decode()
    assert ProjectFollow.objects.filter(user=reader).exists(), "opening the link changes nothing by itself"
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not ProjectFollow.objects.filter(user=reader).exists()
    assert ProjectFollow.objects.filter(user=other).exists(), "only the person of the link"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        milestone_save(laureate, milestone, progress=90)
    assert [message.to for message in mail.outbox] == [[other.email]]


def test_a_follower_whose_address_is_refused_for_good_does_not_hold_up_the_others(
    monkeypatch, django_capture_on_commit_callbacks, run_milestone_tasks, laureate
):
    import smtplib

    from core import notifications

    gone, reader = UserFactory(), UserFactory()
    for user in (gone, reader):
        ProjectFollow.objects.create(project=laureate, user=user)
    real_send = notifications.EmailMultiAlternatives.send

    def send(message, *args, **kwargs):
        if message.to == [gone.email]:
            raise smtplib.SMTPRecipientsRefused({gone.email: (550, b"5.1.1 No such user")})
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(notifications.EmailMultiAlternatives, "send", send)
    with django_capture_on_commit_callbacks(execute=True):
        milestone = milestone_save(laureate)
    assert [message.to for message in mail.outbox] == [[reader.email]]
    assert tasks.milestone_notify_task.run(milestone.pk) == 0, "not tried again"
