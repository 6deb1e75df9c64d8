"""Consultation pages cost the same number of SQL queries with 10 or 1,000 statements, ideas and votes
(the summary at the top of the page included: its figures are one query)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from consultations.models import Idea, Statement, Support, Vote
from consultations.selectors import statement_deck_forget
from consultations.summary import consultation_figures_forget
from tests.factories import consultation_create


def crowd(consultation, size: int) -> None:
    """`size` people, each with a statement, an idea, a vote and a support."""
    people = User.objects.bulk_create(
        User(email=f"crowd{size}-{n}@example.org", pseudonym=f"Foule {n}") for n in range(size)
    )
    statements = Statement.objects.bulk_create(
        Statement(consultation=consultation, author=person, text=f"Proposition {n}")
        for n, person in enumerate(people)
    )
    ideas = Idea.objects.bulk_create(
        Idea(consultation=consultation, author=person, title=f"Idée {n}", text="Texte")
        for n, person in enumerate(people)
    )
    Vote.objects.bulk_create(
        Vote(statement=statements[(n + 1) % size], participant=person, value=(n % 3) - 1)
        for n, person in enumerate(people)
    )
    Support.objects.bulk_create(
        Support(idea=ideas[(n + 1) % size], supporter=person) for n, person in enumerate(people)
    )


def queries(client, url: str, consultation) -> int:
    statement_deck_forget(consultation.pk)  # the worst case: the vote counts are read again
    consultation_figures_forget(consultation.pk)  # and the summary's figures counted again
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "participant"])
def test_pages_cost_the_same_queries_whatever_the_counts(db, client, organisation, user, signed_in):
    if signed_in:
        client.force_login(user)
    counts = {}
    for size in (10, 1000):
        consultation = consultation_create(
            organisation=organisation,
            title=f"Consultation {size}",
            statements_enabled=True,
            ideas_enabled=True,
        )
        crowd(consultation, size)
        urls = [consultation.url, reverse("idea_list", args=[consultation.pk])]
        if signed_in:
            urls.append(reverse("statement_list", args=[consultation.pk]))
        client.get(urls[0])  # the first request of a session loads what later ones keep
        counts[size] = [queries(client, url, consultation) for url in urls]
    assert counts[10] == counts[1000]


def test_the_next_statement_is_the_least_voted_one_not_yet_seen(db, client, organisation, user):
    consultation = consultation_create(organisation=organisation, statements_enabled=True)
    crowd(consultation, 10)
    seen = Statement.objects.filter(consultation=consultation).order_by("id")[3]
    Vote.objects.create(statement=seen, participant=user, value=1)
    # Each of the crowd's statements has one vote; this one has none.
    fresh = Statement.objects.create(consultation=consultation, author=None, text="Toute nouvelle")
    statement_deck_forget(consultation.pk)
    client.force_login(user)
    page = client.get(consultation.url).content.decode()
    assert "Toute nouvelle" in page, "the statement nobody voted on comes first"
    Vote.objects.create(statement=fresh, participant=user, value=0)
    page = client.get(consultation.url).content.decode()
    assert "Toute nouvelle" not in page
    assert "Vous avez voté sur 2 des 11 propositions" in page
