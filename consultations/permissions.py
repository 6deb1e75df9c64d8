"""Who may do what in consultations — the one place where it is decided (django-rules).

Tested as a matrix of role × phase × action in tests/consultations/test_permissions.py.
"""

import rules

from accounts.permissions import is_administrator, is_official_of, is_verified

from .models import Phase


@rules.predicate
def is_published(user, consultation) -> bool:
    return consultation.live


@rules.predicate
def is_open(user, consultation) -> bool:
    return consultation.phase() == Phase.OPEN


@rules.predicate
def is_official_of_consultation(user, consultation) -> bool:
    return is_official_of(user, consultation.organisation_id)


rules.add_perm("consultations.answer_consultation", is_published & is_open & is_verified)
rules.add_perm("consultations.view_report", is_administrator | is_official_of_consultation)
rules.add_perm("consultations.compile_report", is_administrator | is_official_of_consultation)


def can(user, action: str, consultation) -> bool:
    """Whether `user` may do `action` on `consultation`, as the rules above decide.

    Views ask this rather than `user.has_perm`, which lets superusers do anything (Django's shortcut):
    not even an administrator may answer a closed consultation.
    """
    return rules.has_perm(f"consultations.{action}", user, consultation)
