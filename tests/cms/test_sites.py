"""The request's Wagtail site comes from the cache (cms/sites.py): no site query on each page, and a
site saved or deleted is heard at once."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from cms.models import StandardPage
from tests.cms.conftest import page_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def help_page(home):
    return page_add(home, StandardPage, title="Aide", slug="aide", body="<p>Comment participer</p>")


def site_queries(client, path="/aide/", **headers) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(path, **headers)
    return page.status_code, [q for q in queries if 'FROM "wagtailcore_site"' in q["sql"]]


def test_the_site_is_read_once_then_from_the_cache(help_page):
    client = Client()
    assert site_queries(client)[0] == 200
    status, queries = site_queries(client)
    assert (status, queries) == (200, [])


def test_a_second_site_on_another_host_is_served_its_own_pages(
    help_page, home, settings, django_capture_on_commit_callbacks
):
    settings.ALLOWED_HOSTS = ["testserver", "autre.example.org"]
    client = Client()
    client.get("/aide/")  # the default site, kept
    other_root = page_add(home, StandardPage, title="Autre site", slug="autre", body="<p>Ailleurs</p>")
    page_add(other_root, StandardPage, title="Contact", slug="contact", body="<p>Écrire</p>")
    with django_capture_on_commit_callbacks(execute=True):
        Site.objects.create(hostname="autre.example.org", port=80, root_page=other_root)
    page = client.get("/contact/", HTTP_HOST="autre.example.org")
    assert page.status_code == 200
    assert "Écrire" in page.content.decode()
    assert client.get("/contact/").status_code == 404  # still the default site for the default host


def test_a_site_given_another_root_is_heard_at_once(help_page, home, django_capture_on_commit_callbacks):
    client = Client()
    assert client.get("/aide/").status_code == 200
    new_root = page_add(home, StandardPage, title="Nouvel accueil", slug="nouvel-accueil", body="<p>Neuf</p>")
    site = Site.objects.get(is_default_site=True)
    site.root_page = new_root
    with django_capture_on_commit_callbacks(execute=True):
        site.save()
    assert "Neuf" in client.get("/").content.decode()
    assert client.get("/aide/").status_code == 404


def test_a_host_outside_allowed_hosts_is_refused_and_not_kept(help_page):
    assert Client().get("/aide/", HTTP_HOST="pirate.example.com").status_code == 400
