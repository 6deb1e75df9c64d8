"""A project selected in a call becomes an initiative of the commons: drafted from its dossier by the
call's officials, completed and published by them, and linked both ways."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from calls.models import CallPage, Project
from cms.models import HomePage
from commons.models import Initiative
from tests.factories import OfficialFactory, UserFactory

pytestmark = pytest.mark.django_db


def selected_project(organisation, territory, *, status=Project.Status.SELECTED) -> Project:
    now = timezone.now()
    call = CallPage(
        title="Appel à initiatives « Alimentation »",
        organisation=organisation,
        kind="initiatives",
        objectives="Recenser les initiatives locales.",
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=30),
    )
    HomePage.objects.get().add_child(instance=call)
    call.save_revision().publish()
    return Project.objects.create(
        call=call,
        applicant=UserFactory(),
        title="Une cantine 100 % locale",
        summary="Les producteurs du canton livrent la cantine du collège.",
        amount_requested=Decimal("0"),
        territory=territory,
        status=status,
        submitted_at=now,
    )


def draft_url(project):
    return reverse("commons_initiative_from_project", args=[project.pk])


def test_an_official_drafts_the_initiative_of_a_selected_project_and_publishes_it(client, places):
    official = OfficialFactory()
    project = selected_project(official.memberships.get().organisation, places.lyon)
    client.force_login(official)

    response = client.post(draft_url(project), HTTP_ACCEPT_LANGUAGE="en")
    initiative = Initiative.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("commons_initiatives:edit", args=[initiative.pk])
    assert (initiative.title, initiative.territory) == (project.title, places.lyon)
    assert initiative.project == project
    assert initiative.description == project.summary
    assert not initiative.published, "a draft until its officials complete and publish it"
    assert client.get(initiative.get_absolute_url()).status_code == 200  # its managers see the draft
    client.logout()
    assert client.get(initiative.get_absolute_url()).status_code == 404

    client.force_login(official)
    assert client.post(draft_url(project)).status_code == 302, "asking twice opens the same initiative"
    assert Initiative.objects.count() == 1
    dossier = client.get(reverse("calls_admin_project", args=[project.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert reverse("commons_initiatives:edit", args=[initiative.pk]) in dossier.content.decode()

    Initiative.objects.filter(pk=initiative.pk).update(published=True)
    client.logout()
    page = client.get(initiative.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Selected in the call" in page
    assert f'href="{project.call.url}"' in page


def test_only_selected_projects_of_ones_own_calls_become_initiatives(client, places):
    official = OfficialFactory()
    organisation = official.memberships.get().organisation
    pending = selected_project(organisation, places.lyon, status=Project.Status.ELIGIBLE)
    client.force_login(official)
    response = client.post(draft_url(pending), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Only a selected project can be published in the commons." in response.content.decode()
    assert not Initiative.objects.exists()

    others = selected_project(OfficialFactory().memberships.get().organisation, places.lyon)
    assert client.post(draft_url(others)).status_code == 404, "another organisation's dossier"
    client.force_login(UserFactory())
    assert client.post(draft_url(others)).status_code in (302, 403), "no back office for participants"
    assert client.get(draft_url(others)).status_code in (302, 403, 405)
    assert not Initiative.objects.exists()
