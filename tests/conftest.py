import os
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from pytest_factoryboy import register

from tests import factories

register(factories.OrganisationFactory)
register(factories.UserFactory)
register(factories.OfficialFactory, "official")
register(factories.EditorFactory, "editor")

IN_CI = os.environ.get("CI") == "true"
FAULTS = Path(__file__).resolve().parent / "faults"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Every test in tests/faults/ is marked `faults`, so that `-m "not faults"` leaves them all out
    (`make test-fast`), those that start no worker included."""
    for item in items:
        if FAULTS in item.path.parents:
            item.add_marker(pytest.mark.faults)


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
