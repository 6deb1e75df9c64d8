"""What every benchmark starts from: its own PostgreSQL database, dropped and created empty, and its own
Redis database, emptied (never the development or test ones: each benchmark names its own)."""

from urllib.parse import urlsplit


def database_recreate(database_url: str, redis_url: str | None = None) -> None:
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()
