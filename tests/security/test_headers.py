"""Security headers on public pages, the back office and file downloads; cookies secure in production."""

import json

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, AdministratorFactory, UserFactory, consultation_create
from tests.test_settings import KEY, manage

pytestmark = pytest.mark.django_db

PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": KEY,
    "DJANGO_ALLOWED_HOSTS": "concerto.example.fr",
}


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: sources for name, *sources in (part.split() for part in policy.split(";"))}


def assert_common_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_public_pages_allow_no_inline_script_nor_framing(client, organisation):
    consultation = consultation_create(organisation=organisation)
    for url in ["/", consultation.url, reverse("account_login"), reverse("search")]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_common_headers(response)
        policy = directives(response)
        assert policy["script-src"] == ["'self'"], url
        assert "'unsafe-inline'" not in policy["style-src"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert response["X-Frame-Options"] == "DENY"


def test_the_back_office_has_its_own_policy_only_under_its_prefix(client):
    client.force_login(AdministratorFactory())
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert_common_headers(response)
    policy = directives(response)
    assert "'unsafe-inline'" in policy["script-src"], "Wagtail's admin needs its inline scripts"
    assert policy["frame-ancestors"] == ["'self'"], "page previews are framed by the admin itself"


def test_the_back_office_sends_no_address_hash_to_gravatar(client):
    """Wagtail shows avatars from Gravatar by default, telling it a hash of each staff member's address."""
    client.force_login(AdministratorFactory())
    for url in [reverse("wagtailadmin_home"), reverse("wagtailusers_users:index")]:
        html = client.get(url).content.decode()
        assert "gravatar.com" not in html, url


def test_a_downloaded_file_carries_the_headers_too(client):
    """A dossier attachment (private storage, served after a permission check)."""
    from tests.calls.conftest import call_create, project_create

    applicant = UserFactory()
    project = project_create(call_create(), applicant)
    attachment = project.attachments.get()
    client.force_login(applicant)
    response = client.get(reverse("calls_attachment", args=[project.pk, attachment.pk]))
    assert response.status_code == 200
    assert_common_headers(response)
    assert directives(response)["default-src"] == ["'self'"]
    assert "attachment" in response["Content-Disposition"]


def test_session_and_csrf_cookies_are_http_only_and_same_site(client):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"
    csrf = client.get(reverse("account_login")).cookies["csrftoken"]
    assert csrf["httponly"]
    assert csrf["samesite"] == "Lax"


def test_production_sends_cookies_over_https_only_with_hsts():
    result = manage(
        "shell",
        "-c",
        "import json; from django.conf import settings as s; print(json.dumps({n: getattr(s, n) for n in ["
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_HTTPONLY',"
        "'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', 'SECURE_CONTENT_TYPE_NOSNIFF', 'X_FRAME_OPTIONS']}))",
        env=PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "X_FRAME_OPTIONS": "DENY",
    }
