# ruff: noqa: S311 — random picks of benchmark traffic, not security
"""The mix that `make bench-load` drives (benchmarks/load/run.py prepares the data and reads the figures).

Each simulated person offers BENCH_LOAD_THROUGHPUT actions a second. An action is one request, named by
its kind in the figures. Reading is most of it, as on a live consultation: the home page, a
consultation (anonymous, or signed in: the questionnaire and the statement deck are then personal), a
call, an outcome page with its report figures, a news item, the ideas and statements, an idea with its
comments; then the contributions: a vote on a statement and a support (the page's script, JSON), the
next statement card, a questionnaire answered, a comment. Contributions are made by an account drawn
from the pool each time, which spreads them under the per-account rate limits. A status other than the
expected one (a 429 included) is an error.

The requests carry what the proxy in front of production adds (`X-Forwarded-Proto: https`) and what a
browser sends with a form (`Origin`, the CSRF cookie and token).
"""

import json
import os
import random

import gevent
from locust import FastHttpUser, constant_throughput, events, task

FIXTURE = json.loads(open(os.environ["BENCH_LOAD_FIXTURE"]).read())  # noqa: SIM115
ACCOUNTS = FIXTURE["accounts"]
CONSULTATIONS = FIXTURE["consultations"]
PAGES = FIXTURE["pages"]
WARMUP = float(os.environ.get("BENCH_LOAD_WARMUP", "15"))


@events.test_start.add_listener
def warm_up_then_reset(environment, **_kwargs):
    """Figures count from the end of the warm-up (caches filled, connections open)."""

    def reset():
        gevent.sleep(WARMUP)
        environment.stats.reset_all()

    gevent.spawn(reset)


class Person(FastHttpUser):
    wait_time = constant_throughput(float(os.environ.get("BENCH_LOAD_THROUGHPUT", "4")))

    def on_start(self):
        # Cookies are sent per action (the account drawn), never kept between actions.
        self.client.client.cookiejar = None
        self.origin = self.host.replace("http://", "https://")

    def _headers(self, account=None, **extra) -> dict:
        headers = {"X-Forwarded-Proto": "https", **extra}
        if account is not None:
            headers["Cookie"] = account["cookie"]
        return headers

    def _get(self, url: str, name: str, account=None, expect=200):
        with self.client.get(
            url, name=name, headers=self._headers(account), allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code} instead of {expect}")

    def _post(self, url: str, name: str, data: dict | str, expect: int, json_answer=False):
        account = random.choice(ACCOUNTS)
        headers = self._headers(
            account,
            **{"Content-Type": "application/x-www-form-urlencoded"},
            Origin=self.origin,
            Referer=self.origin + url,
            **{"X-CSRFToken": account["csrf"]},
            **({"Accept": "application/json"} if json_answer else {}),
        )
        with self.client.post(
            url, name=name, data=data, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code} instead of {expect}")

    # Reading

    @task(12)
    def home(self):
        self._get("/", "GET home")

    @task(10)
    def consultation_anonymous(self):
        self._get(random.choice(CONSULTATIONS)["url"], "GET consultation (visitor)")

    @task(10)
    def consultation_signed_in(self):
        self._get(
            random.choice(CONSULTATIONS)["url"], "GET consultation (signed in)", random.choice(ACCOUNTS)
        )

    @task(4)
    def consultation_other(self):
        self._get(random.choice(PAGES["consultation"]), "GET consultation (quiet one)")

    @task(4)
    def call(self):
        self._get(random.choice(PAGES["call"]), "GET call")

    @task(8)
    def outcome(self):
        self._get(random.choice(PAGES["outcome"]), "GET outcome (report figures)")

    @task(3)
    def news(self):
        self._get(random.choice(PAGES["news"]), "GET news")

    @task(6)
    def ideas(self):
        consultation = random.choice(CONSULTATIONS)
        self._get(f"/consultations/{consultation['id']}/ideas/", "GET ideas")

    @task(5)
    def idea(self):
        consultation = random.choice(CONSULTATIONS)
        idea = random.choice(consultation["ideas"])
        self._get(f"/consultations/{consultation['id']}/ideas/{idea}/", "GET idea and comments")

    @task(3)
    def statements(self):
        consultation = random.choice(CONSULTATIONS)
        self._get(
            f"/consultations/{consultation['id']}/statements/", "GET statements", random.choice(ACCOUNTS)
        )

    # Contributing

    @task(15)
    def vote(self):
        consultation = random.choice(CONSULTATIONS)
        statement = random.choice(consultation["statements"])
        self._post(
            f"/consultations/{consultation['id']}/statements/{statement}/vote/",
            "POST vote (JSON)",
            {"value": random.choice(["1", "-1", "0"])},
            200,
            json_answer=True,
        )

    @task(6)
    def deck(self):
        consultation = random.choice(CONSULTATIONS)
        self._get(
            f"/consultations/{consultation['id']}/statements/deck/",
            "GET next statement card",
            random.choice(ACCOUNTS),
        )

    @task(5)
    def support(self):
        consultation = random.choice(CONSULTATIONS)
        idea = random.choice(consultation["ideas"])
        self._post(
            f"/consultations/{consultation['id']}/ideas/{idea}/support/",
            "POST support (JSON)",
            {"supporting": random.choice(["1", "1", "0"])},
            200,
            json_answer=True,
        )

    @task(4)
    def answer(self):
        consultation = random.choice(CONSULTATIONS)
        # Form-encoded in advance: a multiple choice repeats its field.
        self._post(consultation["url"], "POST questionnaire", consultation["answers"], 302)

    @task(2)
    def comment(self):
        consultation = random.choice(CONSULTATIONS)
        idea = random.choice(consultation["ideas"])
        self._post(
            f"/consultations/{consultation['id']}/ideas/{idea}/",
            "POST comment",
            {"text": "Je soutiens, avec des horaires d'ouverture larges.", "stance": "for"},
            302,
        )
