"""Statements to vote on, Pol.is style: write, vote agree / disagree / pass, change a vote."""

import threading

import pytest
from django.db import connection
from django.test import Client

from consultations.models import Statement, Vote
from tests.factories import UserFactory, consultation_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def debate(organisation):
    consultation = consultation_create(organisation=organisation, statements_enabled=True)
    author = UserFactory()
    for text in (
        "Deux jours de télétravail suffisent.",
        "Il faut des écrans à la maison.",
        "Les réunions hybrides épuisent.",
    ):
        Statement.objects.create(consultation=consultation, author=author, text=text)
    return consultation


def vote_url(consultation, statement):
    return f"/consultations/{consultation.pk}/statements/{statement.pk}/vote/"


def test_statements_come_one_at_a_time_unseen_first(client, debate, participant):
    client.force_login(participant)
    seen = []
    for _ in range(3):
        page = client.get(debate.url).content.decode()
        shown = next(s for s in Statement.objects.all() if s.text in page and s.pk not in seen)
        seen.append(shown.pk)
        assert client.post(vote_url(debate, shown), {"value": "1"}).status_code == 302
    assert len(set(seen)) == 3
    assert "Vous avez voté sur toutes les propositions" in client.get(debate.url).content.decode()
    assert Vote.objects.filter(participant=participant).count() == 3


def test_a_vote_can_be_changed_and_stays_one_row(client, debate, participant):
    client.force_login(participant)
    statement = Statement.objects.first()
    client.post(vote_url(debate, statement), {"value": "1"})
    client.post(vote_url(debate, statement), {"value": "-1", "from": "list"})
    vote = Vote.objects.get(statement=statement, participant=participant)
    assert vote.value == -1
    listing = client.get(f"/consultations/{debate.pk}/statements/").content.decode()
    assert 'value="-1" aria-pressed="true"' in listing


@pytest.mark.parametrize("value", ["", "2", "agree", "1; DROP TABLE"])
def test_forged_vote_values_are_refused(client, debate, participant, value):
    client.force_login(participant)
    refused = client.post(vote_url(debate, Statement.objects.first()), {"value": value})
    assert refused.status_code == 400
    assert not Vote.objects.filter(participant=participant).exists()


def test_votes_on_hidden_statements_or_closed_consultations_are_refused(client, debate, participant):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(participant)
    hidden = Statement.objects.first()
    hidden.status = Statement.Status.HIDDEN
    hidden.save()
    assert client.post(vote_url(debate, hidden), {"value": "1"}).status_code == 403
    debate.closes_at = timezone.now() - timedelta(minutes=1)
    debate.save_revision().publish()
    open_one = Statement.objects.published().first()
    assert client.post(vote_url(debate, open_one), {"value": "1"}).status_code == 403
    assert not Vote.objects.filter(participant=participant).exists()
    assert (
        client.post(f"/consultations/{debate.pk}/statements/999999/vote/", {"value": "1"}).status_code == 404
    )


def test_writing_a_statement_counts_as_agreeing_with_it(client, debate, participant):
    client.force_login(participant)
    sent = client.post(
        f"/consultations/{debate.pk}/statements/new/",
        {"text": "  Un   jour   fixe en équipe.  "},
        follow=True,
    )
    assert "votre proposition est publiée" in sent.content.decode()
    statement = Statement.objects.get(text="Un jour fixe en équipe.")
    assert statement.votes.get().value == 1


def test_pre_moderated_statements_wait_for_a_moderator(client, organisation, participant):
    consultation = consultation_create(
        organisation=organisation, statements_enabled=True, statement_moderation="pre"
    )
    client.force_login(participant)
    client.post(f"/consultations/{consultation.pk}/statements/new/", {"text": "À modérer d’abord."})
    statement = Statement.objects.get()
    assert statement.status == Statement.Status.PENDING
    other = UserFactory()
    client.force_login(other)
    assert "À modérer d’abord." not in client.get(consultation.url).content.decode()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Écrivez votre proposition"),
        ("   ", "Écrivez votre proposition"),
        ("x" * 281, "au plus 280 caractères"),
    ],
)
def test_bad_statements_are_refused_next_to_the_field(client, debate, participant, text, message):
    client.force_login(participant)
    refused = client.post(f"/consultations/{debate.pk}/statements/new/", {"text": text})
    assert refused.status_code == 400
    assert message in refused.content.decode()
    assert Statement.objects.count() == 3


def test_statements_need_them_enabled_and_a_signed_in_person(client, consultation, participant):
    assert client.get(f"/consultations/{consultation.pk}/statements/new/")["Location"].startswith(
        "/accounts/login/"
    )
    client.force_login(participant)
    assert (
        client.post(f"/consultations/{consultation.pk}/statements/new/", {"text": "Non."}).status_code == 403
    )
    assert client.get(f"/consultations/{consultation.pk}/statements/").status_code == 404


VOTERS_AT_ONCE = 40  # well under PostgreSQL's 100 connections, as a deployment's workers are


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_200_simultaneous_identical_votes_leave_exactly_one_row(organisation, settings):
    """The same person's vote sent 200 times at once (a double-click storm, a replaying client) through
    the whole endpoint: each request is recorded or told to slow down (the rate limit's lock is
    contended), none fails, and one row results."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "contribute_vote": "1000/m/user"}
    consultation = consultation_create(organisation=organisation, statements_enabled=True)
    statement = Statement.objects.create(consultation=consultation, author=None, text="Une proposition.")
    participant = UserFactory()
    url = f"/consultations/{consultation.pk}/statements/{statement.pk}/vote/"
    barrier = threading.Barrier(VOTERS_AT_ONCE)
    statuses, errors = [], []

    def vote():
        client = Client()
        client.force_login(participant)
        try:
            barrier.wait()
            for _ in range(200 // VOTERS_AT_ONCE):
                statuses.append(client.post(url, {"value": "1"}, HTTP_ACCEPT="application/json").status_code)
        except Exception as error:  # collected and shown by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote) for _ in range(VOTERS_AT_ONCE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(statuses) == 200
    assert set(statuses) <= {200, 429}
    assert 200 in statuses
    assert Vote.objects.filter(statement=statement, participant=participant).count() == 1


def test_statements_and_votes_are_rate_limited_per_account(client, debate, participant, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "contribute_vote": "2/m/user"}
    client.force_login(participant)
    statement = Statement.objects.first()
    for value in ("1", "-1"):
        assert client.post(vote_url(debate, statement), {"value": value}).status_code == 302
    slowed = client.post(vote_url(debate, statement), {"value": "0"})
    assert slowed.status_code == 429
    assert "Trop de tentatives" in slowed.content.decode()
    assert Vote.objects.get(participant=participant).value == -1, "the last accepted vote stands"

    for index in range(5):
        client.post(f"/consultations/{debate.pk}/statements/new/", {"text": f"Idée numéro {index}"})
    assert (
        client.post(f"/consultations/{debate.pk}/statements/new/", {"text": "Une de trop"}).status_code == 429
    )
    assert Statement.objects.filter(author=participant).count() == 5
