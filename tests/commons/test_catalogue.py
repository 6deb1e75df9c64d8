"""The public catalogue: searched by words, filtered by theme and territory (a département finds its
communes), paged, in a constant number of queries; unpublished initiatives stay out of sight."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from commons.models import Reuse
from tests.commons.conftest import initiative_create
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

LIST = reverse("commons_initiative_list")


def titles(response) -> list[str]:
    return [initiative.title for initiative in response.context["initiatives"]]


@pytest.fixture
def catalogue(organisation, places):
    initiative_create(
        organisation=organisation, territory=places.lyon_4, title="Repair café", themes=["réparation"]
    )
    initiative_create(
        organisation=organisation,
        territory=places.villeurbanne,
        title="Budget des écoliers",
        description="Les enfants votent pour leur cour d'école.",
        themes=["éducation", "budget participatif"],
    )
    initiative_create(
        organisation=organisation,
        territory=places.saint_etienne,
        title="Cantine locale",
        themes=["alimentation"],
    )
    initiative_create(
        organisation=organisation, territory=places.rhone, title="Brouillon caché", published=False
    )
    return places


def test_the_catalogue_lists_published_initiatives_only(en, catalogue):
    response = en.get(LIST)
    assert response.status_code == 200
    assert sorted(titles(response)) == ["Budget des écoliers", "Cantine locale", "Repair café"]
    assert "3 initiatives" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "cour d'école"}, ["Budget des écoliers"]),
        ({"q": "REPAIR"}, ["Repair café"]),
        ({"q": "Villeurbanne"}, ["Budget des écoliers"]),  # the territory's name
        ({"q": "alimentation"}, ["Cantine locale"]),  # a theme
        ({"q": "brouillon"}, []),  # unpublished
        ({"theme": "éducation"}, ["Budget des écoliers"]),
        ({"territory": "DEP-69"}, ["Budget des écoliers", "Repair café"]),  # communes and arrondissements
        ({"territory": "Rhône"}, ["Budget des écoliers", "Repair café"]),
        ({"territory": "REG-84"}, ["Budget des écoliers", "Cantine locale", "Repair café"]),
        ({"territory": "Métropole de Lyon"}, ["Budget des écoliers", "Repair café"]),  # the EPCI
        ({"territory": "69123"}, ["Repair café"]),  # Lyon finds its arrondissement's initiative
        ({"territory": "Loire [DEP-42]"}, ["Cantine locale"]),  # as the form writes it back
        ({"territory": "DEP-69", "theme": "réparation", "q": "café"}, ["Repair café"]),
    ],
)
def test_search_and_filters(en, catalogue, query, expected):
    response = en.get(LIST, query)
    assert response.status_code == 200
    assert sorted(titles(response)) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"territory": "Atlantide"}, "No territory matches “Atlantide”"),
        ({"territory": "Saint-Étienne"}, "Several territories match “Saint-Étienne”"),
        ({"territory": "84"}, "Several territories match “84”"),  # a region and a département
        ({"theme": "inconnu"}, "No initiative has this theme."),
        ({"q": "x" * 201}, "Ensure this value has at most 200 characters"),
    ],
)
def test_bad_filters_are_refused_with_a_message_next_to_the_field(en, catalogue, query, message):
    response = en.get(LIST, query)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'aria-invalid="true"' in body
    assert titles(response) == []


def test_an_ambiguous_territory_lists_how_to_type_each_one(en, catalogue):
    body = en.get(LIST, {"territory": "saint etienne"}).content.decode()
    assert "Saint-Étienne [COM-42218]" in body
    assert "Saint-Étienne [COM-84999]" in body
    assert titles(en.get(LIST, {"territory": "Saint-Étienne [COM-42218]"})) == ["Cantine locale"]


def test_pages_keep_the_filters(en, organisation, places):
    for number in range(25):
        initiative_create(organisation=organisation, territory=places.lyon, title=f"Initiative {number:02}")
    initiative_create(organisation=organisation, territory=places.saint_etienne, title="Ailleurs")
    first = en.get(LIST, {"territory": "DEP-69"})
    assert len(titles(first)) == 20
    body = first.content.decode()
    assert "?territory=DEP-69&amp;page=2" in body
    second = en.get(LIST, {"territory": "DEP-69", "page": "2"})
    assert len(titles(second)) == 5
    assert "Ailleurs" not in titles(second)
    assert en.get(LIST, {"page": "abc"}).status_code == 200, "a bad page number gives the first page"


def crowd(organisation, places, size: int):
    people = User.objects.bulk_create(User(email=f"c{size}-{n}@example.org") for n in range(size))
    for number in range(size):
        initiative = initiative_create(
            organisation=OrganisationFactory() if number % 2 else organisation,
            territory=places.villeurbanne if number % 2 else places.lyon_4,
            title=f"Initiative {size}-{number}",
            themes=[f"thème {number % 3}", "commun"],
        )
        Reuse.objects.bulk_create(
            Reuse(initiative=initiative, person=person, territory=places.saint_etienne)
            for person in people[:3]
        )


@pytest.mark.parametrize("query", [{}, {"territory": "DEP-69", "theme": "commun", "q": "initiative"}])
def test_the_catalogue_costs_the_same_queries_whatever_the_counts(client, organisation, places, query):
    counts = {}
    client.get(LIST)  # the first request loads what later ones keep (site settings)
    for size in (3, 30):
        crowd(organisation, places, size)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST, query)
        assert response.status_code == 200
        counts[size] = len(captured)
    assert counts[3] == counts[30]


def test_an_unpublished_initiative_is_a_404_for_the_public(client, user, organisation, places):
    draft = initiative_create(organisation=organisation, territory=places.lyon, published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(user)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_officials_of_the_organisation_see_their_draft(en, official, places):
    draft = initiative_create(
        organisation=official.memberships.get().organisation, territory=places.lyon, published=False
    )
    en.force_login(official)
    response = en.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Not published: only the people who manage it see this page." in response.content.decode()


def test_the_page_shows_everything_a_reuser_needs(en, initiative):
    initiative.links.create(title="Guide de démarrage", url="https://docs.example.fr/repair")
    initiative.save()
    body = en.get(initiative.get_absolute_url()).content.decode()
    for text in (
        "Repair café municipal",
        "Licence Ouverte 2.0",
        "Lyon 4e Arrondissement",
        "69384",
        "https://ville.example.fr/repair-cafe",
        "Guide de démarrage",
        "réparation",
        "Commune",
    ):
        assert text in body
