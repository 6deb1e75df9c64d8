"""Fixtures shared by the tests of contributions: a consultation open to statements and ideas, an idea
on it, and a client that reads the pages in English (the source strings)."""

import pytest

from consultations.models import Idea
from tests.factories import UserFactory, consultation_create


@pytest.fixture
def forum(organisation):
    return consultation_create(organisation=organisation, ideas_enabled=True, statements_enabled=True)


@pytest.fixture
def idea(forum):
    return Idea.objects.create(
        consultation=forum, author=UserFactory(), title="Des écrans", text="Un second écran à la maison."
    )
