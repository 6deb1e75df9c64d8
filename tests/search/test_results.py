"""Search results as cards: snippets escaped once with their paragraphs apart, what is open before what
is over, and bad input answered 400 (or the first/last page), never 500."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cms.cards import plain_text
from consultations.models import ConsultationPage
from tests.factories import consultation_create, outcome_create

pytestmark = pytest.mark.django_db


def test_a_snippet_is_escaped_once_and_keeps_its_paragraphs_apart(en, organisation):
    page = consultation_create(organisation=organisation, title="Les haies du bocage")
    ConsultationPage.objects.filter(pk=page.pk).update(
        introduction="<p>What&#x27;s at stake: the hedges.</p><p>Second paragraph &amp; more.</p>"
    )
    body = en.get(reverse("search"), {"q": "bocage"}).content.decode()
    assert "What&#x27;s at stake: the hedges. Second paragraph &amp; more." in body
    assert "&amp;#x27;" not in body, "escaped twice"
    assert "hedges.Second" not in body, "paragraphs run together"


def test_plain_text_keeps_list_items_and_line_breaks_apart():
    assert plain_text("<ul><li>un</li><li>deux</li></ul>trois<br>quatre") == "un deux trois quatre"
    assert plain_text("L&#x27;école &lt;b&gt;") == "L'école <b>"


def test_an_open_consultation_comes_before_an_old_outcome_page_for_the_same_words(en, organisation):
    old = consultation_create(organisation=organisation, title="Ancienne consultation")
    ConsultationPage.objects.filter(pk=old.pk).update(
        opens_at=timezone.now() - timedelta(days=400), closes_at=timezone.now() - timedelta(days=300)
    )
    outcome_create(
        old,
        title="Restitution sur les ruches urbaines",
        summary="Les ruches urbaines, les ruches encore, et les ruches toujours.",
    )
    consultation_create(organisation=organisation, title="Consultation ouverte sur les ruches")
    response = en.get(reverse("search"), {"q": "ruches"})
    cards = list(response.context["page_obj"].object_list)
    assert [card.kind for card in cards][:2] == ["consultation", "outcome"], [c.title for c in cards]
    body = response.content.decode()
    assert body.index("status-open") < body.index("status-outcome")


def test_results_are_cards_with_their_status(en, organisation):
    consultation_create(organisation=organisation, title="Les jardins partagés")
    body = en.get(reverse("search"), {"q": "jardins"}).content.decode()
    assert '<li class="card card-consultation">' in body
    assert '<p class="card-status status-open"><span class="card-kind">Consultation</span> · Open</p>' in body
    assert organisation.name in body


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 5000},
        {"q": "vélo\x00"},
        {"kind": "nonsense"},
        {"kind": "consultation", "status": "whatever"},
        {"q": "vélo", "theme": "no-such-theme"},
        {"q": "vélo", "territory": "Nulle-Part-sur-Rien"},
    ],
    ids=["long", "nul", "kind", "status", "theme", "territory"],
)
def test_bad_search_input_is_a_clear_400(en, params):
    response = en.get(reverse("search"), params)
    assert response.status_code == 400
    assert "Correct the search above" in response.content.decode()


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999", "9" * 50, "1\x00"])
def test_a_wrong_results_page_shows_the_first_or_last(en, organisation, page):
    consultation_create(organisation=organisation, title="Les fontaines")
    response = en.get(reverse("search"), {"q": "fontaines", "page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1
