# ruff: noqa: S311 — random picks of benchmark traffic, not security
"""Where the time goes in each request kind of `make bench-load`, on its database (after a run).

    BENCH_LOAD_PROFILE=<kind substring> .venv/bin/python benchmarks/load/where.py

For each request kind of the locustfile's mix, REPEAT requests (default 30, after 3 of warm-up) go through
Django's test client in production settings on the benchmark's database and Redis (the same variables as
run.py), one at a time: printed per kind are the mean milliseconds, the mean CPU milliseconds of this
process and of its PostgreSQL backend (`db_cpu_ms`), the SQL queries and cache round trips per request,
and how many of the REPEAT requests the page cache answered (`hits`; PAGE_CACHE_SECONDS=0 measures without
it). With BENCH_LOAD_PROFILE set, the kinds whose name contains it are profiled (cProfile) and the 25
functions with the most cumulative time printed."""

import cProfile
import json
import os
import pstats
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.load.run import COMMON, FIXTURE, PRODUCTION  # noqa: E402

REPEAT = int(os.environ.get("BENCH_LOAD_REPEAT", "30"))
PROFILE = os.environ.get("BENCH_LOAD_PROFILE", "")


def main() -> None:
    os.environ.update({**COMMON, **PRODUCTION, "EMAIL_URL": "dummymail://"})
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    fixture = json.loads(FIXTURE.read_text())
    pages = fixture["pages"]
    hot = fixture["consultations"]
    accounts = list(User.objects.filter(email__startswith="charge").order_by("pk")[:200])
    random.seed(1)

    # Clients made once: each builds its own handler (middleware, whitenoise's file scan), as a
    # gunicorn worker does once at boot.
    anonymous = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
    people = []
    for account in accounts[:20]:
        client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
        client.force_login(account, backend="accounts.backends.AuthenticationBackend")
        client.get("/health/live/")  # builds the client's handler now, not in a measured request
        people.append(client)

    def visitor():
        anonymous.cookies.clear()
        return anonymous

    def person():
        return random.choice(people)

    def one(items):
        return random.choice(items)

    kinds = {
        "GET home": lambda: (visitor(), "get", "/", None, {}),
        "GET consultation (visitor)": lambda: (visitor(), "get", one(hot)["url"], None, {}),
        "GET consultation (signed in)": lambda: (person(), "get", one(hot)["url"], None, {}),
        "GET consultation (quiet one)": lambda: (visitor(), "get", one(pages["consultation"]), None, {}),
        "GET call": lambda: (visitor(), "get", one(pages["call"]), None, {}),
        "GET outcome (report figures)": lambda: (visitor(), "get", one(pages["outcome"]), None, {}),
        "GET news": lambda: (visitor(), "get", one(pages["news"]), None, {}),
        "GET ideas": lambda: (visitor(), "get", f"/consultations/{one(hot)['id']}/ideas/", None, {}),
        "GET idea and comments": lambda: (
            visitor(),
            "get",
            (lambda c: f"/consultations/{c['id']}/ideas/{one(c['ideas'])}/")(one(hot)),
            None,
            {},
        ),
        "GET statements": lambda: (person(), "get", f"/consultations/{one(hot)['id']}/statements/", None, {}),
        "GET next statement card": lambda: (
            person(),
            "get",
            f"/consultations/{one(hot)['id']}/statements/deck/",
            None,
            {},
        ),
        "POST vote (JSON)": lambda: (
            person(),
            "post",
            (lambda c: f"/consultations/{c['id']}/statements/{one(c['statements'])}/vote/")(one(hot)),
            {"value": one(["1", "-1", "0"])},
            {"HTTP_ACCEPT": "application/json"},
        ),
        "POST support (JSON)": lambda: (
            person(),
            "post",
            (lambda c: f"/consultations/{c['id']}/ideas/{one(c['ideas'])}/support/")(one(hot)),
            {"supporting": one(["1", "0"])},
            {"HTTP_ACCEPT": "application/json"},
        ),
        "POST questionnaire": lambda: (
            lambda c: (person(), "post", c["url"], c["answers"], {"content_type": FORM})
        )(one(hot)),
        "POST comment": lambda: (
            person(),
            "post",
            (lambda c: f"/consultations/{c['id']}/ideas/{one(c['ideas'])}/")(one(hot)),
            {"text": "Je soutiens, avec des horaires d'ouverture larges.", "stance": "for"},
            {},
        ),
    }

    cache_calls = CacheCounter()
    mix_cpu = mix_database = 0.0
    print(f"{'kind':<30} {'ms':>7} {'cpu_ms':>7} {'db_cpu_ms':>9} {'queries':>8} {'cache':>6} {'hits':>5}")
    for name, make in kinds.items():
        for _ in range(3):
            request(*make())
        wall = cpu = queries = 0.0
        database_before = database_cpu(connection)
        profiler = cProfile.Profile() if PROFILE and PROFILE in name else None
        calls = hits = 0
        with cache_calls.watching(cache):
            for _ in range(REPEAT):
                arguments = make()  # the client's sign-in is not the request's time
                cache_calls.count = 0
                reset_queries()
                with CaptureQueriesContext(connection) as captured:
                    started, started_cpu = time.perf_counter(), time.process_time()
                    if profiler:
                        profiler.enable()
                    response = request(*arguments)
                    if profiler:
                        profiler.disable()
                    wall += time.perf_counter() - started
                    cpu += time.process_time() - started_cpu
                queries += len(captured)
                calls += cache_calls.count
                hits += response.get("X-Page-Cache") == "hit"
                if response.status_code >= 400:
                    sys.exit(f"{name}: {response.status_code}")
        database = database_cpu(connection) - database_before
        print(
            f"{name:<30} {wall / REPEAT * 1000:7.1f} {cpu / REPEAT * 1000:7.1f} "
            f"{database / REPEAT * 1000:9.1f} {queries / REPEAT:8.1f} {calls / REPEAT:6.1f} {hits:5d}",
            flush=True,
        )
        mix_cpu += WEIGHTS[name] * cpu / REPEAT
        mix_database += WEIGHTS[name] * database / REPEAT
        if profiler:
            pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_LOAD_SORT", "cumulative")).print_stats(25)
    per_request = mix_cpu / sum(WEIGHTS.values())
    database = mix_database / sum(WEIGHTS.values())
    # The application's and its PostgreSQL backend's CPU; Redis and the load generator come on top.
    print(
        f"mix_cpu_ms_per_request={per_request * 1000:.1f} mix_db_cpu_ms_per_request={database * 1000:.1f} "
        f"cores_for_200_rps={(per_request + database) * 200:.1f}"
    )


def database_cpu(connection) -> float:
    """CPU seconds used so far by the PostgreSQL backend serving this process (from /proc: the server
    runs on this machine)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


FORM = "application/x-www-form-urlencoded"
# The locustfile's task weights, to weigh each kind's CPU time as the mix does.
WEIGHTS = {
    "GET home": 12,
    "GET consultation (visitor)": 10,
    "GET consultation (signed in)": 10,
    "GET consultation (quiet one)": 4,
    "GET call": 4,
    "GET outcome (report figures)": 8,
    "GET news": 3,
    "GET ideas": 6,
    "GET idea and comments": 5,
    "GET statements": 3,
    "GET next statement card": 6,
    "POST vote (JSON)": 15,
    "POST support (JSON)": 5,
    "POST questionnaire": 4,
    "POST comment": 2,
}


def request(client, method, url, data, extra):
    if method == "get":
        return client.get(url, **extra)
    return client.post(url, data, **extra)


class CacheCounter:
    """Counts the calls to the default cache's client (each one a Redis round trip)."""

    def __init__(self):
        self.count = 0

    def watching(self, cache):
        import contextlib

        names = ("get", "set", "add", "delete", "get_many", "set_many", "incr", "touch", "has_key")
        counter = self

        @contextlib.contextmanager
        def patched():
            originals = {name: getattr(cache, name) for name in names}

            def wrap(function):
                def counted(*args, **kwargs):
                    counter.count += 1
                    return function(*args, **kwargs)

                return counted

            for name, function in originals.items():
                setattr(cache, name, wrap(function))
            try:
                yield
            finally:
                for name in names:
                    delattr(cache, name)

        return patched()


if __name__ == "__main__":
    main()
