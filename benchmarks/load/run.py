"""`make bench-load`: the platform under a realistic mix of visitors and participants, as in production.

Setup (not timed), on a database it drops and recreates (BENCH_LOAD_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/concerto_bench_load) and a Redis database it flushes
(BENCH_LOAD_REDIS_URL, default redis://127.0.0.1:6379/11):
- the migrations and `manage.py demo_load`, then each consultation, call, outcome and news page of the
  demo copied to BENCH_LOAD_COPIES in all (default 100, as `make bench-pages`);
- on the first BENCH_LOAD_HOT consultations (default 10, the demo's and 9 copies): 100 statements,
  40 ideas with supports and comments each, and prior votes;
- BENCH_LOAD_ACCOUNTS participants (default 2000) with a verified address, each signed in by a session
  written the way Django's `login()` writes it (user id, backend, password hash) — not through the
  sign-in form, whose password hashing would be the whole setup — and a CSRF token.

Timed: gunicorn (the Procfile's command; BENCH_LOAD_WORKERS workers, default 4) with
`DJANGO_ENV=production` and a Celery worker (concurrency 1) on PostgreSQL and Redis, behind what a
proxy would send (`X-Forwarded-Proto: https`, which the production settings trust, so SSL redirect and
secure cookies stay on). Locust (headless, `benchmarks/load/locustfile.py`) runs BENCH_LOAD_USERS
simulated people (default 50) who together offer BENCH_LOAD_RPS requests a second (default 200): they
browse, read reports, answer questionnaires, vote, support ideas and comment. Each action is made by an
account drawn from the pool, so no account reaches the production rate limits, which stay as they are.
After a warm-up (BENCH_LOAD_WARMUP seconds, default 15; statistics reset), BENCH_LOAD_SECONDS (default
60) are measured. Printed: one line per request kind (count, p50, p95, p99 in ms), then
`rps=<..> p99_ms=<..> errors=<..>`. Target on 2 cores, load generator included: rps 200, p99 under
300 ms, no errors (anything but the expected status is an error, including 429): the run fails (exit
status 1) on any error, or when no request was answered.

Everything started is stopped at the end, on failure and on Ctrl-C too.
"""

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.databases import database_recreate, sessions_write  # noqa: E402

BIN = Path(sys.executable).parent
DATABASE_URL = os.environ.get(
    "BENCH_LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/concerto_bench_load"
)
REDIS_URL = os.environ.get("BENCH_LOAD_REDIS_URL", "redis://127.0.0.1:6379/11")
COPIES = int(os.environ.get("BENCH_LOAD_COPIES", "100"))
HOT = int(os.environ.get("BENCH_LOAD_HOT", "10"))
ACCOUNTS = int(os.environ.get("BENCH_LOAD_ACCOUNTS", "2000"))
WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", "4"))
USERS = int(os.environ.get("BENCH_LOAD_USERS", "50"))
RPS = float(os.environ.get("BENCH_LOAD_RPS", "200"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
WARMUP = int(os.environ.get("BENCH_LOAD_WARMUP", "15"))
# Reuse the database of a previous run (for profiling and iterating; the default recreates it).
REUSE = os.environ.get("BENCH_LOAD_REUSE") == "1"
STATEMENTS_PER = 100
IDEAS_PER = 40
VOTES_PER_ACCOUNT = 10  # prior votes per account and hot consultation

COMMON = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    # The same key in the setup (development settings) and in production: sessions are signed with it.
    "DJANGO_SECRET_KEY": "bench-load-" + "x" * 50,
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "LOG_LEVEL": "WARNING",
}
PRODUCTION = {
    **COMMON,
    "DJANGO_ENV": "production",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
}
# What the load acts on (ids, addresses, answers, sessions), per database.
FIXTURE = ROOT / "var" / "bench-load" / f"{urlsplit(DATABASE_URL).path.lstrip('/')}.json"


def main() -> int:
    started: list[subprocess.Popen] = []
    # Ctrl-C and a SIGTERM both go through the `finally` below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        if not (REUSE and FIXTURE.exists()):
            database_recreate(DATABASE_URL, REDIS_URL)
            subprocess.run(
                [sys.executable, __file__, "--setup"], cwd=ROOT, env={**os.environ, **COMMON}, check=True
            )
        # Mail (the receipts the worker sends) goes to a local SMTP server that prints and forgets it.
        smtp = free_port()
        started.append(
            start(
                [
                    sys.executable,
                    "-W",
                    "ignore",
                    "-m",
                    "smtpd",
                    "-n",
                    "-c",
                    "DebuggingServer",
                    f"127.0.0.1:{smtp}",
                ],
                os.environ,
                quiet=True,
            )
        )
        production = {**os.environ, **PRODUCTION, "EMAIL_URL": f"smtp://127.0.0.1:{smtp}"}
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
            cwd=ROOT,
            env=production,
            check=True,
        )
        port = free_port()
        # The Procfile's commands, with the benchmark's sizes.
        web = start(
            [str(BIN / "gunicorn"), "config.wsgi", f"--bind=127.0.0.1:{port}", f"--workers={WORKERS}"],
            production,
        )
        started.append(web)
        worker = start(
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--loglevel",
                "WARNING",
                "--concurrency",
                "1",
            ],
            production,
        )
        started.append(worker)
        wait_for(port)
        warm(port)
        print(f"load: {USERS} users offering {RPS:g} req/s, {WARMUP} s warm-up then {SECONDS} s", flush=True)
        with tempfile.TemporaryDirectory() as directory:
            prefix = str(Path(directory) / "load")
            # All users start at once (spawn rate = users); the warm-up's figures are then dropped.
            locust = start(
                [
                    str(BIN / "locust"),
                    "-f",
                    str(Path(__file__).with_name("locustfile.py")),
                    "--headless",
                    "--only-summary",
                    "--loglevel=WARNING",
                    f"--users={USERS}",
                    f"--spawn-rate={USERS}",
                    f"--run-time={WARMUP + SECONDS}s",
                    f"--host=http://127.0.0.1:{port}",
                    f"--csv={prefix}",
                    "--stop-timeout=10",
                ],
                {
                    **os.environ,
                    "BENCH_LOAD_FIXTURE": str(FIXTURE),
                    "BENCH_LOAD_THROUGHPUT": str(RPS / USERS),
                    "BENCH_LOAD_WARMUP": str(WARMUP),
                },
            )
            started.append(locust)
            parts = {
                "web (gunicorn)": web.pid,
                "worker (celery)": worker.pid,
                "load generator (locust)": locust.pid,
            }
            time.sleep(WARMUP)
            before = cpu_seconds(parts)
            time.sleep(SECONDS)
            after = cpu_seconds(parts)
            locust.wait()
            return summarise(prefix + "_stats.csv", {name: after[name] - before[name] for name in after})
    finally:
        for process in reversed(started):
            stop(process)


def start(command: list[str], environment: dict, quiet: bool = False) -> subprocess.Popen:
    """A process in its own group, so that stopping it stops its children (gunicorn's, Celery's)."""
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=environment,
        start_new_session=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        # The leader only: gunicorn's and Celery's masters stop their workers cleanly.
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not start")


def warm(port: int) -> None:
    """A few requests of each page type per worker before the load: a fresh worker's first page loads
    templates, catalogues and URL patterns (seconds, on a busy machine), which is no steady state."""
    import http.client

    fixture = json.loads(FIXTURE.read_text())
    consultation = fixture["consultations"][0]
    paths = [
        "/",
        consultation["url"],
        f"/consultations/{consultation['id']}/ideas/",
        f"/consultations/{consultation['id']}/ideas/{consultation['ideas'][0]}/",
        fixture["pages"]["call"][0],
        fixture["pages"]["outcome"][0],
        fixture["pages"]["news"][0],
    ]
    for _ in range(2 * WORKERS):
        for path in paths:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            connection.request("GET", path, headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https"})
            response = connection.getresponse()
            response.read()
            connection.close()
            if response.status != 200:
                sys.exit(f"warm-up: GET {path} answered {response.status}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cpu_seconds(parts: dict[str, int]) -> dict[str, float]:
    """CPU seconds used so far (user and system) by each part: the processes of each session started
    here (gunicorn's master and workers, Celery's, locust), PostgreSQL's backends serving the benchmark's
    database (and those that ended, counted by the server's main process), Redis, and the whole machine
    (from /proc/stat), so that what is left ("other") shows whatever else was running."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = dict.fromkeys(parts, 0.0) | {"database (postgres)": 0.0, "cache and broker (redis)": 0.0}
    sessions = {pid: name for name, pid in parts.items()}
    database = urlsplit(DATABASE_URL).path.lstrip("/")
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            command = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # the process ended meanwhile
        fields = stat[stat.rindex(")") + 2 :].split()
        seconds = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        if int(fields[3]) in sessions:  # the session id
            used[sessions[int(fields[3])]] += seconds
        elif command.startswith("postgres: ") and f" {database} " in command:
            used["database (postgres)"] += seconds
        elif name == "postgres" and not command.startswith("postgres: "):
            # The server's main process: what its backends used once they ended (Django closes a
            # connection after DATABASE_CONN_MAX_AGE, so backends come and go during the run).
            used["database (postgres)"] += (int(fields[13]) + int(fields[14])) / ticks  # cutime, cstime
        elif name.startswith("redis-server"):
            used["cache and broker (redis)"] += seconds
    machine = Path("/proc/stat").read_text().split("\n")[0].split()[1:]
    used["machine"] = (sum(int(value) for value in machine) - int(machine[3]) - int(machine[4])) / ticks
    return used


def summarise(path: str, cpu: dict[str, float]) -> int:
    """The per-kind table, where the CPU went, then the one-line verdict, from locust's CSV (after the
    warm-up's reset); 1 when a request failed or none was answered, else 0 (the exit status)."""
    with open(path, newline="") as stats:
        rows = list(csv.DictReader(stats))
    kinds = [row for row in rows if row["Name"] != "Aggregated"]
    total = next(row for row in rows if row["Name"] == "Aggregated")
    width = max(len(row["Name"]) for row in kinds)
    print(f"{'kind':<{width}}  {'count':>6}  {'p50_ms':>7}  {'p95_ms':>7}  {'p99_ms':>7}  errors")
    for row in sorted(kinds, key=lambda row: -float(row["99%"] if row["99%"] != "N/A" else 0)):
        print(
            f"{row['Name']:<{width}}  {row['Request Count']:>6}  {row['50%']:>7}  {row['95%']:>7}  "
            f"{row['99%']:>7}  {row['Failure Count']}"
        )
    requests = int(total["Request Count"]) or 1
    machine = cpu.pop("machine")
    cpu["other (rest of the machine)"] = machine - sum(cpu.values())
    print(f"\n{'cpu':<{width}}  {'cores':>6}  {'ms/req':>7}")
    for name, seconds in cpu.items():
        print(f"{name:<{width}}  {seconds / SECONDS:6.2f}  {seconds * 1000 / requests:7.2f}")
    print(f"{'all':<{width}}  {machine / SECONDS:6.2f}  {machine * 1000 / requests:7.2f}\n")
    print(
        f"rps={float(total['Requests/s']):.1f} p99_ms={total['99%']} errors={total['Failure Count']}",
        flush=True,
    )
    return 1 if int(total["Failure Count"]) or not int(total["Request Count"]) else 0


def setup() -> None:
    """Migrations, the demo ×COPIES, hot consultations with contributions, signed-in accounts.

    Development settings: `demo_load` refuses production.
    """
    os.environ["DJANGO_ENV"] = "development"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from calls.models import CallPage
    from cms.models import NewsPage, OutcomePage
    from consultations.models import ConsultationPage

    began = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("demo_load", stdout=open(os.devnull, "w"))  # noqa: SIM115
    copies = {}  # (consultation id, copy number): the consultation's copy
    for model in (ConsultationPage, CallPage, OutcomePage, NewsPage):
        for original in list(model.objects.live()):
            for copy in range(1, COPIES):
                made = original.copy(
                    update_attrs={"slug": f"{original.slug}-{copy}", "title": f"{original.title} ({copy})"},
                    keep_live=True,
                    copy_revisions=False,
                    log_action=None,
                )
                if model is ConsultationPage:
                    copies[original.pk, copy] = made.pk
                elif model is OutcomePage:
                    # Each copy is listed on its own consultation's copy, as on a real site (one or two
                    # outcome pages per consultation, not a hundred on the demo's). It keeps the figures
                    # of the original's report version: the copies have no report of their own.
                    OutcomePage.objects.filter(pk=made.pk).update(
                        consultation_id=copies[original.consultation_id, copy]
                    )
    accounts = accounts_create()
    hot = list(ConsultationPage.objects.live().order_by("pk")[:HOT])
    consultations = [contributions_create(consultation, accounts) for consultation in hot]
    fixture = {
        "accounts": sessions_create(accounts),
        "consultations": consultations,
        "pages": page_urls(),
    }
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_text(json.dumps(fixture))
    print(
        f"setup: demo ×{COPIES}, {HOT} busy consultations, {ACCOUNTS} accounts in "
        f"{time.monotonic() - began:.0f} s",
        flush=True,
    )


def accounts_create() -> list:
    from allauth.account.models import EmailAddress

    from accounts.models import User

    users = User.objects.bulk_create(
        User(email=f"charge{n}@example.org", pseudonym=f"Charge {n}", password="!") for n in range(ACCOUNTS)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
    )
    return users


def contributions_create(consultation, accounts: list) -> dict:
    """Statements, ideas, supports, comments and prior votes on `consultation`; what the load acts on."""
    import random

    from django.http import QueryDict

    from consultations.forms import ResponseForm
    from consultations.models import Comment, Idea, Statement, Support, Vote

    generator = random.Random(consultation.pk)  # noqa: S311 — benchmark data
    statements = Statement.objects.bulk_create(
        Statement(
            consultation=consultation,
            author=generator.choice(accounts),
            text=f"Proposition n° {n} : deux jours de télétravail par semaine pour tous les agents.",
        )
        for n in range(STATEMENTS_PER)
    )
    ideas = Idea.objects.bulk_create(
        Idea(
            consultation=consultation,
            author=generator.choice(accounts),
            title=f"Idée n° {n} : des bureaux partagés près des gares",
            text="Des espaces de travail partagés entre administrations, ouverts aux agents en "
            "télétravail qui n'ont pas de place au calme chez eux. " * 3,
        )
        for n in range(IDEAS_PER)
    )
    Support.objects.bulk_create(
        Support(idea=idea, supporter=supporter)
        for idea in ideas
        for supporter in generator.sample(accounts, k=generator.randint(0, min(60, len(accounts))))
    )
    Comment.objects.bulk_create(
        Comment(
            consultation=consultation,
            idea=idea,
            author=generator.choice(accounts),
            stance=generator.choice(["for", "against", "neutral"]),
            text="Bonne idée, à condition que les locaux soient accessibles en transports.",
        )
        for idea in ideas
        for _ in range(generator.randint(0, 8))
    )
    Vote.objects.bulk_create(
        Vote(statement=statement, participant=account, value=generator.choice([1, 1, -1, 0]))
        for account in accounts
        for statement in generator.sample(statements, k=VOTES_PER_ACCOUNT)
    )
    answers = answers_post(consultation.question_list)
    form = ResponseForm(QueryDict(answers), questions=consultation.question_list)
    if not form.is_valid():
        raise SystemExit(f"the load's answers are refused: {form.errors.as_text()}")
    return {
        "id": consultation.pk,
        "url": consultation.url,
        "statements": [statement.pk for statement in statements],
        "ideas": [idea.pk for idea in ideas],
        "answers": answers,
    }


def answers_post(questions) -> str:
    """A complete, valid questionnaire as the form posts it (form-encoded; an answer of each kind)."""
    from urllib.parse import urlencode

    from consultations.forms import field_name

    data = {}
    for question in questions:
        name = field_name(question)
        kind = question.kind
        if kind in ("single_choice", "yes_no", "age_band"):
            data[name] = str(next(iter(question.all_choices))[0])
        elif kind == "multiple_choice":
            data[name] = [str(next(iter(question.all_choices))[0])]
        elif kind == "ranking":
            for rank, (choice_id, _label) in enumerate(question.choices, start=1):
                data[f"{name}_{choice_id}"] = str(rank)
        elif kind in ("scale", "number"):
            data[name] = str(int(question.min_value if question.min_value is not None else 1))
        else:
            data[name] = "Réponse envoyée par le banc de charge."
    return urlencode(data, doseq=True)


def sessions_create(accounts: list) -> list[dict]:
    """A session per account, as `django.contrib.auth.login` stores it, and a CSRF token."""
    return [{"cookie": cookie, "csrf": csrf} for _user, cookie, csrf in sessions_write(accounts)]


def page_urls() -> dict[str, list[str]]:
    from calls.models import CallPage
    from cms.models import NewsPage, OutcomePage
    from consultations.models import ConsultationPage

    def urls(model):
        return [page.url for page in model.objects.live().order_by("pk")]

    return {
        "consultation": urls(ConsultationPage),
        "call": urls(CallPage),
        "outcome": urls(OutcomePage),
        "news": urls(NewsPage),
    }


if __name__ == "__main__":
    if sys.argv[1:] == ["--setup"]:
        setup()
    else:
        sys.exit(main())
