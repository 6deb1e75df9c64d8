"""Signing in: allauth for everyone, a second factor for staff, strong passwords, rate limits."""

import pytest
from django.urls import reverse

from accounts.validators import CnilPasswordValidator
from tests.factories import PASSWORD, OfficialFactory

pytestmark = pytest.mark.django_db


def test_the_back_office_login_is_allauths(client):
    moved = client.get("/admin/login/?next=/admin/pages/")
    assert moved.status_code == 302
    assert moved["Location"] == "/accounts/login/?next=/admin/pages/"
    assert client.get("/admin/")["Location"].startswith("/accounts/login/?next=/admin/")


def test_staff_without_two_factor_are_sent_to_set_it_up(client):
    official = OfficialFactory(two_factor=False)
    client.force_login(official)
    sent = client.get("/admin/reports/")
    assert sent.status_code == 302
    assert sent["Location"].startswith(reverse("mfa_activate_totp"))
    assert "authentification à deux facteurs" in client.get(sent["Location"], follow=True).content.decode()


def test_staff_with_two_factor_reach_the_back_office(client):
    client.force_login(OfficialFactory())
    assert client.get("/admin/reports/").status_code == 200


def test_a_password_sign_in_of_staff_asks_for_the_code(client):
    official = OfficialFactory()
    signed = client.post("/accounts/login/", {"login": official.email, "password": PASSWORD})
    assert signed.status_code == 302
    assert signed["Location"] == reverse("mfa_authenticate")
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors
    assert client.get("/admin/reports/")["Location"].startswith("/accounts/login/"), "not signed in yet"


@pytest.mark.parametrize(
    ("password", "strong"),
    [
        ("Azerty123!ab", True),  # 12 characters of all four kinds
        ("Azerty1234567x", True),  # 14 characters without special ones
        ("un-mot-de-passe-solide-2026", True),  # a passphrase
        ("Azerty123456", False),
        ("azertyuiopqs", False),
        ("Azerty!1", False),
    ],
)
def test_passwords_follow_the_cnil_recommendation(password, strong):
    assert (CnilPasswordValidator.bits(password) >= 79) is strong


def test_a_weak_password_is_refused_at_sign_up_with_a_clear_message(client):
    refused = client.post(
        "/accounts/signup/",
        {
            "email": "a@example.org",
            "pseudonym": "A",
            "password1": "Azerty123456",
            "password2": "Azerty123456",
        },
    )
    assert "plus difficile à deviner" in refused.content.decode()


def test_repeated_failed_sign_ins_are_slowed_down(client, user):
    for _ in range(5):
        assert (
            client.post(
                "/accounts/login/", {"login": user.email, "password": "wrong-password-123"}
            ).status_code
            == 200
        )
    blocked = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session, "even the right password waits"
    assert "Trop de tentatives de connexion" in blocked.content.decode()


def test_too_many_password_reset_requests_get_a_clear_429(client, user):
    for _ in range(5):
        client.post("/accounts/password/reset/", {"email": user.email})
    refused = client.post("/accounts/password/reset/", {"email": user.email})
    assert refused.status_code == 429
    assert "Trop de tentatives" in refused.content.decode()


def test_an_editor_by_group_alone_also_needs_two_factor(client):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    editor = UserFactory()  # not flagged staff: Wagtail grants the back office through its group
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get("/admin/pages/")["Location"].startswith(reverse("mfa_activate_totp"))


def test_wagtails_own_password_reset_is_off(client):
    assert client.get("/admin/password_reset/").status_code == 404
