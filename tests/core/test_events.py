"""Domain events: a higher layer hears what a lower one announces, in or after its transaction."""

import pytest
from django.db import transaction

from core.events import Event


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_listeners_run_in_the_transaction_or_after_it_commits():
    happened = Event("tests.happened")
    heard, after = [], []
    happened.listen(lambda **data: heard.append(data))
    happened.listen(lambda **data: after.append(data), on_commit=True)

    with transaction.atomic():
        happened.announce(thing_id=1)
        assert heard == [{"thing_id": 1}]
        assert after == []  # not before the change is visible to others
    assert after == [{"thing_id": 1}]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rolled_back_change_is_not_announced_after_the_fact():
    happened = Event("tests.happened")
    after = []
    happened.listen(lambda **data: after.append(data), on_commit=True)

    def change_that_fails():
        with transaction.atomic():
            happened.announce(thing_id=2)
            raise RuntimeError("the change fails")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert after == []


def test_a_listener_registered_twice_runs_once():
    happened = Event("tests.happened")
    heard = []

    def listener(**data):
        heard.append(data)

    happened.listen(listener)
    happened.listen(listener)
    happened.announce(thing_id=3)
    assert heard == [{"thing_id": 3}]
