"""SIRET numbers are 14 digits passing the Luhn check (La Poste's by their digit sum); RNA numbers are W
and 9 digits."""

import pytest
from django.core.exceptions import ValidationError

from calls.validators import normalise_identifier, validate_rna, validate_siret


@pytest.mark.parametrize("value", ["73282932000074", "35600000000048", "35600000000010", "44306184100047"])
def test_valid_sirets(value):
    validate_siret(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("73282932000075", "siret_checksum"),
        ("35600000012345", "siret_checksum"),
        ("7328293200007", "siret_format"),
        ("732829320000744", "siret_format"),
        ("7328293200007A", "siret_format"),
        ("７３２８２９３２０００７４", "siret_format"),  # full-width digits are not digits here
        ("", "siret_format"),
    ],
)
def test_invalid_sirets(value, code):
    with pytest.raises(ValidationError) as error:
        validate_siret(value)
    assert error.value.code == code


@pytest.mark.parametrize("value", ["W751234567", "W012345678"])
def test_valid_rna(value):
    validate_rna(value)


@pytest.mark.parametrize(
    "value", ["751234567", "W75123456", "W7512345678", "w751234567", "X751234567", "W７51234567"]
)
def test_invalid_rna(value):
    with pytest.raises(ValidationError):
        validate_rna(value)


def test_people_may_type_spaces_and_dots():
    assert normalise_identifier(" 732 829.320-00074 ") == "73282932000074"
    assert normalise_identifier("w 751 234 567") == "W751234567"
