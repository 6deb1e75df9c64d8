"""Every e-mail names the platform as its site settings say (the Wagtail site's name), never by the host
name and port a request came in on."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from wagtail.models import Site

from accounts.models import Invitation, Membership
from accounts.services import inactivity_warning_send, invitation_send
from cms.models import SiteMessage
from cms.services import outcome_announce, site_message_acknowledge
from consultations.models import Response
from consultations.services.responses import response_receipt_send, response_submit
from tests.factories import UserFactory, consultation_create, outcome_create

pytestmark = pytest.mark.django_db

# The address a development server answered on when the sign-up confirmation said
# "Bonjour, c'est 127.0.0.1:8102 !".
HOST = "127.0.0.1:8102"
NAME = "Participez Lyon"
PASSWORD = "un-mot-de-passe-solide-2026"


@pytest.fixture
def named(db):
    site = Site.objects.get(is_default_site=True)
    site.site_name = NAME
    site.save()
    return site


def sign_up(client, organisation):
    client.post(
        "/accounts/signup/",
        {
            "email": "camille@example.org",
            "pseudonym": "Camille",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        HTTP_HOST=HOST,
    )


def password_reset(client, organisation):
    client.post("/accounts/password/reset/", {"email": UserFactory().email}, HTTP_HOST=HOST)


def answers_receipt(client, organisation):
    consultation = consultation_create(organisation=organisation)
    single, open_text = consultation.question_list[:2]
    response_submit(
        consultation=consultation,
        participant=UserFactory(),
        answers={single.id: single.choices[0][0], open_text.id: "Plus d’écrans."},
    )
    response_receipt_send(response=Response.objects.get())


def contact_acknowledgement(client, organisation):
    message = SiteMessage.objects.create(
        kind="contact", email="camille@example.org", subject="Horaires", message="Bonjour", language="fr"
    )
    site_message_acknowledge(site_message=message)


def outcome(client, organisation):
    consultation = consultation_create(organisation=organisation)
    participant = UserFactory()
    single, open_text = consultation.question_list[:2]
    response_submit(
        consultation=consultation,
        participant=participant,
        answers={single.id: single.choices[0][0], open_text.id: "Plus d’écrans."},
    )
    mail.outbox.clear()
    outcome_announce(page=outcome_create(consultation))


def invitation(client, organisation):
    invitation_send(
        invitation=Invitation.objects.create(
            organisation=organisation,
            role=Membership.Role.OFFICIAL,
            email="agent@example.org",
            token_hash="x" * 64,
            expires_at=timezone.now() + timedelta(days=7),
        )
    )


def inactivity(client, organisation):
    inactivity_warning_send(user=UserFactory(), deletion_on=timezone.localdate() + timedelta(days=30))


@pytest.mark.parametrize(
    "send",
    [sign_up, password_reset, answers_receipt, contact_acknowledgement, outcome, invitation, inactivity],
)
def test_every_e_mail_names_the_platform_as_its_settings_say(named, client, organisation, send):
    send(client, organisation)
    assert mail.outbox, "an e-mail was sent"
    for message in mail.outbox:
        links_out = re.sub(r"https?://\S+", "<link>", message.body)
        assert "127.0.0.1" not in message.subject
        assert "127.0.0.1" not in links_out, "the host and port appear only in links"
        assert NAME in message.subject + links_out


def test_the_sign_up_confirmation_greets_in_french_with_the_platforms_name(named, client, mailoutbox):
    """The e-mail that said "Bonjour, c'est 127.0.0.1:8102 !"."""
    sign_up(client, None)
    [confirmation] = mailoutbox
    assert confirmation.subject.startswith(f"[{NAME}] ")
    assert f"Bonjour, c’est {NAME}\u202f!" in confirmation.body
    assert f"Merci d’utiliser {NAME}\u202f!" in confirmation.body


def test_without_a_name_the_platform_is_called_concerto(client, mailoutbox):
    Site.objects.update(site_name="")
    sign_up(client, None)
    [confirmation] = mailoutbox
    assert confirmation.subject.startswith("[Concerto] ")
    assert "Concerto" in confirmation.body
    assert HOST not in confirmation.body.split("http")[0]


def test_a_renamed_site_is_named_at_once_and_the_name_is_not_asked_per_email(
    named, django_assert_num_queries
):
    from core.notifications import site_name

    assert site_name() == NAME
    with django_assert_num_queries(0):
        assert [site_name() for _ in range(3)] == [NAME] * 3, "kept, not asked for each e-mail of a batch"
    named.site_name = "Participez Villeurbanne"
    named.save()
    assert site_name() == "Participez Villeurbanne"
