"""Schemathesis fuzzes the API against its own served description: no server error, and every
documented answer matches its schema. Bounded and derandomised, so the run is short and repeatable."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from accounts import services as account_services
from config.wsgi import application
from consultations.models import Idea, Statement, Vote
from tests.api.content import site_content
from tests.factories import UserFactory, consultation_create


@pytest.fixture
def api_schema(db):
    # Requests through the WSGI application end by closing "old" connections, which would close the
    # test's transaction: detached as Django's own test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def content(db, organisation):
    """A little of everything public, and a token of a participant."""
    forum = consultation_create(organisation=organisation, ideas_enabled=True, statements_enabled=True)
    statement = Statement.objects.create(consultation=forum, text="Deux jours suffisent.")
    Vote.objects.create(statement=statement, participant=UserFactory(), value=1)
    Idea.objects.create(consultation=forum, title="Des écrans", text="…", author=UserFactory())
    site_content(organisation, forum)
    return account_services.api_token_create(user=UserFactory(), label="fuzz")[1]


def test_api_against_its_description(api_schema, content):
    """Every operation, a few derandomised examples each (schemathesis' pytest plugin does not load
    a fixture's schema under pytest 9, so the operations are walked here)."""
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=12, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case):
            case.headers = {
                **(case.headers or {}),
                "Authorization": f"Bearer {content}",
                "Accept-Language": "en",
            }
            case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])

        try:
            check()
        except Exception as error:  # collect them all: one run shows every operation that fails
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert not failures, "\n\n".join(failures)
