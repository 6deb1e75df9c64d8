import pytest
from django.conf import settings


@pytest.fixture
def en(client):
    """Pages in English (the source strings), whatever the translations say."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
