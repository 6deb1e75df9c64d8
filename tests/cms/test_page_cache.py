"""Public pages are rendered once for the visitors who are not signed in, and forgotten on publication."""

import re

import pytest
from django.conf import settings
from django.test import Client
from wagtail.models import PageViewRestriction

from cms.models import StandardPage
from tests.cms.conftest import page_add

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def help_page(home):
    return page_add(home, StandardPage, title="Aide", slug="aide", body="<p>Comment participer</p>")


def visitor() -> Client:
    return Client()


def test_a_second_visitor_gets_the_same_page_from_the_cache(help_page):
    first = visitor().get("/aide/")
    second = visitor().get("/aide/")
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second.status_code == 200
    assert "Comment participer" in second.content.decode()
    # The same page but for each visitor's CSRF token.
    assert TOKEN.sub("", first.content.decode()) == TOKEN.sub("", second.content.decode())
    assert second["Content-Type"] == first["Content-Type"]


def test_a_head_request_is_answered_from_the_cache(help_page):
    visitor().get("/aide/")
    assert visitor().head("/aide/")["X-Page-Cache"] == "hit"


def test_a_signed_in_person_never_gets_nor_fills_the_cache(help_page, user):
    visitor().get("/aide/")  # kept
    person = Client()
    person.force_login(user)
    page = person.get("/aide/")
    assert "X-Page-Cache" not in page
    assert user.public_name in page.content.decode()
    assert "Sign out" in page.content.decode() or "Se déconnecter" in page.content.decode()
    # What the person was shown is not given to visitors.
    person.get("/aide/")
    for _ in range(2):
        again = visitor().get("/aide/")
        assert user.public_name not in again.content.decode()
    assert again["X-Page-Cache"] == "hit"


def test_a_publication_makes_the_next_visitor_see_the_new_page(help_page, django_capture_on_commit_callbacks):
    visitor().get("/aide/")
    assert visitor().get("/aide/")["X-Page-Cache"] == "hit"
    help_page.body = "<p>Nouvelle aide</p>"
    with django_capture_on_commit_callbacks(execute=True):
        help_page.save_revision().publish()
    page = visitor().get("/aide/")
    assert page["X-Page-Cache"] == "miss"
    assert "Nouvelle aide" in page.content.decode()
    assert visitor().get("/aide/")["X-Page-Cache"] == "hit"


def test_another_page_published_or_unpublished_forgets_every_page(
    help_page, home, django_capture_on_commit_callbacks
):
    visitor().get("/")
    assert visitor().get("/")["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        help_page.unpublish()
    assert visitor().get("/")["X-Page-Cache"] == "miss"
    assert visitor().get("/aide/").status_code == 404


def test_a_restricted_page_is_never_kept(help_page):
    PageViewRestriction.objects.create(page=help_page, restriction_type="password", password="secret")
    for _ in range(2):
        page = visitor().get("/aide/")
        assert page.status_code == 200  # the password form
        assert "Comment participer" not in page.content.decode()
        assert "X-Page-Cache" not in page
    # Once the password given, the visitor's own pass (in their session) is not shared either.
    restriction = PageViewRestriction.objects.get()
    insider = Client()
    insider.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{help_page.pk}/",
        {"password": "secret", "return_url": "/aide/"},
    )
    assert "Comment participer" in insider.get("/aide/").content.decode()
    assert "Comment participer" not in visitor().get("/aide/").content.decode()


def test_a_preview_is_never_kept(help_page):
    help_page.body = "<p>Brouillon</p>"
    preview = help_page.make_preview_request()
    assert "Brouillon" in preview.content.decode()
    page = visitor().get("/aide/")
    assert page["X-Page-Cache"] == "miss"
    assert "Brouillon" not in page.content.decode()


def test_each_visitor_gets_a_csrf_token_of_their_own_that_works(help_page):
    visitor().get("/aide/")  # kept
    one, other = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first, second = one.get("/aide/"), other.get("/aide/")
    assert first["X-Page-Cache"] == second["X-Page-Cache"] == "hit"
    first_token = TOKEN.search(first.content.decode())[1]
    second_token = TOKEN.search(second.content.decode())[1]
    assert first_token != second_token
    assert one.cookies[settings.CSRF_COOKIE_NAME].value != other.cookies[settings.CSRF_COOKIE_NAME].value
    # The language switch of the page served from the cache works with the visitor's token...
    switched = one.post(
        "/i18n/setlang/", {"language": "en", "next": "/aide/", "csrfmiddlewaretoken": first_token}
    )
    assert switched.status_code == 302
    # ... and not without it.
    refused = one.post(
        "/i18n/setlang/", {"language": "en", "next": "/aide/", "csrfmiddlewaretoken": "x" * 64}
    )
    assert refused.status_code == 403


def test_french_and_english_pages_are_kept_apart(help_page):
    french = visitor().get("/aide/")
    english_visitor = visitor()
    english_visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = english_visitor.get("/aide/")
    assert english["X-Page-Cache"] == "miss"
    assert '<html lang="en">' in english.content.decode()
    assert '<html lang="fr">' in french.content.decode()
    again = visitor()
    again.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    hit = again.get("/aide/")
    assert hit["X-Page-Cache"] == "hit"
    assert '<html lang="en">' in hit.content.decode()
    assert '<html lang="fr">' in visitor().get("/aide/").content.decode()


def test_a_query_string_is_a_page_of_its_own(help_page):
    visitor().get("/aide/")
    assert visitor().get("/aide/?page=2")["X-Page-Cache"] == "miss"


def test_a_page_with_a_message_is_not_kept(help_page, user):
    """A message is shown once to one visitor (here: signed out, on the page they land on)."""
    person = Client()
    person.force_login(user)
    person.post("/accounts/logout/", follow=False)
    landing = person.get("/aide/")
    assert "X-Page-Cache" not in landing or landing["X-Page-Cache"] == "miss"
    assert visitor().get("/aide/")["X-Page-Cache"] == "miss"


def test_zero_seconds_turns_the_cache_off(help_page, settings):
    settings.PAGE_CACHE_SECONDS = 0
    visitor().get("/aide/")
    page = visitor().get("/aide/")
    assert "X-Page-Cache" not in page
    assert "Comment participer" in page.content.decode()


def test_saving_the_site_settings_forgets_every_page(site_pages, django_capture_on_commit_callbacks):
    from cms.models import SiteSettings

    visitor().get("/aide/")
    assert visitor().get("/aide/")["X-Page-Cache"] == "hit"
    site_settings = SiteSettings.objects.get()
    site_settings.help_page = None
    with django_capture_on_commit_callbacks(execute=True):
        site_settings.save()
    assert visitor().get("/aide/")["X-Page-Cache"] == "miss"
