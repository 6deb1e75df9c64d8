import pytest
from django.conf import settings

from tests.consultations.commons.conftest import places  # noqa: F401  (the territory referential fixture)


@pytest.fixture
def en(client):
    """Pages in English (the source strings), whatever the translations say."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
