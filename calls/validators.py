"""Formats of French identifiers asked of applicants: SIRET (companies) and RNA (associations)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siret

SIRET_PATTERN = re.compile(r"^[0-9]{14}$")
RNA_PATTERN = re.compile(r"^W[0-9]{9}$")


def normalise_identifier(value: str) -> str:
    """Spaces, dots and dashes people type between groups of digits are dropped; letters upper-cased."""
    return re.sub(r"[\s.\-]", "", value or "").upper()


def validate_siret(value: str) -> None:
    # ASCII digits only: "[0-9]", not "\d", which lets other scripts' digits through.
    if not SIRET_PATTERN.fullmatch(value):
        raise ValidationError(_("A SIRET number has 14 digits."), code="siret_format")
    # python-stdnum knows the Luhn check and its exceptions (La Poste's establishments).
    if not siret.is_valid(value):
        raise ValidationError(
            _("This SIRET number is not valid: check it against your INSEE notice."), code="siret_checksum"
        )


def validate_rna(value: str) -> None:
    if not RNA_PATTERN.fullmatch(value):
        raise ValidationError(
            _("An RNA number is the letter W followed by 9 digits, e.g. W751234567."), code="rna_format"
        )
