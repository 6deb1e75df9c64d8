"""PostgreSQL restarts: connections are cut, including in the middle of a request's transaction.

Proves: the participant gets a 503 page asking to retry (with Retry-After; JSON for a request that asks
for JSON), never a 500; a transaction cut halfway leaves nothing written (no response without its
answers); once connections are re-established the same action succeeds.
"""

import psycopg
import pytest
from django.db import close_old_connections, connection
from django.test import Client

from consultations.models import Answer, Response, Statement, Vote
from tests.factories import UserFactory, consultation_create, form_data

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def terminate(*, pid: int | None = None) -> int:
    """What a restart does to the application's connections: `pg_terminate_backend` from another
    connection, for this test database's backends (one, or all but the caller's)."""
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or "localhost", port=settings["PORT"] or 5432, user=settings["USER"],
        password=settings["PASSWORD"] or None, dbname="postgres", autocommit=True,
    ) as admin:  # fmt: skip
        query = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s"
        parameters = [settings["NAME"]]
        if pid is not None:
            query += " AND pid = %s"
            parameters.append(pid)
        return admin.execute(query, parameters).fetchone()[0]


@pytest.fixture
def browser(organisation):
    """A signed-in participant whose errors come back as pages, as a browser sees them."""
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "en"
    client.force_login(UserFactory(language="en"))
    return client


def test_a_lost_connection_is_a_503_asking_to_retry_then_the_site_recovers(browser, organisation):
    consultation = consultation_create(organisation=organisation, statements_enabled=True)
    statement = Statement.objects.create(consultation=consultation, author=UserFactory(), text="Un tram.")
    vote_url = f"/consultations/{consultation.pk}/statements/{statement.pk}/vote/"
    assert terminate() >= 1

    page = browser.post(vote_url, {"value": "1"})
    assert page.status_code == 503
    assert page["Retry-After"] == "60"
    text = page.content.decode()
    assert "Service momentarily unavailable" in text
    assert "Your last action may not have been saved: please try again in a minute." in text
    assert '<html lang="en">' in text

    close_old_connections()  # what the server does at the end of each request (the test client does not)
    connection.ensure_connection()
    assert terminate() == 1
    api = browser.post(vote_url, {"value": "1"}, headers={"accept": "application/json"})
    assert api.status_code == 503
    assert api.json()["error"] == "service_unavailable"

    close_old_connections()
    assert browser.post(vote_url, {"value": "1"}).status_code == 302, (
        "the same action, once the database is back"
    )
    assert Vote.objects.filter(statement=statement).count() == 1


def test_a_transaction_cut_halfway_writes_nothing(browser, organisation):
    consultation = consultation_create(organisation=organisation)

    def cut_before_the_answers(execute, sql, params, many, context):
        # The response row is written; the connection dies before its answers are.
        if 'INSERT INTO "consultations_answer"' in sql:
            terminate(pid=context["connection"].connection.info.backend_pid)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(cut_before_the_answers):
        page = browser.post(consultation.url, form_data(consultation, text="Des bancs"))
    assert page.status_code == 503
    close_old_connections()
    assert not Response.objects.exists(), "no response without its answers"
    assert not Answer.objects.exists()

    assert browser.post(consultation.url, form_data(consultation, text="Des bancs")).status_code == 302
    assert Response.objects.get().answers.filter(text="Des bancs").exists()
