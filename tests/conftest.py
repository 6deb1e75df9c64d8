import hashlib
import os
import uuid
from pathlib import Path

import pytest
from celery import current_app
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from pytest_factoryboy import register
from wagtail.models import Page

from tests import factories

register(factories.OrganisationFactory)
register(factories.UserFactory)
register(factories.OfficialFactory, "official")
register(factories.EditorFactory, "editor")

IN_CI = os.environ.get("CI") == "true"
ROOT = Path(__file__).resolve().parent.parent
FAULTS = ROOT / "tests" / "faults"
# Set by pytest-xdist in each of its workers (`make test-fast`): "gw0", "gw1"…
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Every test in tests/faults/ is marked `faults`, so that `-m "not faults"` leaves them all out
    (`make test-fast`), those that start no worker included."""
    for item in items:
        if FAULTS in item.path.parents:
            item.add_marker(pytest.mark.faults)
        if XDIST_WORKER and item.get_closest_marker("worker"):
            # Its worker process would read the broker's keys without this xdist worker's prefix.
            item.add_marker(pytest.mark.skip(reason="starts a real worker: run without -n (make test)"))


def _migrations_fingerprint() -> str:
    """What the kept test database was made from: our migrations and the pinned dependencies' (theirs
    change with their versions)."""
    digest = hashlib.sha256((ROOT / "requirements.lock").read_bytes())
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def _kept_database_mark() -> Path:
    """Written when a session that keeps its database (--reuse-db) leaves it as the migrations made it."""
    database = hashlib.sha256(os.environ.get("DATABASE_URL", "").encode()).hexdigest()[:12]
    return Path(settings.VAR_DIR) / f"kept-database-{database}"  # VAR_DIR: one per xdist worker


@pytest.fixture(scope="session")
def django_db_createdb(request) -> bool:
    """pytest-django's, with one more reason to make the test database anew under --reuse-db: the one kept
    was not left whole (a run interrupted after a transactional test had emptied it) or was made by
    other migrations (another branch)."""
    if request.config.getvalue("create_db") or not request.config.getvalue("reuse_db"):
        return request.config.getvalue("create_db")
    mark = _kept_database_mark()
    whole = mark.exists() and mark.read_text() == _migrations_fingerprint()
    mark.unlink(missing_ok=True)  # until this session leaves it whole again
    return not whole


@pytest.fixture(scope="session", autouse=True)
def _kept_database_left_whole(request, django_db_setup, django_db_blocker):
    """Under --reuse-db the test database outlives the session: leave it as the migrations made it. A
    transactional test empties it at its end (the next one that needs the migrations' rows restores
    them at its start), so a session may end on an empty database, which the next session would take as
    its reference (no home page, no groups)."""
    yield
    if not request.config.getvalue("reuse_db"):
        return
    with django_db_blocker.unblock():
        if not Page.objects.exists():
            call_command(
                "flush", verbosity=0, interactive=False, reset_sequences=False, inhibit_post_migrate=True
            )
            connection.creation.deserialize_db_from_string(connection._test_serialized_contents)
    _kept_database_mark().parent.mkdir(parents=True, exist_ok=True)
    _kept_database_mark().write_text(_migrations_fingerprint())


@pytest.fixture(scope="session", autouse=True)
def _broker_keys_of_the_worker():
    """Each pytest-xdist worker publishes under Redis keys of its own (`gw0:celery`…), so that a test
    reading the broker's queue (tests/core/test_outbox.py) sees its own messages only."""
    if XDIST_WORKER and current_app.conf.broker_url.startswith(("redis://", "rediss://")):
        options = current_app.conf.broker_transport_options or {}
        current_app.conf.broker_transport_options = {**options, "global_keyprefix": f"{XDIST_WORKER}:"}


@pytest.fixture(scope="session", autouse=True)
def _real_services_in_ci(django_db_setup, django_db_blocker):
    """In CI the suite must run on PostgreSQL and Redis; failing to reach them fails the run."""
    if not IN_CI:
        return
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.exit("CI=true but DATABASE_URL does not point to PostgreSQL", returncode=1)
    if not settings.REDIS_URL:
        pytest.exit("CI=true but REDIS_URL is not set", returncode=1)
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL).ping()
    except redis.RedisError as error:
        pytest.exit(f"CI=true but Redis is unreachable: {error}", returncode=1)


@pytest.fixture(autouse=True)
def _fast_hashing_and_own_cache(settings):
    """Cheap password hashing, and a cache namespace of the test's own (never flush: Redis is shared)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Tests change data between two requests within one uncommitted transaction, where the page
    cache would not hear of it: off unless a test turns it on (tests/cms/test_page_cache.py)."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _fresh_territory_walks():
    """Territory ids come back after a rolled-back test (SQLite): forget the remembered walks."""
    from accounts.territories import _within

    _within.cache_clear()


@pytest.fixture
def consultation(db, organisation):
    return factories.consultation_create(organisation=organisation)


@pytest.fixture
def participant(user):
    return user


@pytest.fixture
def en(client):
    """Pages in English (the source strings), whatever the translations say."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
