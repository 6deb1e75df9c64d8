"""Every URL of the site, opened by each kind of person: only those entitled get the page, the others
are refused the same ways (a redirect to the sign-in page, 403, 404 or 405), nothing secret leaks, and
nothing answers 500.

The URLs come from the resolver: a pattern added later is opened too, or the classification test fails
and names it (tests/security/urls.py says where to classify it).
"""

import pytest
from django.conf import settings
from django.test import Client

from tests.security.scenario import MARKERS, PERSONAS, scenario_create
from tests.security.urls import (
    ADMIN_ROUTES,
    ANY,
    MEDIA_ROUTE,
    PASSWORD_FORM,
    ROUTES,
    path_filled,
    rule_of,
    url_patterns,
)

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def test_every_url_pattern_is_classified():
    unclassified = [route for route, _pattern, module in url_patterns() if rule_of(route, module) is None]
    assert not unclassified, (
        "These URL patterns are not classified in tests/security/urls.py (ROUTES or ADMIN_ROUTES: who may "
        "open them, with which objects):\n  " + "\n  ".join(unclassified)
    )


def test_the_classification_names_no_pattern_that_is_gone():
    routes = {route for route, _pattern, _module in url_patterns()}
    gone = (set(ROUTES) | set(ADMIN_ROUTES)) - routes - {MEDIA_ROUTE}  # media files: served when DEBUG only
    assert not gone, "Classified in tests/security/urls.py but no longer a URL pattern: " + ", ".join(gone)


def _client(scenario, persona):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if persona != "anonymous":
        client.force_login(scenario.people[persona])
        if scenario.people[persona].is_staff:
            # Staff passed the two-factor step when they signed in (accounts.middleware).
            session = client.session
            session["account_authentication_methods"] = [
                {"method": "password"},
                {"method": "mfa", "type": "totp"},
            ]
            session.save()
    return client


def _refused(response, path="") -> bool:
    """Refusals: 400 (a bad token), 403, 404, 405 (GET on a form's target), or a redirect to the sign-in
    page; in the back office, Wagtail's redirect to its home page with a message."""
    if response.status_code in (400, 403, 404, 405):
        return True
    if response.status_code != 302:
        return False
    location = response["Location"]
    if path.startswith("/admin/"):  # Wagtail: its own sign-in address (sent on to ours), or its home
        return location.startswith((LOGIN, "/admin/login/")) or location == "/admin/"
    return location.startswith(LOGIN)


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _leaks(persona, path, body):
    lowered = body.lower()
    return [
        f"{path}: shows {marker}"
        for marker, entitled in MARKERS.items()
        if persona not in entitled and marker.lower() in lowered
    ]


def _visits(scenario, table):
    for route, (fill, allowed) in table.items():
        if route == MEDIA_ROUTE and not settings.DEBUG:  # served by the web server in production
            continue
        for item in fill(scenario):
            values, allowed_here = item if isinstance(item, tuple) else (item, allowed)
            path = values if isinstance(values, str) else path_filled(route, values)
            yield route, path, allowed_here


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_what_it_may_and_nothing_else(persona):
    scenario = scenario_create()
    client = _client(scenario, persona)
    failures = []
    # allauth's journeys and the REST API (public reads, token-only writes) by their generic rule: no
    # leak, no error, whatever the parameters.
    generic = [
        (route, path_filled(route), ANY)
        for route, _pattern, module in url_patterns()
        if rule_of(route, module) in ("allauth", "api")
    ]
    for _route, path, allowed in [*_visits(scenario, ROUTES), *_visits(scenario, ADMIN_ROUTES), *generic]:
        response = client.get(path)
        if response.status_code >= 500:
            failures.append(f"{path}: {response.status_code}")
            continue
        if allowed == PASSWORD_FORM:
            if response.status_code not in (200, 401) or 'name="password"' not in _body(response):
                failures.append(f"{path}: {response.status_code}, expected the password form")
            allowed = ANY
        if allowed is not ANY and allowed is not None:
            if persona in allowed and response.status_code != 200:
                failures.append(
                    f"{path}: {response.status_code} {response.get('Location', '')}, expected 200"
                )
            if persona not in allowed and not _refused(response, path):
                failures.append(f"{path}: {response.status_code}, expected a refusal")
        failures += _leaks(persona, path, _body(response))
    assert not failures, f"{persona}:\n  " + "\n  ".join(failures)


# The back office's sign-in redirect, icons and translations of its scripts: the same for everyone.
ADMIN_PUBLIC = {"admin/login/", "admin/sprite/", "admin/jsi18n/"}


@pytest.mark.parametrize("persona", ["anonymous", "participant", "other_participant", "evaluator"])
def test_the_back_office_is_closed_to_everyone_but_staff(persona):
    """Every back-office URL (Wagtail's and ours), whatever its parameters, refuses non-staff."""
    scenario = scenario_create()
    client = _client(scenario, persona)
    failures = []
    for route, _pattern, _module in url_patterns():
        if not route.startswith("admin/") or route in ADMIN_PUBLIC:
            continue
        path = path_filled(route)
        response = client.get(path)
        if response.status_code >= 500 or not _refused(response, path):
            failures.append(f"{route} ({path}): {response.status_code}")
        failures += _leaks(persona, path, _body(response))
    assert not failures, f"{persona}:\n  " + "\n  ".join(failures)
