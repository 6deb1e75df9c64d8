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


def sessions_write(users) -> list[tuple]:
    """A signed-in session per user, written the way `django.contrib.auth.login` stores it (user id,
    authentication backend, password hash) without hashing a password, and a CSRF token: (user, cookie
    header, CSRF token) for each, in order. Needs Django set up."""
    from datetime import timedelta

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.middleware.csrf import _get_new_csrf_string
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    expires = timezone.now() + timedelta(days=1)
    store = SessionStore()
    sessions, signed_in = [], []
    for user in users:
        key = get_random_string(32)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "accounts.backends.AuthenticationBackend",  # as `login()` records it
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        csrf = _get_new_csrf_string()
        signed_in.append((user, f"sessionid={key}; csrftoken={csrf}", csrf))
    Session.objects.bulk_create(sessions)
    return signed_in
