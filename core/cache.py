"""Django's Redis cache, keeping one client per connection pool, and failing open when Redis is down.

Django's own backend builds a new `redis.Redis` object for every cache operation; each build fills
redis-py's tables of response callbacks again, which costs more than the round trip it prepares on the
busiest paths (a vote reads and writes its rate limit four times). The client is thread-safe and the
connections still come from the same pool, so one client per pool is enough.

Redis holds only what can be rebuilt (cached pages, the statement decks, rate-limit counters; sessions
are written through to the database), so when it cannot be reached the cache behaves as empty rather
than failing the request: a read is a miss, a write is dropped, `add` succeeds. After a failure Redis is
left alone for `RETRY_AFTER` seconds, so a request does not wait on one connect timeout per operation.
Rate limits are therefore not enforced while Redis is down (logged); answering and voting go on.
"""

import logging
import time

from django.core.cache.backends import redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER = 5.0
_MISSING = object()


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


def _fail_open(name, fallback):
    parent = getattr(redis.RedisCache, name)

    def method(self, *args, **kwargs):
        if self._down_until > time.monotonic():
            return fallback(args, kwargs)
        try:
            return parent(self, *args, **kwargs)
        except UNREACHABLE as error:
            self._down_until = time.monotonic() + RETRY_AFTER
            logger.warning("cache unreachable (%s), treated as empty: %s", name, type(error).__name__)
            return fallback(args, kwargs)

    method.__name__ = name
    return method


def _default(args, kwargs):
    """`get(key, default=None)`'s default."""
    if len(args) > 1:
        return args[1]
    return kwargs.get("default")


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        params = {
            **params,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, **params.get("OPTIONS", {})},
        }
        super().__init__(server, params)
        self._class = RedisCacheClient
        self._down_until = 0.0

    get = _fail_open("get", _default)
    set = _fail_open("set", lambda args, kwargs: None)
    add = _fail_open("add", lambda args, kwargs: True)  # a lock taken: nothing else can hold it
    touch = _fail_open("touch", lambda args, kwargs: False)
    delete = _fail_open("delete", lambda args, kwargs: False)
    get_many = _fail_open("get_many", lambda args, kwargs: {})
    set_many = _fail_open("set_many", lambda args, kwargs: [])
    delete_many = _fail_open("delete_many", lambda args, kwargs: None)
    has_key = _fail_open("has_key", lambda args, kwargs: False)
    clear = _fail_open("clear", lambda args, kwargs: False)

    def incr(self, key, delta=1, version=None):
        value = _fail_open("incr", lambda args, kwargs: _MISSING)(self, key, delta, version)
        if value is _MISSING:
            raise ValueError(f"Key '{key}' not found (cache unreachable).")
        return value
