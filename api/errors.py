"""Errors as JSON with one translated message, and the fields' messages when a body is invalid.

Every refusal has the shape `{"detail": "…", "code": "…", "errors": {field: ["…"]}}` (`errors` only
for invalid bodies), in the OpenAPI description as `Error`.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class Error(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in the caller's language.")
    code = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For an invalid body: the messages of each field (or question id).",
    )


class Refused(exceptions.APIException):
    """The rules of the site refuse this action: 403 with the site's own message."""

    status_code = status.HTTP_403_FORBIDDEN
    default_code = "refused"


class TooMany(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "rate_limited"


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub, messages in _flatten(value).items():
                    out[f"{key}.{sub}"] = messages
            elif isinstance(value, list):
                out[str(key)] = [str(item) for item in value if not isinstance(item, dict | list)] or [
                    str(value)
                ]
            else:
                out[str(key)] = [str(value)]
        return out
    return {"non_field_errors": [str(item) for item in detail]} if isinstance(detail, list) else {}


def api_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None  # a real server error: Django's 500 handling and logging
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        body = {"detail": _("The request is not valid: see the errors."), "code": "invalid", "errors": errors}
    elif isinstance(exc, exceptions.ParseError):
        body = {"detail": _("The body is not valid JSON."), "code": "parse_error"}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        body = {"detail": str(detail), "code": str(code)}
    return Response(body, status=response.status_code, headers=_kept_headers(response))


def _kept_headers(response) -> dict:
    return {name: response[name] for name in ("WWW-Authenticate", "Retry-After", "Allow") if name in response}
