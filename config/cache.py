"""Django's Redis cache, keeping one client per connection pool.

Django's own backend builds a new `redis.Redis` object for every cache operation; each build fills
redis-py's tables of response callbacks again, which costs more than the round trip it prepares on the
busiest paths (a vote reads and writes its rate limit four times). The client is thread-safe and the
connections still come from the same pool, so one client per pool is enough.
"""

from django.core.cache.backends import redis


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


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
