"""Wagtail's user bar (edit this page, the accessibility checker) shows on public pages to the people
who may enter the back office, and to nobody else, with one permission query for a participant."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cms.models import StandardPage
from tests.cms.conftest import page_add
from tests.factories import AdministratorFactory, EditorFactory, OfficialFactory, UserFactory

pytestmark = pytest.mark.django_db

USERBAR = 'class="w-userbar'


@pytest.fixture
def help_page(home):
    return page_add(home, StandardPage, title="Aide", slug="aide", body="<p>Comment participer</p>")


def page_for(person) -> str:
    client = Client()
    client.force_login(person, backend="accounts.backends.AuthenticationBackend")
    return client.get("/aide/").content.decode()


def test_people_of_the_back_office_get_the_user_bar(help_page, organisation):
    for person in (AdministratorFactory(), EditorFactory(), OfficialFactory(organisation=organisation)):
        assert USERBAR in page_for(person), person


def test_a_permission_given_to_the_person_or_to_their_group_is_enough(help_page):
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    own = UserFactory()
    own.user_permissions.add(access)
    group = Group.objects.create(name="Agents d'accueil")
    group.permissions.add(access)
    member = UserFactory()
    member.groups.add(group)
    assert USERBAR in page_for(own)
    assert USERBAR in page_for(member)


def test_a_participant_gets_no_user_bar_for_one_permission_query(help_page):
    participant = UserFactory()
    participant.groups.add(Group.objects.create(name="Sans accès"))
    client = Client()
    client.force_login(participant, backend="accounts.backends.AuthenticationBackend")
    client.get("/aide/")  # the session and the site's settings, read once
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/aide/").content.decode()
    assert USERBAR not in page
    assert "Comment participer" in page
    # Django's backend asks two queries when it checks a permission (the user bar asked them on every
    # page); one question is enough.
    assert len([query for query in queries if '"auth_permission"' in query["sql"]]) == 1
