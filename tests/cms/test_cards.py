"""The cards of the public lists: each status follows from the data, the sections list open first, then
upcoming, then closed, filter and page without a server error, and cost the same queries for any
number of cards."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from budgets.models import Ballot
from calls.models import CallPage, Project
from cms.cards import calls_for_cards, consultation_card, consultations_for_cards
from consultations.models import ConsultationPage
from core.cards import CardStatus
from reports.models import ReportSnapshot
from reports.services import report_compile
from search.sections import CARDS_PER_PAGE
from tests.budgets.conftest import call_create as laureates_call_create
from tests.budgets.conftest import vote_create
from tests.calls.conftest import call_create, project_create
from tests.commons.conftest import places  # noqa: F401  (the territory referential fixture)
from tests.factories import OrganisationFactory, UserFactory, consultation_create, outcome_create
from tests.reports.test_reports import answer

pytestmark = pytest.mark.django_db


def status_of(consultation) -> str:
    return consultations_for_cards().get(pk=consultation.pk).card_status


def close(page):
    type(page).objects.filter(pk=page.pk).update(
        opens_at=timezone.now() - timedelta(days=20), closes_at=timezone.now() - timedelta(days=1)
    )
    page.refresh_from_db()


def test_a_consultation_is_upcoming_open_closed_analysed_then_outcome_published(organisation):
    upcoming = consultation_create(organisation=organisation, opens_in=timedelta(days=2))
    assert status_of(upcoming) == CardStatus.UPCOMING
    consultation = consultation_create(organisation=organisation, title="Le vélo")
    answer(consultation)
    assert status_of(consultation) == CardStatus.OPEN
    early = report_compile(consultation=consultation)
    close(consultation)
    # A version compiled before the closing is not the analysis of the whole.
    ReportSnapshot.objects.filter(pk=early.pk).update(compiled_at=consultation.closes_at - timedelta(days=1))
    assert status_of(consultation) == CardStatus.CLOSED
    snapshot = report_compile(consultation=consultation)
    assert status_of(consultation) == CardStatus.ANALYSED
    draft = outcome_create(consultation, snapshot=snapshot, publish=False)
    assert status_of(consultation) == CardStatus.ANALYSED, "a draft outcome page publishes nothing"
    draft.save_revision().publish()
    assert status_of(consultation) == CardStatus.OUTCOME
    page = ConsultationPage.objects.get(pk=consultation.pk)
    assert page.stage().value == "outcome_published", "the same answer as the consultation's timeline"


def test_a_consultation_card_counts_the_people_who_took_part(organisation):
    consultation = consultation_create(organisation=organisation)
    for _ in range(3):
        answer(consultation)
    assert consultations_for_cards().get(pk=consultation.pk).respondents == 3
    card = next(c for c in _cards(consultations_for_cards()) if c.title == consultation.title)
    assert card.count == 3


def _cards(rows):
    return [consultation_card(row) for row in rows]


def test_a_call_is_upcoming_open_under_evaluation_then_laureates_published(organisation):
    upcoming = call_create(organisation=organisation, title="À venir", opens_in=timedelta(days=3))
    call = call_create(organisation=organisation, title="Ouvert")
    project_create(call, UserFactory(), status=Project.Status.SUBMITTED)
    project_create(call, UserFactory())  # a draft is no dossier yet
    statuses = {page.title: (page.card_status, page.dossiers) for page in calls_for_cards()}
    assert statuses["À venir"][0] == CardStatus.UPCOMING
    assert statuses["Ouvert"] == (CardStatus.OPEN, 1)
    close(call)
    assert calls_for_cards().get(pk=call.pk).card_status == CardStatus.EVALUATION
    CallPage.objects.filter(pk=call.pk).update(laureates_published_at=timezone.now())
    assert calls_for_cards().get(pk=call.pk).card_status == CardStatus.LAUREATES
    assert upcoming.pk in calls_for_cards(status=CardStatus.UPCOMING).values_list("pk", flat=True)


def test_a_vote_is_upcoming_open_closed_then_its_results_published(client, organisation, places):  # noqa: F811
    call = laureates_call_create(organisation=organisation, title="Budget participatif")
    vote = vote_create(call, phase="upcoming")
    body = client.get(reverse("budgets_votes_list")).content.decode()
    assert "status-upcoming" in body
    vote_create(laureates_call_create(organisation=organisation, title="Autre budget"), phase="closed")
    type(vote).objects.filter(pk=vote.pk).update(opens_at=timezone.now() - timedelta(days=1))
    body = client.get(reverse("budgets_votes_list")).content.decode()
    assert body.index("Budget participatif") < body.index("Autre budget"), "open first"
    assert "status-open" in body
    assert "status-closed" in body
    Ballot.objects.create(vote=vote, voter=UserFactory(), birth_year=1990, commune=places.lyon)
    type(vote).objects.filter(pk=vote.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    body = client.get(reverse("budgets_votes_list")).content.decode()
    assert reverse("budgets_results", args=[vote.pk]) in body
    assert "status-outcome" in body, "a closed vote with ballots shows its results"


def test_the_consultations_section_lists_open_then_upcoming_then_closed(en, organisation):
    closed = consultation_create(organisation=organisation, title="Close", closes_in=timedelta(days=5))
    close(closed)
    consultation_create(organisation=organisation, title="Bientôt", opens_in=timedelta(days=3))
    consultation_create(organisation=organisation, title="Ouverte tard", closes_in=timedelta(days=30))
    consultation_create(organisation=organisation, title="Ouverte tôt", closes_in=timedelta(days=2))
    response = en.get(reverse("consultation_index"))
    assert response.status_code == 200
    titles = [card.title for card in response.context["cards"]]
    assert titles == ["Ouverte tôt", "Ouverte tard", "Bientôt", "Close"]
    body = response.content.decode()
    assert body.count('class="card-status status-open"') == 2
    assert 'class="card-status status-closed">Closed</p>' in body, "a closed one never looks open"
    only_closed = en.get(reverse("consultation_index"), {"status": "closed"})
    assert [card.title for card in only_closed.context["cards"]] == ["Close"]


def test_sections_filter_by_organisation_and_refuse_a_wrong_filter(en, organisation):
    other = OrganisationFactory(name="Région")
    consultation_create(organisation=organisation, title="Ici")
    consultation_create(organisation=other, title="Là-bas")
    response = en.get(reverse("consultation_index"), {"organisation": other.pk})
    assert [card.title for card in response.context["cards"]] == ["Là-bas"]
    for params in (
        {"status": "nonsense"},
        {"organisation": "x"},
        {"organisation": "999999"},
        {"status": "\x00"},
    ):
        refused = en.get(reverse("consultation_index"), params)
        assert refused.status_code == 400, params
        assert "Correct the filters above" in refused.content.decode()
    assert en.get(reverse("call_index"), {"status": "analysed"}).status_code == 400, "not a call's status"


def test_sections_page_through_and_a_wrong_page_shows_the_first_or_last(client, organisation):
    for index in range(CARDS_PER_PAGE + 2):
        consultation_create(
            organisation=organisation, title=f"C{index:02}", closes_in=timedelta(days=index + 1)
        )
    url = reverse("consultation_index")
    first = client.get(url)
    assert len(first.context["cards"]) == CARDS_PER_PAGE
    assert "?page=2" in first.content.decode()
    second = client.get(url, {"page": 2, "status": "open"})
    assert [card.title for card in second.context["cards"]] == ["C12", "C13"]
    assert "status=open" in second.content.decode(), "the pages keep the filters"
    for page, expected in (("abc", 1), ("0", 2), ("-3", 2), ("99999", 2), ("9" * 40, 2)):
        response = client.get(url, {"page": page})
        assert response.status_code == 200, page
        assert response.context["page_obj"].number == expected, page


@pytest.mark.parametrize("section", ["consultation_index", "call_index", "outcome_index"])
def test_a_section_costs_the_same_queries_for_one_card_or_a_page_of_them(client, organisation, section):
    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse(section)).status_code == 200
        return len(context)

    def add(index):
        consultation = consultation_create(organisation=organisation, title=f"Consultation {index}")
        answer(consultation)
        call_create(organisation=organisation, title=f"Appel {index}")
        outcome_create(
            consultation, title=f"Bilan {index}", snapshot=report_compile(consultation=consultation)
        )

    add(0)
    queries()  # the first request fills the site's caches
    one = queries()
    for index in range(1, 8):
        add(index)
    assert queries() == one


def test_the_outcomes_section_shows_the_figures_of_the_pinned_version(en, organisation):
    consultation = consultation_create(organisation=organisation)
    for _ in range(3):
        answer(consultation)
    pinned = report_compile(consultation=consultation)
    answer(consultation)
    report_compile(consultation=consultation)  # a later version: the page still quotes the pinned one
    outcome_create(consultation, title="Ce que vous avez dit", snapshot=pinned)
    response = en.get(reverse("outcome_index"))
    [card] = response.context["cards"]
    assert card.count == 3
    assert card.status == CardStatus.OUTCOME
    assert "3 participants" in response.content.decode()


def test_the_home_page_shows_what_is_open_and_what_came_of_past_consultations(en, organisation):
    past = consultation_create(organisation=organisation, title="La cantine")
    for _ in range(3):
        answer(past)
    close(past)
    outcome_create(past, title="Ce que la cantine devient", snapshot=report_compile(consultation=past))
    consultation_create(organisation=organisation, title="Les horaires de la piscine")
    body = en.get("/").content.decode()
    open_now = body[body.index('id="open-title"') : body.index('id="outcomes-title"')]
    assert "Les horaires de la piscine" in open_now
    assert "La cantine" not in open_now, "a closed consultation is never among the open ones"
    past_section = body[body.index('id="outcomes-title"') :]
    assert "Ce que la cantine devient" in past_section
    assert "<dd>3</dd>" in past_section, "participants, from the pinned version"
    assert f'href="{reverse("outcome_index")}"' in body
    assert f'href="{reverse("budgets_votes_list")}"' in body
