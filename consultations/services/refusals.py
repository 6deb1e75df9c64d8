"""Why the consultation domain refuses a change: the exceptions its services raise, whose message
the participant or the moderator reads."""

from django.core.exceptions import ValidationError


class ResponseRefused(ValidationError):
    """The consultation does not accept this response (not open, unknown question…)."""


class PaperRefused(ResponseRefused):
    """A paper form cannot be typed in (a number typed before, a consultation not started…); `status` is
    the HTTP status that says so."""

    def __init__(self, message, *, status: int = 400):
        super().__init__(message)
        self.status = status


class AlreadyReported(ResponseRefused):
    """The person already has an open report on this item."""


class BulkModerationRefused(ResponseRefused):
    """One of the items ticked cannot take the action: nothing was changed."""
