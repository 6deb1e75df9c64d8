"""Health checks: 200 when the database, the cache, the broker and a worker answer; 503 naming the
failing check otherwise; reachable by probes whatever their Host header or scheme."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app
from tests.worker import celery_worker_process, wait_for  # noqa: F401 (a fixture)

READY, LIVE = "/health/", "/health/live/"
CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def _short_waits(settings):
    settings.HEALTH_TIMEOUT = 0.5
    settings.HEALTH_WORKER_TIMEOUT = 1.0


def checks(response) -> dict:
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)["checks"]


@pytest.mark.worker
def test_everything_answering_is_healthy(client, celery_worker_process):  # noqa: F811
    response = wait_for(
        lambda: (answer := client.get(READY)).status_code == 200 and answer,
        timeout=90,
        what="the worker to answer the health check's ping",
    )
    found = checks(response)
    assert set(found) == {"database", "cache", "broker", "worker"}
    assert all(check["ok"] for check in found.values())
    assert found["worker"]["answered"] >= 1
    assert json.loads(response.content)["status"] == "ok"


@pytest.mark.django_db
def test_no_worker_running_is_unhealthy_and_says_so(client):
    response = client.get(READY)
    assert response.status_code == 503
    found = checks(response)
    assert found["worker"] == {"ok": False, "error": "no worker answered", "ms": found["worker"]["ms"]}
    assert found["database"]["ok"]
    assert found["broker"]["ok"]


@pytest.mark.django_db
def test_an_unreachable_broker_and_cache_fail_their_checks(client, settings, monkeypatch):
    settings.REDIS_URL = CLOSED_PORT
    monkeypatch.setitem(app.conf, "broker_url", CLOSED_PORT)
    response = client.get(READY)
    assert response.status_code == 503
    found = checks(response)
    assert found["database"]["ok"]
    for name in ("cache", "broker", "worker"):
        assert found[name]["ok"] is False, name
        assert found[name]["error"], name
    # Only the kind of error: never an address or a password from a URL.
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db
def test_probes_get_through_whatever_their_host_or_scheme(client, settings):
    """An orchestrator probes over plain HTTP with the pod's address as Host: no 400, no redirect."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["concerto.example.fr"]
    for path in (READY, LIVE):
        response = client.get(path, HTTP_HOST="10.1.2.3:8000")
        assert response.status_code in (200, 503), path
        assert response["Cache-Control"] == "no-store"
        assert not response.cookies, "no session or CSRF cookie"
    # Everything else still gets the host check and the redirect.
    assert client.get("/", HTTP_HOST="10.1.2.3:8000").status_code == 400
    assert client.get("/", HTTP_HOST="concerto.example.fr").status_code == 301


def test_liveness_touches_no_dependency(client, settings, monkeypatch):
    """No database access is allowed in this test (no `db` fixture): any query would fail it."""
    settings.REDIS_URL = CLOSED_PORT
    monkeypatch.setitem(app.conf, "broker_url", CLOSED_PORT)
    response = client.get(LIVE)
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}


def test_the_embedded_default_says_what_it_checks(tmp_path):
    """SQLite and the filesystem broker: the cache is the process's memory, said as such; the broker's
    folders are checked; with no worker started, the worker check fails."""
    script = """
import django, json
django.setup()
from core.health import health_report
healthy, payload = health_report()
print(json.dumps(payload))
"""
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL", "CI")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_SETTINGS_MODULE="config.settings",
        CONCERTO_VAR_DIR=str(tmp_path),
        HEALTH_WORKER_TIMEOUT="0.5",
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    found = payload["checks"]
    assert found["database"] == {"ok": True, "engine": "sqlite", "ms": found["database"]["ms"]}
    assert found["cache"]["ok"]
    assert "local memory" in found["cache"]["backend"]
    assert found["broker"]["ok"]
    assert found["broker"]["transport"] == "filesystem"
    assert found["worker"]["ok"] is False
    assert payload["status"] == "failing"
