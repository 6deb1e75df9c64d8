"""Scripted check: PostgreSQL restarted under a small load. Prints PASS or FAIL (exit status 0 or 1).

Starts a private PostgreSQL cluster (initdb + pg_ctl on a free port, in a temporary folder; run as the
`postgres` user when this script runs as root), migrates it, serves the site with gunicorn on it, and has
a signed-in participant vote and answer in a loop while the cluster is restarted (`pg_ctl restart -m
fast`). Passes when: no request got a 500; every 503 carried Retry-After; requests succeed again after
the restart; and the database holds no partial write (every sent response has its answers, one vote row
per statement). The machine's own PostgreSQL is never touched.

    .venv/bin/python scripts/fault_postgres_restart.py
"""

import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS, RESTART_AT = 25, 8


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_binary(name: str) -> str:
    for folder in ("/usr/local/bin", *sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)):
        if (Path(folder) / name).exists():
            return str(Path(folder) / name)
    found = shutil.which(name)
    if not found:
        sys.exit(f"FAIL: {name} not found")
    return found


def as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def manage(env, *args, **kwargs):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs)


def setup_data(env) -> dict:
    code = """
import json
from django.test import Client
from accounts.models import Organisation
from consultations.models import Statement
from tests.factories import UserFactory, consultation_create, form_data
organisation = Organisation.objects.create(name="Check")
consultation = consultation_create(organisation=organisation, statements_enabled=True)
author = UserFactory()
statements = [
    Statement.objects.create(consultation=consultation, author=author, text=f"S {i}") for i in range(5)
]
user = UserFactory(language="en")
client = Client()
client.force_login(user)
print(json.dumps({
    "page": consultation.url,
    "votes": [f"/consultations/{consultation.pk}/statements/{s.pk}/vote/" for s in statements],
    "form": form_data(consultation),
    "session": client.cookies["sessionid"].value,
}))
"""
    out = manage(env, "shell", "-c", code, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="concerto-pg-"))
    data, port, web_port = folder / "data", free_port(), free_port()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    pg_ctl = as_postgres([pg_binary("pg_ctl"), "-D", str(data), "-l", str(folder / "pg.log"), "-w"])
    subprocess.run(as_postgres([pg_binary("initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]),
                   check=True, capture_output=True)  # fmt: skip
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
    subprocess.run([*pg_ctl, "-o", options, "start"], check=True, capture_output=True)
    gunicorn = None
    try:
        subprocess.run(as_postgres([pg_binary("createdb"), "-h", "127.0.0.1", "-p", str(port), "concerto"]),
                       check=True)  # fmt: skip
        env = {
            key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "CELERY_BROKER_URL")
        }
        env.update(
            DJANGO_ENV="development", DJANGO_DEBUG="false", DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/concerto",
            CONCERTO_VAR_DIR=str(folder / "var"), EMAIL_URL="dummymail://",
        )  # fmt: skip
        print("migrating the private cluster…", flush=True)
        manage(env, "migrate", "--no-input", capture_output=True)
        site = setup_data(env)
        with open(folder / "gunicorn.log", "w") as log:
            gunicorn = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{web_port}", "-w", "2"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
            )  # fmt: skip
        base = f"http://127.0.0.1:{web_port}"
        cookies = {"sessionid": site["session"], "django_language": "en"}

        def request(path, data=None):
            body = urllib.parse.urlencode(data).encode() if data is not None else None
            headers = {
                "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
                "X-CSRFToken": cookies.get("csrftoken", ""),
            }
            req = urllib.request.Request(base + path, data=body, headers=headers)  # noqa: S310
            try:
                with urllib.request.urlopen(req, timeout=30) as response:  # noqa: S310 (http only)
                    status, headers = response.status, response.headers
            except urllib.error.HTTPError as error:
                status, headers = error.code, error.headers
            except OSError:
                return 0, {}
            for header in headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                if name in ("csrftoken", "sessionid"):
                    cookies[name] = rest.split(";", 1)[0]
            return status, headers

        deadline = time.monotonic() + 120  # gunicorn boots Django (slow on a busy machine)
        while (status := request(site["page"])[0]) != 200:
            if time.monotonic() > deadline:
                print(f"FAIL: the site did not start (last status {status})")
                return 1
            time.sleep(0.5)
        outcomes, restart = [], {}
        started = time.monotonic()

        def restart_postgres():
            # In the background: the participant keeps sending requests while the server is down.
            print("restarting PostgreSQL…", flush=True)
            restart["began"] = time.monotonic() - started
            subprocess.run([*pg_ctl, "-o", options, "-m", "fast", "restart"], check=True, capture_output=True)
            restart["ended"] = time.monotonic() - started

        threading.Timer(RESTART_AT, restart_postgres).start()
        while time.monotonic() - started < SECONDS:
            request(site["page"])
            vote = {"value": random.choice(["-1", "0", "1"])}  # noqa: S311 (not a secret)
            status, headers = request(random.choice(site["votes"]), vote)  # noqa: S311
            outcomes.append((time.monotonic() - started, "vote", status, headers.get("Retry-After")))
            status, headers = request(site["page"], site["form"])
            outcomes.append((time.monotonic() - started, "answer", status, headers.get("Retry-After")))
        if "ended" not in restart:
            print("FAIL: PostgreSQL did not restart in time")
            return 1
        print(f"PostgreSQL down from {restart['began']:.1f}s to {restart['ended']:.1f}s", flush=True)
        return verdict(env, outcomes, restart["ended"])
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=20)
        subprocess.run([*pg_ctl, "stop", "-m", "fast"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def verdict(env, outcomes, restarted) -> int:
    """PASS or FAIL from the statuses seen and what the database holds."""
    counts = {}
    for _moment, _kind, status, _retry in outcomes:
        counts[status] = counts.get(status, 0) + 1
    print("statuses:", dict(sorted(counts.items())))
    failures = []
    if any(status == 0 or (status >= 500 and status != 503) for _m, _k, status, _r in outcomes):
        failures.append("a request got a server error other than 503 (or no answer)")
    if any(status == 503 and retry != "60" for _m, _k, status, retry in outcomes):
        failures.append("a 503 without Retry-After")
    after = [status for moment, _kind, status, _retry in outcomes if moment > restarted + 5]
    # 429: the participant's own rate limits (answers: 20 a minute), a served response like any other.
    if 200 not in after or any(status not in (200, 302, 429) for status in after[-6:]):
        failures.append("requests did not succeed again after the restart")
    check = """
from consultations.models import Response, Vote
from django.db.models import Count
print(Response.objects.filter(status="submitted").annotate(n=Count("answers")).filter(n=0).count(),
      Vote.objects.values("statement", "participant").annotate(n=Count("id")).filter(n__gt=1).count())
"""
    partial, doubled = manage(env, "shell", "-c", check, capture_output=True, text=True).stdout.split()[-2:]
    if partial != "0":
        failures.append(f"{partial} sent response(s) without answers")
    if doubled != "0":
        failures.append("duplicate vote rows")
    if failures:
        print("FAIL:", "; ".join(failures))
        return 1
    print(f"PASS: {len(outcomes)} requests, {counts.get(503, 0)} answered 503 during the restart, none 500")
    return 0


if __name__ == "__main__":
    sys.exit(main())
