"""Fixtures of the API's tests: a token client, and a site with some of everything public and hidden."""

import pytest
from django.test import Client

from accounts import services as account_services
from consultations.models import Idea, Statement
from tests.factories import UserFactory, consultation_create


class TokenClient(Client):
    """A client that sends JSON with a personal token, in English unless told otherwise."""

    def __init__(self, token: str | None = None, language: str = "en", **defaults):
        super().__init__(**defaults)
        self.token = token
        self.language = language

    def _headers(self, headers):
        headers = dict(headers or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        if self.language:
            headers.setdefault("Accept-Language", self.language)
        return headers

    def get(self, path, data=None, headers=None, **extra):
        return super().get(path, data, headers=self._headers(headers), **extra)

    def post_json(self, path, body, headers=None, **extra):
        return self.post(path, body, content_type="application/json", headers=self._headers(headers), **extra)


def token_for(user, label="App") -> str:
    return account_services.api_token_create(user=user, label=label)[1]


@pytest.fixture
def api():
    return TokenClient()


@pytest.fixture
def participant_api(db, participant):
    return TokenClient(token_for(participant))


@pytest.fixture
def forum(db, organisation):
    return consultation_create(organisation=organisation, ideas_enabled=True, statements_enabled=True)


@pytest.fixture
def statement(forum):
    return Statement.objects.create(consultation=forum, author=UserFactory(), text="Deux jours suffisent.")


@pytest.fixture
def idea(forum):
    return Idea.objects.create(
        consultation=forum, author=UserFactory(), title="Des écrans", text="Un second écran à la maison."
    )
