"""RGPD: people download what we hold about them, delete their account, and unused accounts expire."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from accounts.models import User
from accounts.services import inactive_accounts_process
from consultations.models import InvitedParticipant, Response
from tests.factories import PASSWORD, OfficialFactory, UserFactory, consultation_create, form_data

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    """A real sign-in (allauth records it, so sensitive actions need no second password)."""
    assert client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}).status_code == 302


def rows_mentioning(needle: str) -> list[str]:
    """Every table.column of the database whose text contains `needle`."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} LIMIT 0")  # noqa: S608
            for column in [description[0] for description in cursor.description]:
                name = connection.ops.quote_name(column)
                cursor.execute(
                    f"SELECT 1 FROM {connection.ops.quote_name(table)} "  # noqa: S608 — names from introspection
                    f"WHERE LOWER(CAST({name} AS TEXT)) LIKE %s LIMIT 1",
                    [f"%{needle.lower()}%"],
                )
                if cursor.fetchone():
                    found.append(f"{table}.{column}")
    return found


def test_download_my_data(client, consultation):
    user = UserFactory(pseudonym="Camille", email="camille@example.org")
    sign_in(client, user)
    client.post(consultation.url, form_data(consultation, choice=1, text="Des horaires souples"))
    download = client.get("/profile/data/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="concerto-mes-donnees-')
    data = json.loads(download.content)
    assert data["account"]["email"] == "camille@example.org"
    assert data["account"]["pseudonym"] == "Camille"
    assert [follow["consultation"] for follow in data["followed_consultations"]] == [consultation.title]
    [response] = data["consultation_responses"]
    assert response["consultation"] == consultation.title
    assert {"question": "Combien de jours télétravaillez-vous ?", "answer": "Un"} in response["answers"]
    assert {"question": "Que faudrait-il changer ?", "answer": "Des horaires souples"} in response["answers"]


def test_download_needs_to_be_signed_in(client):
    assert client.get("/profile/data/")["Location"].startswith("/accounts/login/")


def test_deleting_my_account_keeps_my_answers_and_removes_me_everywhere(client, consultation):
    user = UserFactory(pseudonym="Zoé Unique", email="zoe.unique@example.org")
    sign_in(client, user)
    client.post(consultation.url, form_data(consultation, text="Mon avis reste"))
    # Invited, by an official, to another consultation, and a draft left there.
    invited = consultation_create(
        organisation=consultation.organisation, title="Sur invitation", audience="invited"
    )
    InvitedParticipant.objects.create(consultation=invited, email="Zoe.Unique@example.org")
    client.post(invited.url, {**form_data(invited, text="Brouillon à effacer"), "action": "draft"})
    assert Response.objects.filter(consultation=invited, status="draft").exists()
    # A sensitive action: allauth asks for the password again.
    assert client.post("/profile/delete/", {"confirm": "on"})["Location"].startswith(
        "/accounts/reauthenticate/"
    )
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302

    refused = client.post("/profile/delete/", {})
    assert refused.status_code == 400
    assert "Cochez la case pour confirmer" in refused.content.decode()
    assert User.objects.filter(pk=user.pk).exists()

    deleted = client.post("/profile/delete/", {"confirm": "on"}, follow=True)
    assert "Votre compte est supprimé" in deleted.content.decode()
    assert not User.objects.filter(pk=user.pk).exists()
    response = Response.objects.get(consultation=consultation)
    assert response.participant is None
    assert not Response.objects.filter(consultation=invited).exists(), "a draft is not a contribution to keep"
    assert not InvitedParticipant.objects.exists(), "the address is off the invitation list"
    assert response.answers.get(text="Mon avis reste")
    assert rows_mentioning("zoe.unique@example.org") == []
    assert rows_mentioning("Zoé Unique") == []


def test_deleting_needs_a_recent_sign_in(client):
    user = UserFactory()
    client.force_login(user)  # signed in long ago, as far as allauth knows
    asked = client.post("/profile/delete/", {"confirm": "on"})
    assert asked.status_code == 302
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    assert User.objects.filter(pk=user.pk).exists()


def test_the_profile_changes_pseudonym_and_language(client):
    user = UserFactory()
    client.force_login(user)
    for bad in ("", "x" * 51, "moi@example.org"):
        refused = client.post("/profile/", {"pseudonym": bad, "language": "fr"})
        assert refused.status_code == 400
        assert refused.context["form"].errors["pseudonym"]
    assert client.post("/profile/", {"pseudonym": "Nouveau nom", "language": "xx"}).status_code == 400
    assert client.post("/profile/", {"pseudonym": "Nouveau nom", "language": "en"}).status_code == 302
    user.refresh_from_db()
    assert (user.pseudonym, user.language) == ("Nouveau nom", "en")


def test_unused_accounts_are_warned_in_their_language_then_deleted(settings):
    settings.ACCOUNT_INACTIVE_DAYS = 365
    settings.ACCOUNT_DELETION_NOTICE_DAYS = 30
    now = timezone.now()
    long_ago = now - timedelta(days=400)
    english = UserFactory(language="en", last_login=long_ago)
    french = UserFactory(language="fr", last_login=long_ago)
    active = UserFactory(last_login=now - timedelta(days=10))
    official = OfficialFactory(last_login=long_ago)

    assert inactive_accounts_process(now=now) == (2, 0)
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        english.email: "Your Concerto account will be deleted",
        french.email: "Votre compte Concerto va être supprimé",
    }
    assert inactive_accounts_process(now=now + timedelta(days=1)) == (0, 0), "warned once, not deleted yet"

    User.objects.filter(pk=french.pk).update(last_login=now + timedelta(days=5))  # signs in: kept
    assert inactive_accounts_process(now=now + timedelta(days=31)) == (0, 1)
    assert not User.objects.filter(pk=english.pk).exists()
    assert set(User.objects.values_list("pk", flat=True)) == {french.pk, active.pk, official.pk}


def test_deletion_also_ends_other_sessions_and_forgets_invitations_and_log_names(client, organisation):
    from django.contrib.sessions.models import Session
    from django.test import Client
    from wagtail.log_actions import log

    from accounts.models import Invitation

    user = UserFactory(pseudonym="Pseudo Rare", email="rare@example.org")
    other_device = Client()
    sign_in(other_device, user)
    Invitation.objects.create(
        organisation=organisation,
        role="official",
        email="ancienne.adresse@example.org",
        token_hash="x" * 64,
        expires_at=timezone.now(),
        accepted_by=user,
    )
    log(instance=user, action="wagtail.edit")
    sign_in(client, user)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    client.post("/profile/delete/", {"confirm": "on"})
    assert not User.objects.filter(pk=user.pk).exists()
    assert [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)] == []
    assert not Invitation.objects.exists()
    assert rows_mentioning("Pseudo Rare") == []
    assert rows_mentioning("ancienne.adresse@example.org") == []


def test_editors_are_not_deleted_as_inactive_participants(settings):
    from django.contrib.auth.models import Group

    settings.ACCOUNT_INACTIVE_DAYS = 365
    editor = UserFactory(last_login=timezone.now() - timedelta(days=800))
    editor.groups.add(Group.objects.get(name="Editors"))
    assert inactive_accounts_process() == (0, 0)


def test_my_data_says_which_answers_are_a_draft_not_sent(client, consultation):
    user = UserFactory()
    sign_in(client, user)
    client.post(consultation.url, {**form_data(consultation, text="Pas fini"), "action": "draft"})
    [response] = json.loads(client.get("/profile/data/").content)["consultation_responses"]
    assert response["status"] == "Brouillon"
    assert response["submitted_at"] is None
    assert {"question": "Que faudrait-il changer ?", "answer": "Pas fini"} in response["answers"]
