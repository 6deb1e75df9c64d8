"""Health checks for load balancers and monitoring (docs/operations.md, "Health").

`/health/live/` answers 200 as soon as the process serves requests (no dependency is touched): a
liveness probe restarts what is stuck, not what waits for the database.

`/health/` checks what the platform needs and answers 200 when every check passes, 503 otherwise,
as JSON naming each check:

- `database`: one query;
- `cache`: a round trip to Redis when `REDIS_URL` is set; on the embedded default the cache is the
  process's own memory, reported as such;
- `broker`: a connection to Celery's broker (Redis, or the embedded filesystem broker's folders);
- `worker`: a Celery control ping that at least one worker answers within `HEALTH_WORKER_TIMEOUT`
  seconds (the first answer ends the wait). It fails when no worker runs, or when the broker is down.

Probes come from inside the network, over plain HTTP, with whatever Host header the orchestrator
sends: `HealthCheckMiddleware` answers before the host check, the HTTPS redirect, sessions and
CSRF, and the answer is never cached. Failures name the check and the kind of error only (an
error's text could hold a server's address or a password from a URL).
"""

import time

from celery import current_app
from django.conf import settings
from django.db import connection
from django.http import JsonResponse

LIVE_PATH = "/health/live/"
READY_PATH = "/health/"


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        result = check() or {}
    except Exception as error:  # a check fails however its dependency fails
        result = {"ok": False, "error": type(error).__name__}
    result.setdefault("ok", True)
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def database_check() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"engine": connection.vendor}


def cache_check() -> dict:
    if not settings.REDIS_URL:
        return {"backend": "local memory (embedded default: nothing to reach)"}
    import redis

    timeout = settings.HEALTH_TIMEOUT
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    finally:
        client.close()
    return {"backend": "redis"}


def broker_check() -> dict:
    app = current_app
    transport = app.conf.broker_url.split("://", 1)[0] or "amqp"
    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, timeout=settings.HEALTH_TIMEOUT)
    return {"transport": transport}


def worker_check() -> dict:
    app = current_app
    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, timeout=settings.HEALTH_TIMEOUT)
        replies = app.control.broadcast(
            "ping", reply=True, limit=1, timeout=settings.HEALTH_WORKER_TIMEOUT, connection=broker
        )
    if not replies:
        return {"ok": False, "error": "no worker answered"}
    return {"answered": len(replies)}


CHECKS = {"database": database_check, "cache": cache_check, "broker": broker_check, "worker": worker_check}


def health_report() -> tuple[bool, dict]:
    checks = {name: _timed(check) for name, check in CHECKS.items()}
    healthy = all(check["ok"] for check in checks.values())
    return healthy, {"status": "ok" if healthy else "failing", "checks": checks}


def _answer(payload: dict, status: int) -> JsonResponse:
    response = JsonResponse(payload, status=status)
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answers the two health addresses itself, first in the chain (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            if request.path == LIVE_PATH:
                return _answer({"status": "ok"}, 200)
            if request.path == READY_PATH:
                healthy, payload = health_report()
                return _answer(payload, 200 if healthy else 503)
        return self.get_response(request)
