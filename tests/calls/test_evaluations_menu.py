"""Evaluators find "My evaluations" in the account menu of every page; nobody else does, and the link
costs no query (the flag is loaded with the signed-in person)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calls.models import Assignment

pytestmark = pytest.mark.django_db


def test_the_account_menu_leads_evaluators_to_their_evaluations_at_no_extra_query(
    submitted, applicant, evaluator
):
    Assignment.objects.create(project=submitted, evaluator=evaluator)
    evaluations = f'href="{reverse("calls_evaluations")}"'
    counts = {}
    for person in (evaluator, applicant):
        client = Client()
        client.force_login(person)
        client.get(reverse("my_contributions"))  # the first request of a session loads what later ones keep
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("my_contributions"))
        counts[person] = len(captured)
        assert (evaluations in page.content.decode()) is (person == evaluator)
    assert counts[evaluator] == counts[applicant]
    assert evaluations not in Client().get(reverse("calls_projects_mine"), follow=True).content.decode()
