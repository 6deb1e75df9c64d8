"""`make bench-votes`: our vote endpoint, against the framework's floor and the database's limit.

In one run, with the same number of concurrent voters (16) for each:

1. **ours** — the real vote endpoint, through gunicorn in production mode on PostgreSQL and Redis, by
   signed-in participants (real sessions and CSRF tokens) with every check it makes in production:
   session, verified address, consultation and statement, phase, rate limit, upsert;
2. **bare** — a Django view under the same gunicorn that only executes the same upsert
   (`benchmarks/urls.py`);
3. **pgbench** — the same upsert as SQL, straight to PostgreSQL.

HTTP load comes from wrk (Debian package `wrk`), so the load generator costs little of the 2 cores.
The last line reads `vote_rate_ratio=<ours/bare> db_ratio=<ours/pgbench> p99_ms=<our p99>`. The run fails
(exit status 1) when a measurement got no answer, or any answer other than the expected one (a redirect for
ours, "204 No Content" for the bare view) or a socket error. Load starts once gunicorn's workers answer.

Settings (environment): BENCH_DATABASE_URL (a database it drops and recreates; default
postgres://postgres@127.0.0.1:5432/concerto_bench), BENCH_REDIS_URL (default redis://127.0.0.1:6379/9),
BENCH_SECONDS (per measurement, default 15), BENCH_WORKERS (gunicorn workers, default 5).
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.error import URLError
from urllib.parse import urlsplit
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.databases import database_recreate, sessions_write  # noqa: E402

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/concerto_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "5"))  # (2 × cores) + 1, as gunicorn advises
VOTERS = 16
STATEMENTS = 500
# Enough people that nobody reaches the per-account vote limit during the run (votes are spread).
PARTICIPANTS = 3000

ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "bench-votes-" + "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "LOG_LEVEL": "WARNING",
}


def main() -> int:
    for tool in ("wrk", "pgbench"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install {'wrk' if tool == 'wrk' else 'postgresql-client'}")
    database_recreate(DATABASE_URL, REDIS_URL)
    os.environ.update(ENVIRONMENT)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as a deployment does
    fixture = fixture_create()
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "votes.lua"
        script.write_text(lua_script(fixture, port))
        with gunicorn(port):
            url = f"http://127.0.0.1:{port}"
            wrk(url, script, "ours", seconds=3)  # warm-up: imports, connections, caches
            ours = wrk(url, script, "ours", seconds=SECONDS)
            wrk(url, script, "bare", seconds=3)
            bare = wrk(url, script, "bare", seconds=SECONDS)
        db = pgbench(fixture, Path(folder))
    rows = vote_rows()
    print(
        f"ours:    {ours['rate']:8.0f} votes/s  p50 {ours['p50_ms']:.1f} ms  p99 {ours['p99_ms']:.1f} ms  "
        f"errors {ours['errors']}"
    )
    print(
        f"bare:    {bare['rate']:8.0f} votes/s  p50 {bare['p50_ms']:.1f} ms  p99 {bare['p99_ms']:.1f} ms  "
        f"errors {bare['errors']}"
    )
    print(f"pgbench: {db:8.0f} upserts/s")
    print(f"vote rows: {rows} (at most {STATEMENTS * PARTICIPANTS} possible: one per person and statement)")
    failures = [
        f"{name}: {measure['requests']} answers, {measure['errors']} unexpected or failed"
        for name, measure in (("ours", ours), ("bare", bare))
        if not measure["requests"] or measure["errors"]
    ]
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    print(
        f"vote_rate_ratio={ours['rate'] / max(bare['rate'], 1e-9):.2f} db_ratio={ours['rate'] / db:.3f} "
        f"p99_ms={ours['p99_ms']:.1f}"
    )
    return 1 if failures else 0


def fixture_create() -> dict:
    """An open consultation with statements, and signed-in participants with their cookies."""
    from allauth.account.models import EmailAddress

    from accounts.models import Organisation, User
    from consultations.models import Statement
    from tests.factories import consultation_create

    organisation = Organisation.objects.create(name="Ville de Banc-d'Essai", slug="banc-essai")
    consultation = consultation_create(
        organisation=organisation, statements_enabled=True, closes_in=timedelta(days=30)
    )
    users = User.objects.bulk_create(
        User(email=f"votant{n}@example.org", pseudonym=f"Votant {n}", password="!")
        for n in range(PARTICIPANTS)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
    )
    statements = Statement.objects.bulk_create(
        Statement(consultation=consultation, author=users[n % PARTICIPANTS], text=f"Proposition n° {n}")
        for n in range(STATEMENTS)
    )
    cookies = [(user.pk, cookie, csrf) for user, cookie, csrf in sessions_write(users)]
    return {
        "consultation": consultation.pk,
        "statements": [statement.pk for statement in statements],
        "participants": cookies,
    }


def lua_script(fixture: dict, port: int) -> str:
    people = ",\n".join(f'{{{pk}, "{cookie}", "{csrf}"}}' for pk, cookie, csrf in fixture["participants"])
    statements = ", ".join(str(pk) for pk in fixture["statements"])
    return f"""
local people = {{
{people}
}}
local statements = {{{statements}}}
local mode = "ours"
local expected = 302
unexpected = 0  -- a global: done() reads it from each thread
local threads = {{}}
local form = "application/x-www-form-urlencoded"

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  mode = args[1]
  -- Ours answers a vote with a redirect to the page (no JavaScript); the bare view with "204 No Content".
  if mode == "bare" then expected = 204 end
  math.randomseed(os.time() + tonumber(tostring({{}}):sub(8), 16))
end

function request()
  local person = people[math.random(#people)]
  local statement = statements[math.random(#statements)]
  local value = math.random(3) - 2
  if mode == "bare" then
    local headers = {{["Content-Type"] = form, ["X-Forwarded-Proto"] = "https"}}
    return wrk.format("POST", "/bench/bare-vote/", headers,
      "statement=" .. statement .. "&participant=" .. person[1] .. "&value=" .. value)
  end
  local path = "/consultations/{fixture["consultation"]}/statements/" .. statement .. "/vote/"
  return wrk.format("POST", path, {{
    ["Content-Type"] = form,
    ["Cookie"] = person[2],
    ["X-CSRFToken"] = person[3],
    ["X-Forwarded-Proto"] = "https",
    ["Origin"] = "https://127.0.0.1:{port}",
    ["Referer"] = "https://127.0.0.1:{port}/",
  }}, "value=" .. value)
end

function response(status, headers, body)
  if status ~= expected then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
  local errors = summary.errors
  local wrong = 0
  for _, thread in ipairs(threads) do wrong = wrong + thread:get("unexpected") end
  io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d errors=%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    wrong + errors.connect + errors.read + errors.write + errors.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class gunicorn:
    """gunicorn serving the platform in production mode for the duration of a `with` block."""

    def __init__(self, port: int):
        self.port = port

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={WORKERS}",
                "--backlog=2048",
            ],
            cwd=ROOT,
            env={**os.environ, **ENVIRONMENT},
        )
        # The master listens before its workers have loaded the application: wait for an answer.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urlopen(f"http://127.0.0.1:{self.port}/health/live/", timeout=5):
                    return self
            except (OSError, URLError):
                time.sleep(0.2)
        self.__exit__()
        sys.exit("gunicorn did not answer")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def wrk(url: str, script: Path, mode: str, *, seconds: int) -> dict:
    run = subprocess.run(
        ["wrk", "-t2", f"-c{VOTERS}", f"-d{seconds}s", "--latency", "-s", str(script), url, "--", mode],
        capture_output=True,
        text=True,
    )
    if run.returncode or "RESULT" not in run.stdout:
        sys.exit(f"wrk failed:\n{run.stdout}\n{run.stderr}")
    output = run.stdout
    found = dict(re.findall(r"(\w+)=(\d+)", output.split("RESULT", 1)[1]))
    numbers = {key: int(value) for key, value in found.items()}
    return {
        "rate": numbers["requests"] / (numbers["duration_us"] / 1e6),
        "p50_ms": numbers["p50_us"] / 1000,
        "p99_ms": numbers["p99_us"] / 1000,
        "errors": numbers["errors"],
        "requests": numbers["requests"],
    }


def pgbench(fixture: dict, folder: Path) -> float:
    people = [pk for pk, _cookie, _csrf in fixture["participants"]]
    statements = fixture["statements"]
    script = folder / "upsert.sql"
    script.write_text(
        f"\\set s random({min(statements)}, {max(statements)})\n"
        f"\\set p random({min(people)}, {max(people)})\n"
        "\\set v random(-1, 1)\n"
        "INSERT INTO consultations_vote (statement_id, participant_id, value, created_at, updated_at) "
        "VALUES (:s, :p, :v, now(), now()) ON CONFLICT (statement_id, participant_id) "
        "DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at;\n"
    )
    parts = urlsplit(DATABASE_URL)
    output = subprocess.run(
        [
            "pgbench", "-n", f"-c{VOTERS}", "-j2", f"-T{SECONDS}", "-f", str(script),
            "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432),
            "-U", parts.username or "postgres", parts.path.lstrip("/"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout  # fmt: skip
    return float(re.search(r"tps = ([\d.]+)", output).group(1))


def vote_rows() -> int:
    from consultations.models import Vote

    return Vote.objects.count()


if __name__ == "__main__":
    sys.exit(main())
