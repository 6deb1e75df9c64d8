"""Rules that say why not (core/permissions.py): the first failing condition's reason, and a predicate
that agrees with it."""

import rules
from django.utils import translation
from django.utils.translation import gettext_lazy

from core.permissions import CLOSED, SIGN_IN, Refusal, Rule, said

is_signed_in = rules.predicate(lambda user: user is not None)
is_open = rules.predicate(lambda user, thing: thing["open"])

RULE = Rule(is_open, said(CLOSED, "Closed.")) & Rule(is_signed_in, said(SIGN_IN, "Sign in."))


def test_the_first_failing_condition_gives_the_reason():
    assert RULE.refusal("someone", {"open": True}) is None
    assert RULE.refusal(None, {"open": True}) == Refusal(SIGN_IN, "Sign in.")
    assert RULE.refusal(None, {"open": False}) == Refusal(CLOSED, "Closed."), "in the order written"


def test_the_predicate_is_true_exactly_without_a_refusal():
    for user in ("someone", None):
        for thing in ({"open": True}, {"open": False}):
            assert RULE.predicate.test(user, thing) == (RULE.refusal(user, thing) is None)


def test_conditions_combine_without_changing_the_parts():
    first = Rule(is_open, said(CLOSED, "Closed."))
    both = first & Rule(is_signed_in, said(SIGN_IN, "Sign in."))
    assert len(first.conditions) == 1
    assert len(both.conditions) == 2
    assert first.refusal(None, {"open": True}) is None


def test_words_are_translated_when_the_refusal_is_given():
    rule = Rule(is_open, said(CLOSED, gettext_lazy("Votes on this statement are closed.")))
    with translation.override("fr"):
        assert rule.refusal(None, {"open": False}).message == "Les votes sur cette proposition sont fermés."
    with translation.override("en"):
        assert str(rule.refusal(None, {"open": False})) == "Votes on this statement are closed."
