"""Signing up: e-mail, pseudonym and password; the address is confirmed through the e-mailed link."""

import re

import pytest
from allauth.account.models import EmailAddress

from accounts.models import User

pytestmark = pytest.mark.django_db

GOOD = {
    "email": "camille@example.org",
    "pseudonym": "Camille",
    "password1": "un-mot-de-passe-solide-2026",
    "password2": "un-mot-de-passe-solide-2026",
}


def test_sign_up_then_confirm_the_address_then_signed_in(client, mailoutbox):
    sent = client.post("/accounts/signup/", GOOD)
    assert sent.status_code == 302
    user = User.objects.get(email="camille@example.org")
    assert user.pseudonym == "Camille"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", mailoutbox[0].body).group(0)
    confirm_path = link.split("://", 1)[1].split("/", 1)[1]
    confirmed = client.post("/" + confirm_path, follow=True)
    assert confirmed.status_code == 200
    assert EmailAddress.objects.get(user=user).verified
    assert "Camille" in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": ""}, "email"),
        ({"email": "pas-une-adresse"}, "email"),
        ({"pseudonym": ""}, "pseudonym"),
        ({"pseudonym": "x" * 51}, "pseudonym"),
        ({"pseudonym": "moi@example.org"}, "pseudonym"),
        ({"password1": "court", "password2": "court"}, "password1"),
        ({"password2": "autre-chose-encore-2026"}, "password2"),
    ],
)
def test_bad_sign_up_input_is_refused_next_to_the_field(client, change, field):
    refused = client.post("/accounts/signup/", {**GOOD, **change})
    assert refused.status_code in (200, 400)
    assert field in refused.context["form"].errors
    assert not User.objects.exists()


def test_a_second_sign_up_with_the_same_address_reveals_nothing(client, mailoutbox):
    client.post("/accounts/signup/", GOOD)
    client.logout()
    again = client.post("/accounts/signup/", {**GOOD, "pseudonym": "Autre"})
    assert again.status_code == 302, "same answer as for a new address (no enumeration)"
    assert User.objects.count() == 1


def test_allauth_mails_go_out_in_the_recipients_language(client, mailoutbox):
    from tests.factories import UserFactory

    english = UserFactory(language="en")
    client.post("/accounts/password/reset/", {"email": english.email})  # asked from the French site
    assert mailoutbox[-1].to == [english.email]
    assert "Password Reset" in mailoutbox[-1].subject


def test_an_address_differing_only_by_case_is_the_same_account(client, mailoutbox):
    client.post("/accounts/signup/", GOOD)
    client.logout()
    client.post("/accounts/signup/", {**GOOD, "email": "CAMILLE@Example.org", "pseudonym": "Autre"})
    assert User.objects.count() == 1
    assert client.post("/accounts/login/", {"login": "Camille@EXAMPLE.org", "password": GOOD["password1"]})


def test_a_tampered_confirmation_link_is_explained(client):
    page = client.get("/accounts/confirm-email/not-a-real-key/")
    assert page.status_code == 200
    assert "a expiré ou n'est pas valide" in page.content.decode()
    assert not EmailAddress.objects.filter(verified=True).exists()


def test_signing_up_while_the_mail_server_is_down_keeps_the_account_and_says_so(client, settings):
    """A real SMTP connection to a port where nothing listens: no server error, the account stands."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    sent = client.post("/accounts/signup/", GOOD, follow=True)
    assert sent.status_code == 200
    assert User.objects.filter(email="camille@example.org").exists()
    assert "redemandez l’e-mail dans quelques minutes" in sent.content.decode()
