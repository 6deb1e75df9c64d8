"""The statements part of a report: opinion groups, what sets each apart, majorities, consensus — or
why a part is absent — from the votes as stored."""

import pytest
from django.urls import reverse

from accounts.models import User
from consultations.models import Statement, Vote
from reports import services
from tests.factories import OfficialFactory

pytestmark = pytest.mark.django_db


def two_camps(consultation, people=30, *, shared_by_all=True):
    """Half agree with the first five statements and disagree with the last five; the other half the
    opposite; everyone agrees with the last statement (or, not `shared_by_all`, one half passes it)."""
    statements = [
        Statement.objects.create(consultation=consultation, text=f"Proposition {n}") for n in range(10)
    ]
    shared = Statement.objects.create(consultation=consultation, text="Tout le monde est d’accord")
    voters = User.objects.bulk_create(
        User(email=f"camp{n}@example.org", pseudonym=f"Camp {n}") for n in range(people)
    )
    votes = []
    for number, voter in enumerate(voters):
        side = 1 if number % 2 else -1
        for index, statement in enumerate(statements):
            votes.append(Vote(statement=statement, participant=voter, value=side if index < 5 else -side))
        votes.append(Vote(statement=shared, participant=voter, value=1 if shared_by_all or side == 1 else 0))
    Vote.objects.bulk_create(votes)
    return statements, shared


@pytest.fixture
def debate(consultation):
    consultation.statements_enabled = True
    consultation.save_revision().publish()
    return consultation


def test_two_camps_make_two_groups_and_the_shared_statement_a_consensus(client, debate):
    _statements, shared = two_camps(debate)
    section = services.report_compile(consultation=debate, force=True).data["statements"]
    assert (section["participants"], section["votes"], section["clustered"]) == (30, 330, 30)
    assert [group["size"] for group in section["groups"]] == [15, 15]
    assert section["consensus"][0]["text"] == "Tout le monde est d’accord"
    assert shared.pk in [row["id"] for row in section["majority_agree"]]
    assert section["stability"]["badge"] == "stable"
    divisive = section["divisive"]
    assert len(divisive) == 5, "the camps split on every statement but the shared one"
    assert sorted(divisive[0]["groups"]) == [0, 100]
    assert shared.pk not in [row["id"] for row in divisive]

    client.force_login(OfficialFactory(organisation=debate.organisation))
    page = client.get(reverse("feedback_report_detail", args=[debate.pk])).content.decode()
    assert "Groupe 1 (15 personnes)" in page
    assert "Ce qui distingue le groupe 2" in page
    assert "Clivantes\xa0: là où les groupes diffèrent le plus" in page
    assert f'href="/consultations/{debate.pk}/statements/{shared.pk}/"' in page


def test_with_too_few_votes_the_report_says_why_groups_are_absent(client, debate):
    statement = Statement.objects.create(consultation=debate, text="Seule proposition")
    Vote.objects.create(statement=statement, participant=User.objects.create(email="a@example.org"), value=1)
    section = services.report_compile(consultation=debate, force=True).data["statements"]
    assert section["groups"] == []
    assert "groups" in section["absent"]
    client.force_login(OfficialFactory(organisation=debate.organisation))
    page = client.get(reverse("feedback_report_detail", args=[debate.pk])).content.decode()
    assert "Groupes d’opinion — Moins de 2 participants ou 2 propositions." in page


def test_a_consultation_without_votes_still_compiles(debate):
    section = services.report_compile(consultation=debate, force=True).data["statements"]
    assert section["absent"]["groups"] == "no votes"
    assert section["votes"] == 0


def test_a_statement_is_agreed_across_groups_only_when_all_agree_and_is_then_never_divisive(en, debate):
    _statements, shared = two_camps(debate)
    # As in the demo: one camp rejects it, four in five of the other agree with it.
    halfway = Statement.objects.create(consultation=debate, text="Deux jours, c’est le bon équilibre")
    camps = User.objects.filter(email__startswith="camp").order_by("pk")
    Vote.objects.bulk_create(
        Vote(statement=halfway, participant=voter, value=(1 if number % 5 else -1) if number % 2 else -1)
        for number, voter in enumerate(camps)
    )
    section = services.report_compile(consultation=debate, force=True).report.statements
    assert [row.id for row in section.consensus] == [shared.pk], "the only statement both camps agree on"
    assert len(section.divisive) == 5
    assert not {row.id for row in section.consensus} & {row.id for row in section.divisive}

    en.force_login(OfficialFactory(organisation=debate.organisation))
    page = en.get(reverse("feedback_report_detail", args=[debate.pk])).content.decode()
    assert "in every opinion group, at least 60\xa0% of the members who voted on the statement agreed" in page
    assert 'id="no-consensus"' not in page


def test_when_no_statement_is_agreed_by_every_group_the_page_says_so(en, debate):
    two_camps(debate, shared_by_all=False)
    section = services.report_compile(consultation=debate, force=True).report.statements
    assert len(section.groups) == 2
    assert section.consensus == []

    en.force_login(OfficialFactory(organisation=debate.organisation))
    page = en.get(reverse("feedback_report_detail", args=[debate.pk])).content.decode()
    assert "No statement is agreed on by every group under this rule." in page
