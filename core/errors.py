"""The database is unreachable (restarting, failing over), or a view met another momentary condition
(`core.exceptions.RetryLater`): a 503 asking to retry, never a 500.

Two ways in, because a database error can come from a view (the middleware) or from middleware around
it, such as a session read or save (Django's 500 handler, which sees the exception being handled). The
page is rendered without the request's context processors: they would query the database again.
Services write in one transaction, so a request cut short leaves nothing half written.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import defaults

from core.exceptions import RetryLater

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 60


def database_unavailable(request) -> HttpResponse:
    """503 with Retry-After: an HTML page, or JSON for the API and requests that ask for JSON."""
    message = _(
        "The service is momentarily unavailable. Your last action may not have been saved: "
        "please try again in a minute."
    )
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"error": "service_unavailable", "message": message}, status=503)
    else:
        html = loader.render_to_string("503.html", {"message": message, "language": get_language()})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database connection error, or a `RetryLater`, raised by a view into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("database unavailable: %s %s", request.method, request.path, exc_info=exception)
            return database_unavailable(request)
        if isinstance(exception, RetryLater):
            logger.warning("retry later: %s %s: %s", request.method, request.path, exception)
            return database_unavailable(request)
        return None


def server_error(request, template_name="500.html"):
    """Django's 500 handler, except for a database connection error raised outside a view (503)."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable(request)
    return defaults.server_error(request, template_name=template_name)
