"""Texts an import writes where its source says nothing, for an official to replace before publishing.

A Pol.is export holds statements and votes, not the duty to report back: the import fills those fields
with a placeholder, and neither the import (`--publish`) nor the page editor publishes a page that still
shows one to citizens.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

PLACEHOLDER = gettext_noop("Not stated in the Pol.is export: describe it here before publishing.")
# The fields an import may leave with the placeholder.
DESCRIBED_FIELDS = ("decision_at_stake", "what_can_change")


def placeholders_left(values: dict) -> list[str]:
    """Which of `DESCRIBED_FIELDS` (read from `values`) still hold the placeholder, in whichever language
    it was written (an import runs in the site's language, an editor may read another)."""
    placeholders = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            placeholders.add(_(PLACEHOLDER))
    return [name for name in DESCRIBED_FIELDS if (values.get(name) or "").strip() in placeholders]
