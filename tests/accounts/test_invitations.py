"""Officials and moderators join by invitation: e-mailed, expiring, single use, for its addressee only."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.models import Invitation, Membership
from accounts.services import invitation_create
from accounts.tasks import invitation_send_task
from tests.factories import AdministratorFactory, OfficialFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _send_mail_at_once(monkeypatch):
    """Run the e-mail task in the test process when it is queued (the worker tests cover the real path)."""
    monkeypatch.setattr(invitation_send_task, "delay", lambda *args: invitation_send_task.apply(args=args))


def invite(organisation, email="nouvelle@example.org", role=Membership.Role.OFFICIAL, *, callbacks):
    with callbacks(execute=True):
        invitation_create(organisation=organisation, role=role, email=email, invited_by=None)
    return re.search(r"http\S+/profile/invitation/\S+/", mail.outbox[-1].body).group(0).split("8000", 1)[-1]


def test_an_official_invites_a_colleague_from_the_back_office(
    client, organisation, django_capture_on_commit_callbacks
):
    client.force_login(OfficialFactory(organisation=organisation))
    url = reverse("accounts_invitation_index")
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            url, {"email": "Collegue@Example.org", "organisation": organisation.pk, "role": "official"}
        )
    assert sent.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "collegue@example.org"
    assert mail.outbox[-1].to == ["collegue@example.org"]
    assert "Invitation à rejoindre" in mail.outbox[-1].subject
    assert "collegue@example.org" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "pas-une-adresse", "role": "official"}, "email"),
        ({"email": "a@example.org", "role": "dictator"}, "role"),
        ({"email": "a@example.org", "role": "official", "organisation": "999999"}, "organisation"),
    ],
)
def test_bad_invitations_are_refused_next_to_the_field(client, organisation, data, field):
    client.force_login(OfficialFactory(organisation=organisation))
    refused = client.post(reverse("accounts_invitation_index"), {"organisation": organisation.pk, **data})
    assert refused.status_code == 400
    assert field in refused.context["form"].errors
    assert not Invitation.objects.exists()


def test_an_official_cannot_invite_into_another_organisation(client, organisation):
    client.force_login(OfficialFactory(organisation=organisation))
    other = OrganisationFactory()
    refused = client.post(
        reverse("accounts_invitation_index"),
        {"email": "a@example.org", "organisation": other.pk, "role": "official"},
    )
    assert refused.status_code == 400
    assert not Invitation.objects.exists()


def test_accepting_gives_the_role_and_the_back_office_asks_for_two_factor(
    client, organisation, django_capture_on_commit_callbacks
):
    path = invite(organisation, callbacks=django_capture_on_commit_callbacks)
    invitee = UserFactory(email="nouvelle@example.org")
    assert not invitee.is_staff, "signing up grants no staff role"

    shown = client.get(path)
    assert organisation.name in shown.content.decode()
    assert client.post(path)["Location"].startswith("/accounts/login/"), "accepting needs an account"

    client.force_login(invitee)
    accepted = client.post(path)
    assert accepted.status_code == 302
    invitee.refresh_from_db()
    assert invitee.is_staff
    assert invitee.memberships.get().organisation == organisation
    assert client.get("/admin/")["Location"].startswith(reverse("mfa_activate_totp"))

    reused = client.post(path)
    assert reused.status_code == 410
    assert "déjà été utilisée" in reused.content.decode()


def test_a_moderator_invitation_opens_the_moderation_queue_only(
    client, organisation, django_capture_on_commit_callbacks
):
    path = invite(organisation, role=Membership.Role.MODERATOR, callbacks=django_capture_on_commit_callbacks)
    invitee = UserFactory(email="nouvelle@example.org")
    client.force_login(invitee)
    client.post(path)
    invitee.refresh_from_db()
    assert invitee.memberships.get().role == "moderator"
    assert list(invitee.groups.values_list("name", flat=True)) == ["Contribution moderators"]
    assert not invitee.has_perm("wagtailcore.publish_page"), "no page rights"


def test_expired_tampered_and_misaddressed_invitations_are_refused(
    client, organisation, django_capture_on_commit_callbacks
):
    path = invite(organisation, callbacks=django_capture_on_commit_callbacks)
    stranger = UserFactory(email="autre@example.org")
    client.force_login(stranger)
    wrong = client.post(path)
    assert wrong.status_code == 403
    assert "une autre adresse" in wrong.content.decode()
    unverified = UserFactory(email="nouvelle@example.org", verified=False)
    EmailAddress.objects.create(user=unverified, email=unverified.email, verified=False, primary=True)
    client.force_login(unverified)
    assert client.post(path).status_code == 403, "the address must be confirmed"

    tampered = client.get(path[:-3] + "xx/")
    assert tampered.status_code == 404
    assert "pas valide" in tampered.content.decode()

    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    EmailAddress.objects.filter(user=unverified).update(verified=True)  # the right person, too late
    expired = client.post(path)
    assert expired.status_code == 410
    assert "a expiré" in expired.content.decode()
    assert not Membership.objects.exists()


ROLES = ["anonymous", "participant", "official", "official_elsewhere", "moderator", "administrator"]


@pytest.mark.parametrize("role", ROLES)
def test_who_may_invite(role, organisation):
    user = {
        "anonymous": lambda: AnonymousUser(),
        "participant": lambda: UserFactory(),
        "official": lambda: OfficialFactory(organisation=organisation),
        "official_elsewhere": lambda: OfficialFactory(organisation=OrganisationFactory()),
        "moderator": lambda: _moderator(organisation),
        "administrator": lambda: AdministratorFactory(),
    }[role]()
    allowed = role in {"official", "administrator"}
    assert permissions.can(user, "invite_to_organisation", organisation) is allowed
    assert (organisation in permissions.organisations_invitable_by(user)) is allowed


def _moderator(organisation):
    user = UserFactory()
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.MODERATOR)
    return user


def test_the_invitation_speaks_the_language_of_a_known_account(
    organisation, django_capture_on_commit_callbacks
):
    UserFactory(email="nouvelle@example.org", language="en")
    invite(organisation, callbacks=django_capture_on_commit_callbacks)
    assert mail.outbox[-1].subject.startswith("Invitation to join")
