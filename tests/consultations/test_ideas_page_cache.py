"""A public consultation's ideas and each idea's page are kept for visitors who are not signed in
(core/page_cache.py), never for a restricted consultation, and a moderation decision, an official
answer or a withdrawn comment shows to the next visitor at once."""

import pytest
from django.test import Client
from wagtail.models import PageViewRestriction

from consultations.models import Comment, Idea
from consultations.services.comments import comment_delete
from consultations.services.ideas import idea_answer, idea_support_set
from consultations.services.moderation import contribution_moderate
from tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


def visitor() -> Client:
    return Client()


def ideas_url(consultation) -> str:
    return f"/consultations/{consultation.pk}/ideas/"


def idea_url(idea) -> str:
    return f"/consultations/{idea.consultation_id}/ideas/{idea.pk}/"


def test_the_ideas_and_an_idea_page_are_served_to_the_next_visitor_from_the_cache(idea):
    for url in (ideas_url(idea.consultation), idea_url(idea)):
        first, second = visitor().get(url), visitor().get(url)
        assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
        assert "Des écrans" in second.content.decode()


def test_a_signed_in_participant_sees_their_own_support_not_the_visitors_copy(idea):
    visitor().get(ideas_url(idea.consultation))  # kept
    person = UserFactory()
    idea_support_set(idea=idea, user=person, supporting=True)
    client = Client()
    client.force_login(person)
    page = client.get(ideas_url(idea.consultation))
    assert "X-Page-Cache" not in page
    assert 'aria-pressed="true"' in page.content.decode()


def test_a_restricted_consultation_is_never_kept(idea):
    PageViewRestriction.objects.create(page=idea.consultation, restriction_type="login")
    for _ in range(2):
        page = visitor().get(ideas_url(idea.consultation))
        assert page.status_code == 404
        assert "X-Page-Cache" not in page
    person = Client()
    person.force_login(UserFactory())
    assert "Des écrans" in person.get(idea_url(idea)).content.decode()
    assert "X-Page-Cache" not in visitor().get(idea_url(idea))


def test_a_hidden_idea_disappears_for_the_next_visitor(idea, django_capture_on_commit_callbacks):
    visitor().get(ideas_url(idea.consultation))
    assert visitor().get(ideas_url(idea.consultation))["X-Page-Cache"] == "hit"
    moderator = ModeratorFactory(organisation=idea.consultation.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        contribution_moderate(item=idea, moderator=moderator, kind="hide", reason="Hors sujet")
    page = visitor().get(ideas_url(idea.consultation))
    assert page["X-Page-Cache"] == "miss"
    assert "Des écrans" not in page.content.decode()
    assert visitor().get(idea_url(idea)).status_code == 404


def test_an_official_answer_shows_to_the_next_visitor(idea, django_capture_on_commit_callbacks):
    visitor().get(idea_url(idea))
    with django_capture_on_commit_callbacks(execute=True):
        idea_answer(idea=idea, status=Idea.Status.ACCEPTED, answer="Prévu au budget 2027.")
    page = visitor().get(idea_url(idea))
    assert page["X-Page-Cache"] == "miss"
    assert "Prévu au budget 2027." in page.content.decode()


def test_a_withdrawn_comment_disappears_for_the_next_visitor(idea, django_capture_on_commit_callbacks):
    author = UserFactory()
    comment = Comment.objects.create(
        consultation=idea.consultation,
        idea=idea,
        author=author,
        text="Mon numéro est le 06 12 34 56 78",
        stance="neutral",
    )
    assert "06 12 34 56 78" in visitor().get(idea_url(idea)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        comment_delete(comment=comment, author=author)
    page = visitor().get(idea_url(idea))
    assert "06 12 34 56 78" not in page.content.decode()


def test_a_deleted_account_or_a_new_pseudonym_shows_to_the_next_visitor(
    idea, client, django_capture_on_commit_callbacks
):
    from accounts import services as accounts_services
    from accounts.forms import ProfileForm

    author = idea.author
    assert author.pseudonym in visitor().get(idea_url(idea)).content.decode()
    form = ProfileForm({"pseudonym": "Nouveau nom", "language": "fr"}, instance=author)
    assert form.is_valid(), form.errors
    with django_capture_on_commit_callbacks(execute=True):
        accounts_services.profile_save(form=form)
    page = visitor().get(idea_url(idea)).content.decode()
    assert "Nouveau nom" in page
    with django_capture_on_commit_callbacks(execute=True):
        accounts_services.account_delete(user=author)
    assert "Nouveau nom" not in visitor().get(idea_url(idea)).content.decode()
