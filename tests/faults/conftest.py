"""Faults injected for real: a private Redis server the test stops and starts, a local SMTP server that
refuses then accepts, Celery worker processes killed with SIGKILL, database connections terminated.

The machine's shared Redis and PostgreSQL are never stopped: the Redis here is a `redis-server` of the
test's own on a free port (broker and cache of both the test process and its workers).

Every test here is marked `faults` (tests/conftest.py); those that start workers are marked `worker` too.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from celery import current_app
from kombu import pools as kombu_pools

from tests.worker import ROOT, wait_for, worker_environment


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A throwaway `redis-server` (no persistence): `stop()` is an outage, `start()` the recovery."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = tmp_path
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, timeout=15, what="redis-server to start")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def private_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    redis = PrivateRedis(tmp_path)
    redis.start()
    yield redis
    redis.stop()


def _celery_reset():
    """Forget the pooled broker connections (as after a fork), so the next publish uses the new URL.

    kombu keeps its pools in global registries keyed by URL: they are emptied too, else the pool of the
    URL in use before (closed here) would be handed out again afterwards ("Acquire on closed pool")."""
    kombu_pools.reset()
    current_app._pool = None
    current_app.amqp._producer_pool = None
    # The remote-control client (the health check's worker ping) keeps the pool it first used.
    current_app.__dict__.pop("control", None)


@pytest.fixture
def private_broker(private_redis, settings):
    """This process's cache, sessions' cache and Celery broker on the private Redis."""
    settings.CACHES = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": private_redis.url}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    before = current_app.conf.broker_url
    current_app.conf.broker_url = private_redis.url
    _celery_reset()
    yield private_redis
    current_app.conf.broker_url = before
    _celery_reset()


class Worker:
    """`celery worker` in its own process group, on the private broker; `kill()` is SIGKILL to all of it."""

    def __init__(self, broker_url: str, log_path, **env):
        environment = worker_environment()
        environment.update(CELERY_BROKER_URL=broker_url, REDIS_URL=broker_url, **env)
        self.log_path = log_path
        with open(log_path, "a") as output:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--pool",
                    "prefork",
                    "--concurrency",
                    "1",
                    "--loglevel",
                    "INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=ROOT,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self):
        """SIGKILL the main process and its pool: nothing is acknowledged, nothing cleaned up."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # children left behind, if any

    def log(self) -> str:
        return self.log_path.read_text()


@pytest.fixture
def workers(transactional_db, django_db_serialized_rollback, tmp_path):
    """Start workers with `workers(broker_url, **env)`; all stopped at the end (their log printed on
    failure)."""
    started = []

    def start(broker_url, **env):
        worker = Worker(broker_url, tmp_path / f"worker-{len(started)}.log", **env)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    for worker in started:
        print(f"--- {worker.log_path.name}\n{worker.log()[-4000:]}")


class FlakySmtpHandler:
    """Answers `451` (try again later) to the first `refuse` messages, then accepts and keeps them."""

    def __init__(self, refuse: int = 0):
        self.refuse = refuse
        self.refused = 0
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refused < self.refuse:
                self.refused += 1
                return "451 4.3.0 Try again later"
            self.messages.append(envelope.content.decode("utf-8", "replace"))
        return "250 OK"


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free port; `.handler` counts what it refused and keeps what it accepted."""
    handler = FlakySmtpHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    controller.url = f"smtp://127.0.0.1:{controller.port}"
    yield controller
    controller.stop()


def settle(seconds: float = 3.0):
    """Give a worker time to do what it should not (a second delivery, a second e-mail)."""
    time.sleep(seconds)
