"""Permission rules that say why not, shared by the apps' permission modules.

A `Rule` is an action's conditions, each a django-rules predicate with the reason given when it
fails, in the order a person is told about them (the dates before the sign-in, the sign-in before the
confirmed address…). `rule.refusal(user, obj)` is None when every condition holds, else the first
failing condition's `Refusal`; `rule.predicate`, what `rules.add_perm` registers, is true exactly when
there is no refusal. `has_perm` and the refusal cannot disagree, and every interface (HTML view, API,
service) reads the same reason instead of working it out again.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import rules

# The codes of refusals, the same in every app (tests and interfaces compare them, never the words).
SIGN_IN = "sign_in"  # signed out: sign in first
UNVERIFIED = "unverified"  # no confirmed e-mail address yet
NOT_IN_AUDIENCE = "not_in_audience"  # outside the consultation's audience (residents, invited)
NOT_OPEN = "not_open"  # not open yet
CLOSED = "closed"  # closed, or not taking this any more
HIDDEN = "hidden"  # the item is not shown (pending, hidden by moderation, deleted)
MERGED = "merged"  # the idea was merged into another one
NOT_AUTHOR = "not_author"  # someone else's contribution
OWN = "own"  # one's own contribution (not for oneself to report)
NOT_ALLOWED = "not_allowed"  # the role it takes is missing
UNAVAILABLE = "unavailable"  # not offered here (not published, feature turned off…)


@dataclass(frozen=True)
class Refusal:
    """Why an action is refused: a stable `code`, and the `message` the person reads (translated)."""

    code: str
    message: str

    def __str__(self) -> str:
        return self.message


Reason = Callable[[Any, Any], Refusal]


def said(code: str, message) -> Reason:
    """A reason in words that do not depend on the case: `message` is lazily translated, read in the
    language of the request that asks."""
    return lambda user, obj: Refusal(code, str(message))


class Rule:
    """One condition of an action and its reason; `&` puts conditions one after the other."""

    def __init__(self, predicate: rules.Predicate, reason: Reason):
        self._conditions_set(((predicate, reason),))

    def __and__(self, other: "Rule") -> "Rule":
        combined = Rule.__new__(Rule)
        combined._conditions_set(self.conditions + other.conditions)
        return combined

    def _conditions_set(self, conditions: tuple[tuple[rules.Predicate, Reason], ...]) -> None:
        self.conditions = conditions
        self.predicate = rules.Predicate(self._allows, name=" & ".join(str(p) for p, _r in conditions))

    def _failing(self, user, obj) -> Reason | None:
        for predicate, reason in self.conditions:
            if not predicate.test(user, obj):
                return reason
        return None

    def _allows(self, user, obj) -> bool:
        # Without building the reason: a message may read more (a territory's name) than the answer.
        return self._failing(user, obj) is None

    def refusal(self, user, obj) -> Refusal | None:
        """None when `user` may; else the reason of the first condition that fails."""
        reason = self._failing(user, obj)
        return None if reason is None else reason(user, obj)


def rules_register(app: str, rules_by_action: dict[str, Rule]) -> Callable[[Any, str, Any], Refusal | None]:
    """Register each rule as the permission `<app>.<action>` (what `has_perm` asks) and give the app's
    `refusal(user, action, obj)`: None when `user` may do `action` (a key of `rules_by_action`) on `obj`,
    else why not, in words the person reads. Both read the same rules, so they cannot disagree."""
    for action, rule in rules_by_action.items():
        rules.add_perm(f"{app}.{action}", rule.predicate)

    def refusal(user, action: str, obj) -> Refusal | None:
        return rules_by_action[action].refusal(user, obj)

    return refusal
