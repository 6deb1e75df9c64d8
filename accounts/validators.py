import math
import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The CNIL's 2022 recommendation on passwords asks for about 80 bits of entropy: for instance 12
# characters mixing upper and lower case, digits and special characters, or 14 without special ones.
MINIMUM_BITS = 79
CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits)
OTHER_CHARACTERS = 37  # the CNIL counts at least 37 special characters


class CnilPasswordValidator:
    """Refuses passwords below the CNIL's strength: length × log2(size of the alphabets used)."""

    def validate(self, password, user=None):
        if self.bits(password) < MINIMUM_BITS:
            raise ValidationError(self.get_help_text(), code="password_too_weak")

    @staticmethod
    def bits(password: str) -> float:
        pool = sum(len(alphabet) for alphabet in CLASSES if any(c in alphabet for c in password))
        if any(not any(c in alphabet for alphabet in CLASSES) for c in password):
            pool += OTHER_CHARACTERS
        return len(password) * math.log2(pool) if pool else 0.0

    def get_help_text(self):
        return _(
            "Your password must be harder to guess: use at least 12 characters mixing capital and small "
            "letters, digits and special characters, or a longer passphrase."
        )
