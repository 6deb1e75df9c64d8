"""The report says who took part and when, and how it was made (the method card)."""

from datetime import date

import pytest
from django.urls import reverse

from consultations.models import Statement, Vote
from reports import services
from reports.analysis.participation import by_territory, timeline, votes_per_participant
from tests.factories import OfficialFactory, UserFactory
from tests.reports.test_reports import answer


def test_the_timeline_orders_days_and_keeps_a_running_total():
    rows = timeline([(date(2026, 3, 2), 4), (date(2026, 3, 1), 10)])
    assert rows == [
        {"day": "2026-03-01", "responses": 10, "total": 10},
        {"day": "2026-03-02", "responses": 4, "total": 14},
    ]
    assert timeline([]) == []


def test_votes_per_participant_in_buckets():
    summary = votes_per_participant([1, 3, 7, 7, 60, 0])
    assert (summary["voters"], summary["votes"], summary["median"]) == (5, 78, 7)
    assert [bucket["participants"] for bucket in summary["distribution"]] == [1, 1, 2, 0, 1]
    assert votes_per_participant([])["mean"] is None


def test_participants_by_territory_hide_small_departements():
    groups = dict.fromkeys(range(6), "69") | {10: "42", 11: "42", 12: "01"}
    rows = by_territory(groups, {"69": "Rhône", "42": "Loire", "01": "Ain"}, participants=12)
    assert rows == [
        {"code": "69", "name": "Rhône", "participants": 6},
        {"code": "", "name": "", "participants": 3, "small": True},
        {"code": "", "name": "", "participants": 3, "unknown": True},
    ]
    assert by_territory({}, {}, participants=0) == []


@pytest.mark.django_db
def test_the_report_page_shows_the_method_and_participation(client, consultation):
    consultation.statements_enabled = True
    consultation.save_revision().publish()
    for _ in range(3):
        answer(consultation)
    statement = Statement.objects.create(consultation=consultation, text="Plus de bus")
    hidden = Statement.objects.create(consultation=consultation, text="…", status=Statement.Status.HIDDEN)
    voter = UserFactory()
    Vote.objects.create(statement=statement, participant=voter, value=1)
    Vote.objects.create(statement=hidden, participant=voter, value=-1)
    snapshot = services.report_compile(consultation=consultation)
    assert snapshot.data["participation"]["timeline"][0]["responses"] == 3
    assert snapshot.data["method"]["moderation"]["statements_hidden"] == 1

    client.force_login(OfficialFactory(organisation=consultation.organisation))
    page = client.get(reverse("feedback_report_detail", args=[consultation.pk])).content.decode()
    assert "Méthode" in page
    assert "masquées\xa0: 1" in page
    assert "Participation dans le temps" in page
    assert "<svg" in page
    assert "la moitié en a exprimé 2 ou moins" in page
    # Each share is drawn as a bar; SVG needs a decimal point whatever the page's language.
    assert 'class="share-bar"' in page
    assert 'width="100.0"' in page
