"""Why calls for projects refuse a change: the exception their services raise, whose message says why."""

from django.core.exceptions import ValidationError


class CallRefused(ValidationError):
    """The call, the dossier or its state does not allow this change; the message says why."""


def refuse(message: str, code: str = "refused"):
    """Refuse the change: `message` says why, `code` which refusal it is (the views answer some with
    their own status)."""
    raise CallRefused(message, code=code)
