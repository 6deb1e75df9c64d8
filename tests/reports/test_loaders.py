"""The vote loader gives the analysis every current vote, and only those, without one object per vote."""

import numpy as np
import pytest
from django.db import connection

from consultations.models import Statement, Vote
from reports import loaders
from tests.factories import UserFactory, consultation_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def debate(organisation):
    consultation = consultation_create(organisation=organisation, statements_enabled=True)
    people = [UserFactory() for _ in range(3)]
    kept = Statement.objects.create(consultation=consultation, text="Plus de bus")
    hidden = Statement.objects.create(consultation=consultation, text="…", status=Statement.Status.HIDDEN)
    for person, value in zip(people, (1, -1, 0), strict=True):
        Vote.objects.create(statement=kept, participant=person, value=value)
    Vote.objects.create(statement=hidden, participant=people[0], value=-1)
    gone = UserFactory()
    Vote.objects.create(statement=kept, participant=gone, value=1)
    gone.delete()  # the vote stays, without its author
    other = consultation_create(organisation=organisation, title="Une autre", statements_enabled=True)
    Vote.objects.create(
        statement=Statement.objects.create(consultation=other, text="Ailleurs"),
        participant=people[0],
        value=1,
    )
    return consultation, people, kept, hidden


def as_set(rows):
    return set(zip(rows.participants.tolist(), rows.statements.tolist(), rows.values.tolist(), strict=True))


def test_every_current_vote_of_the_consultation_and_only_those(debate):
    consultation, people, kept, hidden = debate
    rows = loaders.vote_rows(consultation.pk)
    assert as_set(rows) == {
        (people[0].pk, kept.pk, 1),
        (people[1].pk, kept.pk, -1),
        (people[2].pk, kept.pk, 0),
        (people[0].pk, hidden.pk, -1),
    }
    assert rows.values.dtype == np.int8
    assert rows.hidden_statements == {hidden.pk}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_reads_what_a_cursor_reads(debate):
    consultation, *_ = debate
    votes = Vote.objects.filter(statement__consultation_id=consultation.pk, participant__isnull=False)
    copied, iterated = loaders._copy_votes(votes), loaders._iterate_votes(votes)
    order = [np.lexsort((column[1], column[0])) for column in (copied, iterated)]
    for copied_column, iterated_column in zip(copied, iterated, strict=True):
        assert copied_column[order[0]].tolist() == iterated_column[order[1]].tolist()


def test_a_consultation_without_votes_gives_empty_arrays(consultation):
    rows = loaders.vote_rows(consultation.pk)
    assert len(rows) == 0
    assert rows.participants.shape == (0,)


@pytest.mark.parametrize("copy", [True, False], ids=["copy", "cursor"])
def test_imported_voters_are_voters_apart_from_accounts_even_with_the_same_id(
    organisation, copy, monkeypatch
):
    """A Pol.is participant and an account whose ids happen to be equal are two voters, not one."""
    from consultations.models import Channel, ExternalParticipant

    consultation = consultation_create(organisation=organisation, statements_enabled=True)
    statement = Statement.objects.create(consultation=consultation, text="Plus de bus")
    person = UserFactory()
    external = ExternalParticipant.objects.create(
        consultation=consultation, channel=Channel.POLIS, reference="7"
    )
    Vote.objects.create(statement=statement, participant=person, value=1)
    Vote.objects.create(statement=statement, external_participant=external, value=-1, channel=Channel.POLIS)
    if not copy:
        monkeypatch.setattr(connection, "vendor", "other")
    rows = loaders.vote_rows(consultation.pk)
    voters = dict(zip(rows.participants.tolist(), rows.values.tolist(), strict=True))
    assert voters == {person.pk: 1, -external.pk: -1}
    assert sorted(loaders.votes_per_participant(consultation.pk)) == [1, 1]
    assert loaders.channel_counts(consultation.pk)["votes"] == {"online": 1, "polis": 1}
