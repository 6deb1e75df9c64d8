"""Listing pages of calls cost the same number of SQL queries with 3 or 30 dossiers."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from calls.models import Assignment, CallPage, Milestone, Project, Score, Tag
from tests.calls.conftest import call_create, project_create
from tests.factories import OfficialFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def crowd(call, size, *, applicant, evaluator, official):
    """`size` dossiers of every status, tagged, evaluated and followed up."""
    tag = Tag.objects.create(organisation=call.organisation, name=f"tag-{call.pk}")
    statuses = [Project.Status.SELECTED, Project.Status.IN_EVALUATION, Project.Status.SUBMITTED]
    criteria = list(call.criteria.all())
    for n in range(size):
        project = project_create(call, applicant, status=statuses[n % 3], title=f"Projet {n}")
        project.tags.add(tag)
        assignment = Assignment.objects.create(project=project, evaluator=evaluator, has_conflict=False)
        Score.objects.bulk_create(Score(assignment=assignment, criterion=c, value=n % 10) for c in criteria)
        Milestone.objects.create(project=project, title="Ouverture", progress=20)
    project_create(call, applicant, title="Brouillon")


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_listing_pages_cost_the_same_queries_whatever_the_counts():
    applicant, evaluator = UserFactory(), UserFactory()
    costs = {}
    for size in (3, 30):
        organisation = OrganisationFactory()
        official = OfficialFactory(organisation=organisation)
        call = call_create(organisation=organisation, title=f"Appel {size}")
        crowd(call, size, applicant=applicant, evaluator=evaluator, official=official)
        CallPage.objects.filter(pk=call.pk).update(laureates_published_at=timezone.now())
        pages = {
            official: [
                reverse("calls_admin_index"),
                reverse("calls_admin_projects", args=[call.pk]),
                reverse("calls_admin_ranking", args=[call.pk]),
            ],
            applicant: [reverse("calls_projects_mine")],
            evaluator: [reverse("calls_evaluations")],
            None: [reverse("calls_laureates", args=[call.pk]), call.url],
        }
        counts = []
        for person, urls in pages.items():
            client = Client()
            if person is not None:
                client.force_login(person)
            client.get(urls[0])  # the first request of a session loads what later ones keep
            counts += [queries(client, url) for url in urls]
        costs[size] = counts
    assert costs[3] == costs[30]
