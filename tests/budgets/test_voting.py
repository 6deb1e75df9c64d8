"""Voting online: one ballot per person, changed until closing; every bad ballot refused with a clear
message and a 4xx, the ballot already saved kept as it was."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from budgets.models import Ballot, BallotChoice
from tests.budgets.conftest import call_create, project_create, set_phase, vote_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(vote):
    return f"/budgets/{vote.pk}/"


def ballot(*projects, birth_year="1990", commune="Lyon"):
    return {"projects": [str(p.pk) for p in projects], "birth_year": birth_year, "commune": commune}


def chosen(person):
    return sorted(BallotChoice.objects.filter(ballot__voter=person).values_list("project__title", flat=True))


@pytest.fixture
def vote(call, projects, places):
    return vote_create(call, method="approval", min_projects=1, max_projects=2)


def test_a_participant_votes_then_changes_their_ballot(en, user, vote, projects):
    en.force_login(user)
    page = en.get(url(vote)).content.decode()
    assert "Jardin partagé" in page
    assert "Projet non retenu" not in page, "only selected projects are on the ballot"
    response = en.post(url(vote), ballot(projects.garden, projects.books), follow=True)
    assert "Thank you: your ballot is recorded." in response.content.decode()
    assert chosen(user) == ["Boîte à livres", "Jardin partagé"]
    page = en.get(url(vote)).content.decode()
    assert "You have voted" in page
    assert (
        f'value="{projects.garden.pk}" id="project-{projects.garden.pk}" data-cost="60000.00" checked' in page
    )
    response = en.post(url(vote), ballot(projects.skate), follow=True)
    assert "Your ballot is updated." in response.content.decode()
    assert chosen(user) == ["Skatepark"]
    assert Ballot.objects.count() == 1
    stored = Ballot.objects.get()
    assert (stored.birth_year, stored.commune.name, stored.channel) == (1990, "Lyon", "online")
    assert len(stored.public_id) == 16


@pytest.fixture
def voted(en, user, vote, projects):
    """The person has a ballot already: refusals below must leave it as it was."""
    en.force_login(user)
    assert en.post(url(vote), ballot(projects.garden)).status_code == 302
    return user


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (lambda p: ballot(p.garden, p.books, p.skate), "Choose at most 2 projects: you chose 3."),
        (lambda p: ballot(), "Choose at least 1 project."),
        (
            lambda p: ballot(p.rejected),
            "This ballot names a project that is not on the ballot: reload the page.",
        ),
        (lambda p: {**ballot(p.books), "projects": ["abc"]}, "not on the ballot"),
        (lambda p: ballot(p.books, birth_year="abc"), "Give your year of birth as a number, e.g. 1990."),
        (lambda p: ballot(p.books, birth_year="1800"), "Give a year of birth between 1900 and"),
        (lambda p: ballot(p.books, birth_year="３０００"), "Give a year of birth between 1900 and"),
        (lambda p: ballot(p.books, commune="Atlantide"), "No commune matches “Atlantide”"),
        (lambda p: ballot(p.books, commune=""), "Give your commune of residence."),
    ],
)
def test_bad_ballots_are_refused_and_the_saved_ballot_kept(en, voted, vote, projects, data, message):
    response = en.post(url(vote), data(projects))
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "aria-describedby" in body
    assert chosen(voted) == ["Jardin partagé"]


def test_a_basket_over_the_budget_is_refused_with_the_amounts(en, user, call, projects, places):
    vote = vote_create(call, method="basket", budget="100000", max_projects=None)
    en.force_login(user)
    response = en.post(url(vote), ballot(projects.garden, projects.skate))
    assert response.status_code == 400
    assert (
        "Your choices cost €110,000, over the budget of €100,000: remove a project."
        in response.content.decode()
    )
    assert not Ballot.objects.exists()
    assert en.post(url(vote), ballot(projects.garden, projects.books)).status_code == 302
    page = en.get(url(vote)).content.decode()
    assert 'aria-live="polite"' in page
    assert "Chosen: 2 project(s), costing €90,000." in page


def test_majority_judgment_needs_a_grade_for_every_project(en, user, call, projects, places):
    vote = vote_create(call, method="majority_judgment")
    en.force_login(user)
    data = {
        "birth_year": "1980",
        "commune": "69123",
        f"grade_{projects.garden.pk}": "6",
        f"grade_{projects.books.pk}": "9",
    }
    response = en.post(url(vote), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Grade this project." in body
    assert "Choose one of the grades offered." in body
    data.update({f"grade_{projects.books.pk}": "2", f"grade_{projects.skate.pk}": "0"})
    assert en.post(url(vote), data).status_code == 302
    grades = dict(BallotChoice.objects.values_list("project__title", "grade"))
    assert grades == {"Jardin partagé": 6, "Boîte à livres": 2, "Skatepark": 0}


@pytest.mark.parametrize(
    ("phase", "message"), [("upcoming", "Voting has not opened yet"), ("closed", "Voting closed on")]
)
def test_voting_before_or_after_the_dates_is_refused(en, voted, vote, projects, phase, message):
    set_phase(vote, phase)
    response = en.post(url(vote), ballot(projects.books))
    assert response.status_code == 403
    assert message in response.content.decode()
    assert chosen(voted) == ["Jardin partagé"]


def test_too_young_voters_are_refused(en, user, call, projects, places):
    vote = vote_create(call, minimum_age=16)
    year = timezone.localtime(vote.closes_at).year
    en.force_login(user)
    response = en.post(url(vote), ballot(projects.books, birth_year=str(year - 15)))
    assert response.status_code == 403
    assert f"This vote is open to people aged 16 or more in {year}" in response.content.decode()
    assert str(year - 15) in response.content.decode(), "what was typed comes back"
    assert not Ballot.objects.exists()
    assert en.post(url(vote), ballot(projects.books, birth_year=str(year - 16))).status_code == 302


def test_only_residents_vote_when_the_vote_says_so(en, user, call, projects, places):
    vote = vote_create(call, residence_territory=places.rhone)
    en.force_login(user)
    response = en.post(url(vote), ballot(projects.books, commune="Saint-Étienne"))
    assert response.status_code == 403
    assert (
        "This vote is open to residents of Rhône, and Saint-Étienne (42) is not in it."
        in response.content.decode()
    )
    assert en.post(url(vote), ballot(projects.books, commune="Villeurbanne")).status_code == 302


def test_visitors_and_unconfirmed_accounts_cannot_vote(en, vote, projects):
    response = en.post(url(vote), ballot(projects.books))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert "Sign in to vote" in en.get(url(vote)).content.decode()
    en.force_login(UserFactory(verified=False))
    response = en.post(url(vote), ballot(projects.books))
    assert response.status_code == 403
    assert "Confirm your e-mail address before voting" in response.content.decode()
    assert not Ballot.objects.exists()


def test_the_vote_of_an_unpublished_call_is_a_404(client, user, organisation, places):
    call = call_create(organisation=organisation, title="Brouillon", publish=False)
    project_create(call, "Un projet", "100")
    vote = vote_create(call)
    client.force_login(user)
    assert client.get(url(vote)).status_code == 404
    assert client.post(url(vote), {}).status_code == 404


def test_a_deleted_account_leaves_its_ballot_counted(user, vote, projects, places):
    from accounts.services import account_delete

    Ballot.objects.create(vote=vote, voter=user, birth_year=1990, commune=places.lyon)
    account_delete(user=user)
    assert Ballot.objects.get().voter is None


def release_when_a_request_waits_on_a_lock(release: threading.Event) -> None:
    try:
        if connection.vendor != "postgresql":
            time.sleep(0.5)
            return
        deadline = time.monotonic() + 10
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0]:
                    break
                time.sleep(0.01)
        time.sleep(0.4)  # ours visibly waited
    finally:
        release.set()
        connection.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_first_ballots_at_once_the_constraint_keeps_one_and_the_other_gets_a_409(organisation, places):
    from tests.budgets.conftest import call_create as make_call

    call = make_call(organisation=organisation, title="Course")
    garden = project_create(call, "Jardin", "100")
    vote = vote_create(call, method="approval")
    person = UserFactory()
    inserted, release = threading.Event(), threading.Event()

    def other_window():
        # Another submission of the same person, in flight: its row is written, not yet committed.
        try:
            with transaction.atomic():
                Ballot.objects.create(vote=vote, voter=person, birth_year=1990, commune=places.lyon)
                inserted.set()
                release.wait(5)
        finally:
            connection.close()

    thread = threading.Thread(target=other_window)
    thread.start()
    inserted.wait(5)
    # The other one commits once ours waits on the index: seen in PostgreSQL's activity, so that a
    # slow machine cannot make ours arrive after the commit; SQLite shows no waits, so a delay there.
    threading.Thread(target=release_when_a_request_waits_on_a_lock, args=(release,)).start()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    client.force_login(person)
    started = time.monotonic()
    response = client.post(url(vote), ballot(garden))
    thread.join()
    assert time.monotonic() - started >= 0.4, "ours waited for the other one"
    assert response.status_code == 409
    assert "Another ballot of yours was recorded at the same moment" in response.content.decode()
    assert Ballot.objects.filter(voter=person).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_burst_of_ballots_from_one_person_leaves_one_ballot(organisation, places, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "contribute_vote": "1000/m/user"}
    call = call_create(organisation=organisation, title="Rafale")
    garden = project_create(call, "Jardin", "100")
    books = project_create(call, "Livres", "100")
    vote = vote_create(call, method="approval")
    person = UserFactory()
    barrier = threading.Barrier(6)
    statuses, errors = [], []

    def send(index):
        client = Client()
        client.force_login(person)
        try:
            barrier.wait()
            statuses.append(client.post(url(vote), ballot(garden if index % 2 else books)).status_code)
        except Exception as error:  # shown by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert set(statuses) <= {302, 409}
    assert 302 in statuses
    assert Ballot.objects.filter(voter=person).count() == 1
    assert BallotChoice.objects.filter(ballot__voter=person).count() == 1


def test_my_data_lists_my_ballots(en, user, vote, projects, places):
    from accounts.services import account_export

    en.force_login(user)
    assert en.post(url(vote), ballot(projects.garden)).status_code == 302
    exported = account_export(user=user)["budget_ballots"]
    assert exported[0]["choices"] == [{"project": "Jardin partagé"}]
    assert (exported[0]["birth_year"], exported[0]["commune"]) == (1990, "Lyon")


def test_no_project_is_shown_nor_ballot_taken_before_the_laureates_are_published(
    en, user, call, projects, places
):
    from calls.models import CallPage

    CallPage.objects.filter(pk=call.pk).update(laureates_published_at=None)
    vote = vote_create(call, method="approval")
    en.force_login(user)
    page = en.get(url(vote)).content.decode()
    assert "Jardin partagé" not in page, "a selection not yet published stays unpublished"
    response = en.post(url(vote), ballot(projects.garden))
    assert response.status_code == 403
    assert "The projects put to the vote are not published yet" in response.content.decode()
    assert not Ballot.objects.exists()


def test_the_ballot_is_frozen_once_voting_opens(call, projects, places):
    from calls.models import Project
    from calls.services.decisions import project_status_change
    from calls.services.refusals import CallRefused
    from tests.factories import OfficialFactory

    official = OfficialFactory(organisation=call.organisation)
    eligible = project_create(call, "Fresque", "5000", status=Project.Status.ELIGIBLE)
    vote = vote_create(call, phase="upcoming")
    # Before the opening, the selection may still change.
    project_status_change(
        project=projects.skate, to_status=Project.Status.CLOSED, reason="Abandonné.", actor=official
    )
    set_phase(vote, "open")
    with pytest.raises(CallRefused, match="can no longer enter or leave the selection"):
        project_status_change(
            project=projects.garden, to_status=Project.Status.CLOSED, reason="Abandonné.", actor=official
        )
    with pytest.raises(CallRefused):
        project_status_change(project=eligible, to_status=Project.Status.SELECTED, reason="", actor=official)
    from budgets.selectors import ballot_projects

    assert [p.title for p in ballot_projects(vote)] == ["Boîte à livres", "Jardin partagé"]
