"""A consultation's view restrictions are read in one query and give Wagtail's own answer: those of the
page and of its ancestors, an alias standing for its source page."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from cms.models import HomePage
from consultations.models import ConsultationPage

pytestmark = pytest.mark.django_db


def wagtails(page) -> set[int]:
    return set(Page.get_view_restrictions(page).values_list("pk", flat=True))


def ours(page) -> set[int]:
    with CaptureQueriesContext(connection) as queries:
        found = set(page.get_view_restrictions().values_list("pk", flat=True))
    assert len(queries) == 1
    return found


def test_the_same_restrictions_as_wagtail_in_one_query(forum):
    home = HomePage.objects.get()
    assert ours(forum) == wagtails(forum) == set()
    on_page = PageViewRestriction.objects.create(page=forum, restriction_type="login")
    assert ours(forum) == wagtails(forum) == {on_page.pk}
    on_home = PageViewRestriction.objects.create(page=home, restriction_type="password", password="x")
    assert ours(forum) == wagtails(forum) == {on_page.pk, on_home.pk}
    # An alias has no restrictions of its own: its source's hold (and the source's ancestors').
    alias = ConsultationPage.objects.get(pk=forum.create_alias(update_slug="alias-du-forum").pk)
    PageViewRestriction.objects.create(page=alias, restriction_type="login")
    assert ours(alias) == wagtails(alias) == {on_page.pk, on_home.pk}


def test_a_restriction_on_an_ancestor_holds_on_the_ideas(idea):
    visitor = Client()
    assert visitor.get(f"/consultations/{idea.consultation_id}/ideas/").status_code == 200
    PageViewRestriction.objects.create(page=HomePage.objects.get(), restriction_type="login")
    assert visitor.get(f"/consultations/{idea.consultation_id}/ideas/").status_code == 404
    assert visitor.get(f"/consultations/{idea.consultation_id}/ideas/{idea.pk}/").status_code == 404
