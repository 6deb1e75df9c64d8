"""`make bench-pages`: how fast the public pages render, with the demo content ×100.

Setup (not timed): a fresh database (BENCH_PAGES_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/concerto_pages, dropped and recreated) gets the migrations and
`manage.py demo_load`; then each of the demo's consultation, call, outcome and news pages is copied
BENCH_COPIES − 1 times (default 100 in all), so the home page lists 100 open consultations and 100 open
calls, the news index pages through 200 news, and the site map lists every page. The demo's first
participant also contributes (a statement, an idea, a vote, a comment) in every copy.

Timed: the pages served as in production — gunicorn (BENCH_WORKERS workers, default 3) with
`DJANGO_ENV=production` on PostgreSQL and Redis (BENCH_PAGES_REDIS_URL, default
redis://127.0.0.1:6379/10, flushed), static files collected, a proxy's `X-Forwarded-Proto: https`
header — for an anonymous visitor, except the contributions page (/consultations/mine/), seen as that
participant. Besides the pages of the tree: a consultation's ideas, a call's laureates, the commons'
catalogue and an initiative, the search (a few words in turn). Per page type, BENCH_REQUESTS requests
(default 200, after 20 of warm-up) one at a time, each to one of the copies in turn, so the measure is
the latency of one page on an idle server rather than under load. One line per page type reads
`page=<type> p50_ms=<..> p95_ms=<..>`, or `page=<type> not-run` when the demo has no such page; target:
p50 under 50 ms.
"""

import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.databases import database_recreate  # noqa: E402

DATABASE_URL = os.environ.get("BENCH_PAGES_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/concerto_pages")
REDIS_URL = os.environ.get("BENCH_PAGES_REDIS_URL", "redis://127.0.0.1:6379/10")
COPIES = int(os.environ.get("BENCH_COPIES", "100"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
WARM_UP = 20

COMMON = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "LOG_LEVEL": "WARNING",
    # The same key in the setup (development settings) and the server: the participant's session is
    # signed in the first and read in the second.
    "DJANGO_SECRET_KEY": "bench-pages-" + "x" * 50,
}
PRODUCTION = {**COMMON, "DJANGO_ENV": "production", "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
# Words the search page is asked, in turn: each finds results among the copies, and what comes first
# (the kind of the first card) is checked before timing, so the benchmark times searches that work.
SEARCHES = {"télétravail": "consultation", "tiers-lieux": "call", "écran": "idea", "agents": "consultation"}
# Page types seen signed in, as the participant the setup gives contributions in every copy.
SIGNED_IN = {"contributions"}


def main() -> None:
    database_recreate(DATABASE_URL, REDIS_URL)
    subprocess.run([sys.executable, __file__, "--setup"], cwd=ROOT, env={**os.environ, **COMMON}, check=True)
    production = {**os.environ, **PRODUCTION}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=production,
        check=True,
    )
    urls = page_urls()
    port = free_port()
    session = urls.pop("_session")
    for kind in [kind for kind, addresses in urls.items() if not addresses]:
        print(f"page={kind} not-run (the demo has none)", flush=True)  # laureates, initiatives
        del urls[kind]
    with gunicorn(port, production):
        search_check(port, urls.get("search", []))
        for kind, addresses in urls.items():
            cookie = session if kind in SIGNED_IN else None
            for index in range(WARM_UP):
                fetch(port, addresses[index % len(addresses)], cookie)
            timings = sorted(
                fetch(port, addresses[index % len(addresses)], cookie) for index in range(REQUESTS)
            )
            p50 = statistics.median(timings)
            p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
            print(f"page={kind} p50_ms={p50:.1f} p95_ms={p95:.1f}  ({len(addresses)} pages)", flush=True)


def setup() -> None:
    """Migrations, the demo, and its pages copied (development settings: demo_load refuses production)."""
    os.environ["DJANGO_ENV"] = "development"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from calls.models import CallPage
    from cms.models import NewsPage, OutcomePage
    from consultations.models import ConsultationPage

    call_command("migrate", verbosity=0)
    call_command("demo_load", stdout=open(os.devnull, "w"))  # noqa: SIM115
    started = time.monotonic()
    for model in (ConsultationPage, CallPage, OutcomePage, NewsPage):
        for original in list(model.objects.live()):
            for copy in range(1, COPIES):
                original.copy(
                    update_attrs={"slug": f"{original.slug}-{copy}", "title": f"{original.title} ({copy})"},
                    keep_live=True,
                    copy_revisions=False,
                    log_action=None,
                )
    participant_contribute_everywhere()
    print(f"setup: demo content ×{COPIES} in {time.monotonic() - started:.0f} s", flush=True)


def participant_contribute_everywhere() -> None:
    """The demo's first participant (an answer, a statement, votes, a comment on the original) also
    submits a statement, an idea, a vote and a comment in every copy: their contributions page lists
    each consultation."""
    from accounts.models import User
    from consultations.models import Comment, ConsultationPage, Idea, Statement, Vote

    person, other = User.objects.filter(email__startswith="participant0").order_by("email")[:2]
    for consultation in ConsultationPage.objects.live().exclude(statements__author=person):
        Statement.objects.create(consultation=consultation, author=person, text="Une proposition")
        theirs = Statement.objects.create(consultation=consultation, author=other, text="Une autre")
        Vote.objects.create(statement=theirs, participant=person, value=1)
        idea = Idea.objects.create(consultation=consultation, author=person, title="Une idée", text="…")
        Comment.objects.create(
            consultation=consultation, idea=idea, author=person, stance="for", text="Un commentaire"
        )


def page_urls() -> dict[str, list[str]]:
    """The addresses to request, per page type, read from the database in production settings."""
    code = (
        "import json\n"
        "from cms.models import AccessibilityStatementPage, NewsIndexPage, NewsPage, OutcomePage\n"
        "from cms.models import SitemapPage\n"
        "from calls.models import CallPage\n"
        "from consultations.models import ConsultationPage\n"
        "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY\n"
        "from django.contrib.sessions.backends.cached_db import SessionStore\n"
        "from django.urls import reverse\n"
        "from urllib.parse import quote\n"
        "from accounts.models import User\n"
        "from calls.models import Project\n"
        "from commons.models import Initiative\n"
        "def urls(model): return [page.url for page in model.objects.live().order_by('pk')]\n"
        "consultations = ConsultationPage.objects.live().order_by('pk')\n"
        "person = User.objects.get(email__startswith='participant01@')\n"
        "session = SessionStore()\n"
        "session.update({SESSION_KEY: str(person.pk), HASH_SESSION_KEY: person.get_session_auth_hash(),\n"
        "  BACKEND_SESSION_KEY: 'accounts.backends.AuthenticationBackend'})\n"
        "session.create()\n"
        "calls = Project.objects.laureates().values_list('call_id', flat=True).distinct()\n"
        "print(json.dumps({'home': ['/'], 'consultation': urls(ConsultationPage), 'call': urls(CallPage),\n"
        "  'outcome': urls(OutcomePage), 'news_index': urls(NewsIndexPage), 'news': urls(NewsPage),\n"
        "  'accessibility': urls(AccessibilityStatementPage), 'sitemap': urls(SitemapPage),\n"
        "  'ideas': [reverse('idea_list', args=[c.pk]) for c in consultations if c.ideas_enabled],\n"
        "  'laureates': [reverse('calls_laureates', args=[pk]) for pk in calls],\n"
        "  'commons': [reverse('commons_initiative_list')],\n"
        "  'initiative': [i.get_absolute_url() for i in Initiative.objects.published().order_by('pk')],\n"
        f"  'search': [reverse('search') + '?q=' + quote(w) for w in {list(SEARCHES)!r}],\n"
        "  'contributions': [reverse('my_contributions')],\n"
        "  '_session': session.session_key}))\n"
    )
    import json

    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={**os.environ, **COMMON, "DJANGO_ENV": "development"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def fetch(port: int, path: str, session: str | None = None) -> float:
    """Milliseconds to get the whole page; stops the benchmark on anything but a 200."""
    headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
    if session:
        headers["Cookie"] = f"sessionid={session}"
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    connection.close()
    if response.status != 200:
        sys.exit(f"GET {path} answered {response.status}")
    return elapsed


def search_check(port: int, addresses: list[str]) -> None:
    """Each search the benchmark times finds something, and the expected kind comes first (an open
    consultation before an old outcome page): stops the benchmark otherwise."""
    for path, expected in zip(addresses, SEARCHES.values(), strict=True):
        body = page_body(port, path)
        kinds = re.findall(r'<li class="card card-([a-z]+)"', body)
        if not kinds:
            sys.exit(f"GET {path} found nothing: the benchmark would time an empty search")
        if kinds[0] != expected:
            sys.exit(f"GET {path}: the first result is a {kinds[0]}, expected a {expected}")
        print(f"search check: {path} → {len(kinds)} cards on the first page, a {kinds[0]} first", flush=True)


def page_body(port: int, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", path, headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https"})
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    if response.status != 200:
        sys.exit(f"GET {path} answered {response.status}")
    return body


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class gunicorn:
    """gunicorn serving the platform in production mode for the duration of a `with` block."""

    def __init__(self, port: int, environment: dict):
        self.port = port
        self.environment = environment

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={WORKERS}",
            ],
            cwd=ROOT,
            env=self.environment,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        sys.exit("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


if __name__ == "__main__":
    if sys.argv[1:] == ["--setup"]:
        setup()
    else:
        main()
