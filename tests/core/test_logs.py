"""Logs: one structured line per request with its id, and no personal data — no e-mail address,
pseudonym, name or address IP — through sign-up, answering and a failed sign-in."""

import io
import json
import logging

import pytest
from allauth.account.models import EmailAddress

from accounts.models import User
from core.logs import JsonFormatter, RedactFilter, RequestIdFilter
from tests.factories import consultation_create, form_data

pytestmark = pytest.mark.django_db

EMAIL = "zoe.unique-4242@example.org"
PSEUDONYM = "Zoé Quatremille"
ADDRESS_IP = "203.0.113.77"


@pytest.fixture
def log_lines():
    """The JSON lines production writes (the configured filters and formatter), from every logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_real_flows_log_requests_and_no_personal_data(client, organisation, log_lines):
    client.defaults["REMOTE_ADDR"] = ADDRESS_IP
    signed_up = client.post(
        "/accounts/signup/",
        {
            "email": EMAIL,
            "pseudonym": PSEUDONYM,
            "password1": "un-mot-de-passe-2026",
            "password2": "un-mot-de-passe-2026",
        },
    )
    assert signed_up.status_code == 302
    person = User.objects.get(email=EMAIL)
    EmailAddress.objects.filter(user=person).update(verified=True)
    client.logout()
    refused = client.post("/accounts/login/", {"login": EMAIL, "password": "pas-le-bon-mot-de-passe"})
    assert refused.status_code == 200
    assert (
        client.post("/accounts/login/", {"login": EMAIL, "password": "un-mot-de-passe-2026"}).status_code
        == 302
    )
    consultation = consultation_create(organisation=organisation)
    answered = client.post(
        consultation.url + "?from=" + EMAIL,
        form_data(consultation, text=f"Écrivez-moi à {EMAIL}, {PSEUDONYM}"),
        HTTP_X_REQUEST_ID="proxy-id-0001",
    )
    assert answered.status_code == 302

    lines = log_lines()
    written = json.dumps(lines, ensure_ascii=False)
    for secret in (EMAIL, "zoe.unique", PSEUDONYM, "Quatremille", ADDRESS_IP):
        assert secret not in written, secret

    requests = [line for line in lines if line["logger"] == "concerto.request"]
    assert [(line["method"], line["status"]) for line in requests] == [
        ("POST", 302),
        ("POST", 200),
        ("POST", 302),
        ("POST", 302),
    ]
    answer = requests[-1]
    assert answer["path"] == consultation.url, "no query string"
    assert answer["user_id"] == person.pk
    assert answer["request_id"] == "proxy-id-0001", "the proxy's id is kept"
    assert answer["duration_ms"] >= 0
    assert requests[1]["user_id"] is None, "a failed sign-in names nobody"
    assert len({line["request_id"] for line in requests}) == 4


def test_a_request_id_that_is_not_one_is_replaced(client):
    response = client.get("/health/live/")  # answered before the log middleware: no id
    assert "X-Request-ID" not in response
    response = client.get("/", HTTP_X_REQUEST_ID="bad id\nforged line")
    assert response["X-Request-ID"] != "bad id\nforged line"
    assert len(response["X-Request-ID"]) == 32


def test_tokens_in_addresses_are_not_logged(client, log_lines):
    client.get("/profile/invitation/a-secret-invitation-token/")
    paths = [line["path"] for line in log_lines() if line["logger"] == "concerto.request"]
    assert paths == ["/profile/invitation/<token>/"]


def test_an_address_that_slips_into_a_message_is_redacted(log_lines):
    """The last line of defence: in the message, its arguments, its extras and its traceback."""
    logger = logging.getLogger("concerto.test")
    logger.warning("sent to %s", EMAIL, extra={"recipient": EMAIL})
    try:
        raise ValueError(f"no account for {EMAIL}")
    except ValueError:
        logger.exception("lookup failed")
    first, second = log_lines()
    assert first["message"] == "sent to [e-mail]"
    assert first["recipient"] == "[e-mail]"
    assert "[e-mail]" in second["exc_info"]
    assert EMAIL not in json.dumps([first, second])
