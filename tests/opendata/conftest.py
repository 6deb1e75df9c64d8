"""A closed consultation with answers, statements and votes, ideas and comments — written by people
with distinctive e-mails, names and pseudonyms, from a known IP address — and a call whose public vote
is closed."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.utils import timezone

from budgets.models import Ballot, BallotChoice
from consultations.models import Comment, ConsultationPage, Idea, Statement, Support, Vote
from consultations.services.comments import comment_post
from tests.budgets.conftest import call_create, project_create, territory, vote_create
from tests.factories import EVERY_KIND, UserFactory, consultation_create, questionnaire_data

KNOWN_IP = "203.0.113.77"
# What must never appear in any byte of the open data.
SECRETS = ["zorglub", "Zorglubette", "Hortense", "Vandermeulen", KNOWN_IP, "secret-mail"]


def person(i: int):
    return UserFactory(
        email=f"zorglub{i}@secret-mail.example",
        pseudonym=f"Zorglubette{i}",
        first_name="Hortense",
        last_name=f"Vandermeulen{i}",
    )


def close(page):
    type(page).objects.filter(pk=page.pk).update(
        opens_at=timezone.now() - timedelta(days=20), closes_at=timezone.now() - timedelta(minutes=1)
    )
    page.refresh_from_db()


@pytest.fixture
def people(db):
    return [person(i) for i in range(4)]


@pytest.fixture
def consultation_open(organisation):
    return consultation_create(
        organisation=organisation, questions=EVERY_KIND, statements_enabled=True, ideas_enabled=True
    )


@pytest.fixture
def filled(client, consultation_open, people):
    """Three sent answers, a draft, statements (one hidden) with votes, ideas (one hidden), comments
    (one hidden), all sent from KNOWN_IP; then the consultation closes."""
    consultation = consultation_open
    scales = ["4", "5", "2"]
    for who, scale in zip(people[:3], scales, strict=True):
        client.force_login(who)
        data = questionnaire_data(
            consultation,
            scale={f"q_{consultation.question_list[4].id}": scale},
            long={f"q_{consultation.question_list[7].id}": f"Écrivez-moi : {who.email}, {who.pseudonym}"},
        )
        sent = client.post(consultation.url, data, REMOTE_ADDR=KNOWN_IP)
        assert sent.status_code == 302, sent.content.decode()[:500]
    client.force_login(people[3])
    client.post(
        consultation.url, {**questionnaire_data(consultation), "action": "draft"}, REMOTE_ADDR=KNOWN_IP
    )
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # signing in set the person's own language

    visible = Statement.objects.create(
        consultation=consultation, author=people[0], text="Deux jours suffisent."
    )
    other = Statement.objects.create(
        consultation=consultation, author=people[1], text="Le vendredi, c’est mieux."
    )
    hidden = Statement.objects.create(
        consultation=consultation,
        author=people[2],
        text="Zorglubette est nulle.",
        status=Statement.Status.HIDDEN,
    )
    for who, value in zip(people, [1, 1, -1, 0], strict=True):
        Vote.objects.create(statement=visible, participant=who, value=value)
    Vote.objects.create(statement=other, participant=people[0], value=-1)
    Vote.objects.create(statement=hidden, participant=people[1], value=1)

    idea = Idea.objects.create(
        consultation=consultation, author=people[0], title="Des écrans", text="Un second écran."
    )
    Idea.objects.create(
        consultation=consultation,
        author=people[1],
        title="Caché",
        text="Vandermeulen",
        moderation_status="hidden",
    )
    Support.objects.create(idea=idea, supporter=people[1])
    Support.objects.create(idea=idea, supporter=people[2])
    first = comment_post(target=idea, author=people[1], text="Oui, bonne idée.", stance="for")
    comment_post(target=idea, author=people[2], text="Pas sûr.", stance="against", parent=first)
    masked = comment_post(target=visible, author=people[3], text="Hortense a tort.", stance="neutral")
    Comment.objects.filter(pk=masked.pk).update(status=Comment.Status.HIDDEN)
    close(consultation)
    return SimpleNamespace(
        consultation=ConsultationPage.objects.get(pk=consultation.pk),
        statements=(visible, other, hidden),
        idea=idea,
    )


@pytest.fixture
def voted_call(organisation, people):
    """A call with three laureates and a closed approval vote of four ballots (one on paper)."""
    lyon = territory("commune", "69123", "Lyon")
    call = call_create(organisation=organisation, total_budget=Decimal("100000"))
    garden = project_create(
        call,
        "Jardin partagé",
        "60000",
        organisation_name="Hortense Vandermeulen",
        applicant_type="individual",
    )
    books = project_create(call, "Boîte à livres", "30000")
    skate = project_create(call, "Skatepark", "50000")
    vote = vote_create(call, method="approval", max_projects=2)
    for who, chosen in zip(people, [[garden, books], [garden], [garden, books]], strict=False):
        ballot = Ballot.objects.create(vote=vote, voter=who, birth_year=1980, commune=lyon)
        BallotChoice.objects.bulk_create(BallotChoice(ballot=ballot, project=p) for p in chosen)
    paper = Ballot.objects.create(
        vote=vote, channel="paper", paper_reference="P-1", birth_year=1990, commune=lyon
    )
    BallotChoice.objects.create(ballot=paper, project=skate)
    type(vote).objects.filter(pk=vote.pk).update(
        opens_at=timezone.now() - timedelta(days=5), closes_at=timezone.now() - timedelta(minutes=1)
    )
    vote.refresh_from_db()
    return SimpleNamespace(call=call, vote=vote, projects=(garden, books, skate))
