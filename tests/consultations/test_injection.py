"""Whatever participants type is shown as text: no HTML or script of theirs ever reaches a page."""

import pytest
from django.urls import reverse

from consultations.models import Idea, Statement
from tests.factories import UserFactory, consultation_create

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_statements_and_ideas_are_escaped_everywhere_they_are_shown(client, organisation, participant):
    consultation = consultation_create(organisation=organisation, statements_enabled=True, ideas_enabled=True)
    client.force_login(participant)
    assert (
        client.post(reverse("statement_create", args=[consultation.pk]), {"text": PAYLOAD}).status_code == 302
    )
    idea = {"title": PAYLOAD[:150], "text": PAYLOAD, "theme": PAYLOAD[:100], "confirmed": "on"}
    assert client.post(reverse("idea_create", args=[consultation.pk]), idea).status_code == 302
    statement, created = Statement.objects.get(), Idea.objects.get()
    assert statement.text == PAYLOAD, "stored as typed"
    pages = [
        consultation.url,
        reverse("statement_list", args=[consultation.pk]),
        reverse("idea_list", args=[consultation.pk]),
        created.get_absolute_url(),
        statement.get_absolute_url(),
    ]
    client.logout()
    client.force_login(UserFactory())  # someone else reads them
    for url in pages:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
    assert "&lt;script&gt;alert" in client.get(reverse("idea_list", args=[consultation.pk])).content.decode()


def test_a_pseudonym_cannot_inject_either(client, organisation):
    """The pseudonym is shown in the header of every page the person sees."""
    consultation = consultation_create(organisation=organisation, ideas_enabled=True)
    author = UserFactory(pseudonym=PAYLOAD[:50])
    Idea.objects.create(consultation=consultation, author=author, title="Un banc", text="Place du marché")
    client.force_login(author)
    html = client.get(reverse("idea_list", args=[consultation.pk])).content.decode()
    assert "<script>alert" not in html
