"""Structured logs with no personal data (docs/operations.md, "Logs").

- `RequestLogMiddleware` writes one line per request: request id, method, path (no query string, secret
  tokens of the address masked), status, duration, and the account's id when someone is signed in —
  never an e-mail address, a name, a pseudonym or an address IP.
- `RequestIdFilter` adds the request's id to every record logged while it is served, so the lines of
  one request can be put together.
- `RedactFilter` is the last line of defence: an e-mail address that reaches a message, its
  arguments or a traceback is replaced before the line is written.

In production the lines are JSON (python-json-logger); in development, readable text.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

logger = logging.getLogger("concerto.request")

request_id_var: ContextVar[str] = ContextVar("request_id", default="")

# An id set by the proxy in front is kept when it looks like one (anything else could be used to
# write into the logs), otherwise a new one is made.
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Parts of addresses that are secrets (invitation, unsubscribe and confirmation links, password
# resets, report downloads): logged as their name.
SECRET_KWARGS = ("token", "key", "uidb36", "uidb64")
EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
REDACTED = "[e-mail]"


def redact(text: str) -> str:
    return EMAIL.sub(REDACTED, text) if "@" in text else text


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        return True


class RedactFilter(logging.Filter):
    """Replace e-mail addresses in the message, its arguments and its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: the logging module reports it itself
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None  # formatters would write the original text again
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        for name, value in list(vars(record).items()):
            if name not in RESERVED_ATTRS and isinstance(value, str) and "@" in value:
                setattr(record, name, redact(value))
        return True


class JsonFormatter(BaseJsonFormatter):
    """One JSON object per line; Django's `request` extra (its repr holds the query string) left out."""

    def __init__(self, fmt="%(levelname)s %(name)s %(message)s", *args, **kwargs):
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request", "server_time"])
        kwargs.setdefault("timestamp", True)
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(fmt, *args, **kwargs)

    def add_fields(self, log_data, record, message_dict):
        super().add_fields(log_data, record, message_dict)
        if record.exc_text and "exc_info" not in log_data:
            log_data["exc_info"] = record.exc_text


def logged_path(request) -> str:
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match:
        for name in SECRET_KWARGS:
            value = match.kwargs.get(name)
            if value:
                path = path.replace(str(value), f"<{name}>")
    return path


class RequestLogMiddleware:
    """One line per request (`concerto.request`), and the request's id in the `X-Request-ID` header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            # The account's id only if the request read it already (no query of its own).
            user = getattr(request, "_cached_user", None)
            logger.info(
                "%s %s %s",
                request.method,
                logged_path(request),
                response.status_code,
                extra={
                    "method": request.method,
                    "path": logged_path(request),
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            response["X-Request-ID"] = request_id
            return response
        finally:
            request_id_var.reset(token)
