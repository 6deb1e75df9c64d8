"""Ideas: propose (similar ones shown first), support once, official answer with a status and reason."""

import pytest
from django.urls import reverse

from consultations.models import Idea, Support
from tests.factories import OfficialFactory, OrganisationFactory, UserFactory, consultation_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum(organisation):
    consultation = consultation_create(organisation=organisation, ideas_enabled=True)
    Idea.objects.create(
        consultation=consultation,
        author=UserFactory(),
        title="Des écrans pour le télétravail",
        text="Fournir un second écran aux agents en télétravail.",
    )
    return consultation


def new_url(consultation):
    return f"/consultations/{consultation.pk}/ideas/new/"


def test_a_similar_idea_is_shown_before_publishing_and_nothing_typed_is_lost(client, forum, participant):
    client.force_login(participant)
    data = {
        "title": "Un écran de plus en télétravail",
        "text": "Les agents en télétravail ont besoin d'écrans.",
    }
    first = client.post(new_url(forum), data)
    assert first.status_code == 200
    body = first.content.decode()
    assert "Des écrans pour le télétravail" in body, "the similar idea is suggested"
    assert "Un écran de plus en télétravail" in body, "what was typed comes back"
    assert Idea.objects.count() == 1
    published = client.post(new_url(forum), {**data, "confirmed": "True"}, follow=True)
    assert "votre idée est publiée" in published.content.decode()
    assert Idea.objects.count() == 2


def test_an_idea_unlike_the_others_is_published_at_once(client, forum, participant):
    client.force_login(participant)
    assert (
        client.post(
            new_url(forum), {"title": "Horaires d'ouverture", "text": "Ouvrir le samedi matin."}
        ).status_code
        == 302
    )
    assert Idea.objects.filter(title="Horaires d'ouverture", author=participant).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "", "text": "x"}, "title"),
        ({"title": "   ", "text": "x"}, "title"),
        ({"title": "T", "text": ""}, "text"),
        ({"title": "x" * 151, "text": "x"}, "title"),
        ({"title": "T", "text": "x" * 3001}, "text"),
    ],
)
def test_bad_ideas_are_refused_next_to_the_field(client, forum, participant, data, field):
    client.force_login(participant)
    refused = client.post(new_url(forum), data)
    assert refused.status_code == 400
    assert field in refused.context["form"].errors
    assert Idea.objects.count() == 1


def test_one_support_per_person_and_it_can_be_withdrawn(client, forum, participant):
    idea = Idea.objects.get()
    client.force_login(participant)
    url = f"/consultations/{forum.pk}/ideas/{idea.pk}/support/"
    client.post(url, {"supporting": "1"})
    client.post(url, {"supporting": "1"})
    assert Support.objects.filter(idea=idea).count() == 1
    page = client.get(f"/consultations/{forum.pk}/ideas/").content.decode()
    assert "1 soutien" in page
    assert "Retirer mon soutien" in page
    client.post(url, {"supporting": "0"})
    assert not Support.objects.exists()
    assert client.post(url, {"supporting": "maybe"}).status_code == 400


def test_an_official_answers_with_a_status_and_a_reason_shown_on_the_idea(client, forum):
    idea = Idea.objects.get()
    client.force_login(OfficialFactory(organisation=forum.organisation))
    url = reverse("consultations_idea_answer", args=[idea.pk])
    refused = client.post(url, {"status": "accepted", "answer": ""}, follow=True)
    assert "Expliquez le statut" in refused.content.decode()
    assert client.post(url, {"status": "fantasy", "answer": "x"}, follow=True).status_code == 200
    idea.refresh_from_db()
    assert idea.status == "received"
    client.post(url, {"status": "accepted", "answer": "Budget voté en mars."})
    public = client.get(f"/consultations/{forum.pk}/ideas/").content.decode()
    assert "Acceptée" in public
    assert "Budget voté en mars." in public


def test_officials_of_another_organisation_cannot_answer(client, forum):
    idea = Idea.objects.get()
    client.force_login(OfficialFactory(organisation=OrganisationFactory()))
    assert (
        client.post(
            reverse("consultations_idea_answer", args=[idea.pk]), {"status": "rejected", "answer": "Non"}
        ).status_code
        == 404
    )
    idea.refresh_from_db()
    assert idea.status == "received"


def test_ideas_need_them_enabled(client, consultation, participant):
    client.force_login(participant)
    assert client.get(f"/consultations/{consultation.pk}/ideas/").status_code == 404
    assert client.post(new_url(consultation), {"title": "T", "text": "x"}).status_code == 403


def test_similar_ideas_are_offered_while_typing(client, forum):
    url = reverse("idea_similar", args=[forum.pk])
    found = client.get(url, {"title": "Un écran pour chaque agent en télétravail"}).content.decode()
    assert "Des écrans pour le télétravail" in found
    assert client.get(url, {"title": "Repeindre la mairie"}).content.decode().strip() == ""
    assert client.get(url, {"title": "écran " * 5000}).status_code == 200, "a huge title is cut, not an error"
    assert client.get(url).status_code == 200


def test_no_similar_ideas_where_there_are_no_ideas(client, consultation):
    assert client.get(reverse("idea_similar", args=[consultation.pk]), {"title": "écran"}).status_code == 404
    assert client.get("/consultations/99999999999999999999/ideas/similar/").status_code == 404
