"""Outside experts: an official gives a dossier to an evaluator by e-mail address; someone without an
account is invited (single use, expiring, hashed token), signs up or signs in through the link and the
dossier is theirs to evaluate."""

import hashlib
import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import account_delete, account_export
from calls import tasks
from calls.models import Assignment, EvaluatorInvitation, Project
from calls.services.decisions import project_status_change
from calls.services.evaluator_invitations import (
    evaluator_invitation_accept,
    evaluator_invitation_send,
    evaluator_invite,
)
from core.models import OutboxTask
from tests.calls.conftest import project_create
from tests.factories import OfficialFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = Project.Status
EXPERT = "experte.martin@example.org"
PASSWORD = "un-mot-de-passe-solide-2026"


@pytest.fixture(autouse=True)
def _send_mail_at_once(monkeypatch):
    """Queued e-mail tasks run in the test process (the worker tests cover the real path)."""
    for task in (tasks.evaluator_invitation_send_task, tasks.assignment_notify_task):
        monkeypatch.setattr(task, "delay", lambda *args, task=task: task.apply(args=args))


@pytest.fixture
def eligible(call, applicant):
    return project_create(call, applicant, status=Status.ELIGIBLE)


@pytest.fixture
def official_of_call(call):
    return OfficialFactory(organisation=call.organisation, first_name="Claire", last_name="Dupont")


def invite(client, project, email=EXPERT, name="Dr Martin"):
    return client.post(reverse("calls_admin_assign", args=[project.pk]), {"email": email, "name": name})


def link_path(message) -> str:
    return re.search(r"https?://\S+(/calls/evaluations/invitation/\S+/)", message.body).group(1)


def test_an_official_invites_an_outside_expert_who_signs_up_and_evaluates(
    client, eligible, official_of_call, django_capture_on_commit_callbacks
):
    admin = Client()
    admin.force_login(official_of_call)
    with django_capture_on_commit_callbacks() as callbacks:
        sent = invite(admin, eligible)
    assert sent.status_code == 302
    invitation = EvaluatorInvitation.objects.get()
    assert (invitation.project, invitation.email, invitation.name) == (eligible, EXPERT, "Dr Martin")
    # The outbox row carries the invitation's id only: no token waits there.
    assert list(OutboxTask.objects.values_list("args", flat=True)) == [[invitation.pk]]
    assert not mail.outbox, "the e-mail leaves once the invitation is committed"
    for callback in callbacks:
        callback()

    [email] = mail.outbox
    assert email.to == [EXPERT]
    body = email.body
    assert body.startswith("Bonjour Dr Martin,"), "in the site's language: the address has no account"
    assert "Claire Dupont" in body, "who invites"
    assert eligible.call.organisation.name in body
    assert eligible.title in body, "for which dossier"
    assert eligible.call.title in body, "of which call"
    assert eligible.call.title in email.subject
    path = link_path(email)
    token = path.rstrip("/").rsplit("/", 1)[1]
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest(), "only a hash is kept"
    listed = admin.get(reverse("calls_admin_project", args=[eligible.pk])).content.decode()
    assert EXPERT in listed, "the official sees who is invited"

    # The expert follows the link, creates an account with the invited address, comes back, accepts.
    shown = client.get(path)
    assert shown.status_code == 200
    assert eligible.title in shown.content.decode()
    signup = reverse("account_signup")
    assert f"{signup}?next={path}" in shown.content.decode()
    signed_up = client.post(
        f"{signup}?next={path}",
        {"email": EXPERT, "pseudonym": "Experte", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert signed_up.status_code == 302
    assert signed_up["Location"] == path, "back to the invitation, signed in"
    expert = User.objects.get(email=EXPERT)
    assert EmailAddress.objects.get(user=expert).verified, "the link reached that address: no confirmation"
    assert len(mail.outbox) == 1, "no confirmation e-mail"
    accepted = client.post(path)
    assignment = Assignment.objects.get(project=eligible, evaluator=expert)
    assert accepted.status_code == 302
    assert accepted["Location"] == reverse("calls_evaluation", args=[assignment.pk])
    assert assignment.has_conflict is None
    assert assignment.assigned_by == official_of_call
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert invitation.assignment == assignment
    eligible.refresh_from_db()
    assert eligible.status == Status.IN_EVALUATION
    assert len(mail.outbox) == 1, "no e-mail about a dossier they just took"

    # The account menu now leads to their evaluations; interests are declared before any score.
    page = client.get(reverse("calls_evaluation", args=[assignment.pk])).content.decode()
    assert f'href="{reverse("calls_evaluations")}"' in page
    criteria = list(eligible.call.criteria.all())
    score = {f"score_{c.pk}": "5" for c in criteria} | {"comment": ""}
    assert client.post(reverse("calls_evaluation_score", args=[assignment.pk]), score).status_code == 403
    assert Assignment.objects.get(pk=assignment.pk).scored_at is None

    # The link works once.
    reused = client.post(path)
    assert reused.status_code == 410
    assert client.get(path).status_code == 410
    assert Assignment.objects.filter(project=eligible).count() == 1


def test_an_expert_who_signs_in_to_an_existing_account_of_that_address_accepts(
    client, eligible, official_of_call
):
    invitation = evaluator_invite(project=eligible, email=EXPERT, actor=official_of_call)
    evaluator_invitation_send(invitation=invitation)
    path = link_path(mail.outbox[-1])
    # An account that has the address as a second, confirmed one (made after the invitation left).
    expert = UserFactory(email="martin.perso@example.org")
    EmailAddress.objects.create(user=expert, email=EXPERT.upper(), verified=True, primary=False)
    assert client.post(path)["Location"].startswith(reverse("account_login")), "accepting needs an account"
    client.force_login(expert)
    assert client.post(path).status_code == 302
    assert Assignment.objects.filter(project=eligible, evaluator=expert).exists()


def test_an_address_with_an_account_is_given_the_dossier_at_once(
    eligible, official_of_call, django_capture_on_commit_callbacks
):
    expert = UserFactory(email=EXPERT, language="en")
    admin = Client()
    admin.force_login(official_of_call)
    with django_capture_on_commit_callbacks(execute=True):
        assert invite(admin, eligible, email=EXPERT.upper()).status_code == 302
    assert Assignment.objects.filter(project=eligible, evaluator=expert).exists()
    assert not EvaluatorInvitation.objects.exists()
    [email] = mail.outbox
    assert email.to == [expert.email]
    assert "was given to you to evaluate" in email.body, "in the evaluator's language"


def test_the_invitation_e_mail_is_in_the_language_of_an_account_made_before_it_left(
    eligible, official_of_call, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        evaluator_invite(project=eligible, email=EXPERT, actor=official_of_call)
    UserFactory(email=EXPERT, language="en")
    for callback in callbacks:
        callback()
    [email] = mail.outbox
    assert "Claire Dupont, of" in email.body
    assert "invites you to evaluate the dossier" in email.body


def test_the_invitation_task_delivered_twice_sends_once(eligible, official_of_call):
    invitation = evaluator_invite(project=eligible, email=EXPERT, actor=official_of_call)
    assert tasks.evaluator_invitation_send_task.apply(args=[invitation.pk]).get() is True
    assert tasks.evaluator_invitation_send_task.apply(args=[invitation.pk]).get() is False
    assert len(mail.outbox) == 1


def test_forged_expired_and_misaddressed_links_are_refused_and_give_nothing(
    client, en, eligible, official_of_call
):
    invitation = evaluator_invite(project=eligible, email=EXPERT, actor=official_of_call)
    evaluator_invitation_send(invitation=invitation)
    path = link_path(mail.outbox[-1])

    forged = en.get(path[:-4] + "xyz/")
    assert forged.status_code == 404
    assert "This invitation link is not valid" in forged.content.decode()
    assert en.get(reverse("calls_evaluator_invitation", args=["x" * 5000])).status_code == 404

    stranger = UserFactory(email="autre@example.org")
    en.force_login(stranger)
    wrong = en.post(path)
    assert wrong.status_code == 403
    assert "sent to another e-mail address" in wrong.content.decode()

    unconfirmed = UserFactory(email="second@example.org")
    EmailAddress.objects.create(user=unconfirmed, email=EXPERT, verified=False, primary=False)
    en.force_login(unconfirmed)
    assert en.post(path).status_code == 403, "the invited address must be confirmed"

    EvaluatorInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    EmailAddress.objects.filter(user=unconfirmed).update(verified=True)  # the right person, too late
    expired = en.post(path)
    assert expired.status_code == 410
    assert "This invitation has expired" in expired.content.decode()
    assert en.get(path).status_code == 410
    assert not Assignment.objects.exists()
    assert EvaluatorInvitation.objects.get().accepted_at is None


def test_a_link_to_a_dossier_no_longer_evaluated_gives_nothing(en, eligible, official_of_call):
    invitation = evaluator_invite(project=eligible, email=EXPERT, actor=official_of_call)
    evaluator_invitation_send(invitation=invitation)
    path = link_path(mail.outbox[-1])
    project_status_change(project=eligible, to_status=Status.CLOSED, reason="Retiré", actor=None)
    en.force_login(UserFactory(email=EXPERT))
    refused = en.post(path)
    assert refused.status_code == 410
    assert "no longer being evaluated" in refused.content.decode()
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("not an address", "Enter a valid email address."),
        ("applicant", "The applicant cannot evaluate their own dossier."),
        ("co-applicant", "team: its members cannot evaluate it"),
        ("already assigned", "This evaluator already has this dossier."),
        ("already invited", "This address was already invited to evaluate this dossier"),
        ("not eligible", "Only eligible dossiers are given to evaluators."),
    ],
)
def test_bad_invitations_are_refused_with_a_message(en, eligible, applicant, official_of_call, case, message):
    email = EXPERT
    if case == "not an address":
        email = "experte@"
    elif case == "applicant":
        email = applicant.email.upper()
    elif case == "co-applicant":
        eligible.team.create(name="Coline", email=EXPERT.upper(), co_applicant=True)
    elif case == "already assigned":
        Assignment.objects.create(project=eligible, evaluator=UserFactory(email=EXPERT))
    elif case == "already invited":
        evaluator_invite(project=eligible, email=EXPERT, actor=official_of_call)
    elif case == "not eligible":
        Project.objects.filter(pk=eligible.pk).update(status=Status.SUBMITTED)
    before = (Assignment.objects.count(), EvaluatorInvitation.objects.count())
    en.force_login(official_of_call)
    refused = invite(en, eligible, email=email)
    assert refused.status_code == 400
    assert message in refused.content.decode()
    assert (Assignment.objects.count(), EvaluatorInvitation.objects.count()) == before


def test_only_officials_of_the_call_may_invite(client, eligible, call):
    for person, status in (
        (OfficialFactory(organisation=OrganisationFactory()), 404),  # the dossier of another organisation
        (UserFactory(), 302),  # a participant never enters the back office
    ):
        client.force_login(person)
        assert invite(client, eligible).status_code == status
    assert not EvaluatorInvitation.objects.exists()


def test_invitations_to_a_person_are_in_their_data_and_go_with_their_account(eligible, official_of_call):
    invitation = evaluator_invite(project=eligible, email=EXPERT, name="Dr Martin", actor=official_of_call)
    expert = UserFactory(email=EXPERT)
    evaluator_invitation_accept(invitation=invitation, user=expert)
    [exported] = account_export(user=expert)["call_evaluator_invitations"]
    assert (exported["email"], exported["name"], exported["dossier"]) == (EXPERT, "Dr Martin", eligible.title)
    account_delete(user=expert)
    assert not EvaluatorInvitation.objects.exists()
