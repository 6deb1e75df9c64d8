"""A real Celery worker process for the tests where tasks are the point.

It runs against the test database and the configured broker: Redis when REDIS_URL is set (always in CI),
otherwise the embedded filesystem broker.
"""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_ENV="development",
        DATABASE_URL=test_database_url(),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
    )
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
    return env


def worker_start(log, *, purge: bool = True, **environment) -> subprocess.Popen:
    """`celery worker` in its own process, its output in the file `log`; `environment` overrides the
    worker's variables (a `DATABASE_URL` where nothing listens: a worker that cannot reach the database).
    Messages left by earlier runs, which would point at rows of another test database, are purged first
    (unless `purge` is false: a second worker of the same test)."""
    env = {**worker_environment(), **environment}
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    if purge:
        subprocess.run(
            [*celery, "purge", "-f"], cwd=ROOT, env=env, capture_output=True, timeout=60, check=False
        )
    with log.open("a") as output:
        return subprocess.Popen(
            [
                *celery,
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def worker_stop(process: subprocess.Popen, log) -> None:
    """Stop a worker started by `worker_start`; its log is printed (shown by pytest when the test failed)
    if it did not stop cleanly."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)
    if process.returncode not in (0, -15):
        print(log.read_text()[-5000:])


@pytest.fixture
def celery_worker_process(transactional_db, django_db_serialized_rollback, tmp_path):
    """Start `celery worker` in its own process; stop it after the test.

    The test commits for real so the worker sees its rows; the content of the migrations (home page,
    groups) is restored for each such test (serialized rollback).
    """
    log = tmp_path / "worker.log"
    process = worker_start(log)
    try:
        yield process
    finally:
        worker_stop(process, log)


def wait_for(condition, *, timeout: float = 60, interval: float = 0.25, what: str = "condition"):
    """Poll `condition` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")
