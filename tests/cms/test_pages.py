"""The public pages render, in French by default, with the accessibility basics."""

import pytest

pytestmark = pytest.mark.django_db


def test_home_page_lists_open_consultations(client, consultation):
    page = client.get("/")
    assert page.status_code == 200
    body = page.content.decode()
    assert '<html lang="fr">' in body
    assert 'href="#main"' in body, "skip link"
    assert consultation.title in body
    assert "Accessibilité\xa0: non conforme" in body


def test_a_missing_page_is_a_friendly_404(client):
    page = client.get("/cette-page-n-existe-pas/")
    assert page.status_code == 404
    assert "Page introuvable" in page.content.decode()


def test_bad_sign_in_input_is_refused_without_revealing_accounts(client, user):
    for data in ({"login": "", "password": ""}, {"login": "pas-une-adresse", "password": "x"}):
        refused = client.post("/accounts/login/", data)
        assert refused.status_code in (200, 400)
        assert refused.context["form"].errors
    wrong = client.post("/accounts/login/", {"login": user.email, "password": "wrong-password-123"})
    unknown = client.post(
        "/accounts/login/", {"login": "nobody@example.org", "password": "wrong-password-123"}
    )
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_an_unknown_language_is_ignored(client):
    assert client.post("/i18n/setlang/", {"language": "xx", "next": "/"}).status_code == 302
    assert '<html lang="fr">' in client.get("/").content.decode()


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "participant"])
def test_the_home_page_costs_the_same_queries_for_one_or_many_of_what_it_lists(
    client, organisation, user, signed_in
):
    """Open consultations, open calls and outcome pages: one of each, then five."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.calls.conftest import call_create
    from tests.factories import consultation_create, outcome_create

    if signed_in:
        client.force_login(user)

    def queries():
        with CaptureQueriesContext(connection) as context:
            page = client.get("/")
        assert page.status_code == 200
        return len(context), page.content.decode()

    def one_more(index):
        consultation = consultation_create(organisation=organisation, title=f"Consultation {index}")
        call_create(title=f"Appel {index}", organisation=organisation)
        outcome_create(consultation, title=f"Bilan {index}")

    one_more(0)
    queries()  # the first request also fills the site's caches
    one, _ = queries()
    for index in range(1, 5):
        one_more(index)
    many, page = queries()
    assert all(f"{kind} 4" in page for kind in ("Consultation", "Appel", "Bilan")), "all are listed"
    assert many == one
