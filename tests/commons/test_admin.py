"""Officials publish their organisation's initiatives in the back office; editors and administrators
manage all of them; nobody edits another organisation's initiatives."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from accounts.models import Territory
from commons.models import Initiative
from tests.commons.conftest import initiative_create
from tests.factories import EditorFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD = reverse("commons_initiatives:add")
INDEX = reverse("commons_initiatives:index")


def form(organisation, **changes):
    villeurbanne = Territory.objects.get(kind=Territory.Kind.COMMUNE, code="69266")
    data = {
        "title": "Jardins partagés",
        "slug": "",
        "organisation": str(organisation.pk),
        "description": "Des parcelles pour les habitants.",
        "themes": "jardin, alimentation",
        "territory": str(villeurbanne.pk),  # as the territory chooser sends it back
        "scale": "commune",
        "licence": "etalab-2.0",
        "licence_other": "",
        "links": inline_formset([{"title": "Guide", "url": "https://docs.example.fr/jardins"}]),
        "contact": "jardins@villeurbanne.example.fr",
        "published": "on",
    }
    data.update(changes)
    return nested_form_data(data)


def test_an_official_publishes_an_initiative_of_their_organisation(client, official, places):
    organisation = official.memberships.get().organisation
    client.force_login(official)
    response = client.post(ADD, form(organisation))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    initiative = Initiative.objects.get()
    assert (initiative.slug, initiative.territory, initiative.organisation) == (
        "jardins-partages",
        places.villeurbanne,
        organisation,
    )
    assert sorted(initiative.themes.names()) == ["alimentation", "jardin"]
    assert initiative.links.get().url == "https://docs.example.fr/jardins"
    assert client.get(initiative.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"territory": "Atlantide"}, "territory", "Select a valid choice"),
        ({"licence": "other"}, "licence_other", "Name the licence."),
        ({"title": ""}, "title", "This field is required."),
        ({"links": inline_formset([{"title": "Guide", "url": "pas une adresse"}])}, None, None),
    ],
)
def test_bad_input_in_the_back_office_is_refused(client, official, places, changes, field, message, settings):
    settings.LANGUAGE_CODE = "en"
    official.language = "en"
    client.force_login(official)
    response = client.post(
        ADD, form(official.memberships.get().organisation, **changes), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200  # Wagtail's form comes back with the errors
    assert not Initiative.objects.exists()
    if field:
        assert any(message in error for error in response.context["form"].errors[field])


def test_a_personal_address_is_not_published_without_consent(client, official, places):
    person = UserFactory(email="marie.dupont@example.org")
    client.force_login(official)
    organisation = official.memberships.get().organisation
    response = client.post(ADD, form(organisation, contact=f"Marie : {person.email.upper()}"))
    assert response.status_code == 200
    assert "contact" in response.context["form"].errors
    response = client.post(ADD, form(organisation, contact=person.email, contact_is_personal="on"))
    assert response.status_code == 302
    assert Initiative.objects.get().contact == person.email


def test_an_official_cannot_publish_for_another_organisation(client, official, places):
    client.force_login(official)
    response = client.post(ADD, form(OrganisationFactory()))
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not Initiative.objects.exists()


def test_officials_see_and_edit_only_their_organisation_s_initiatives(client, official, places):
    mine = initiative_create(
        organisation=official.memberships.get().organisation, territory=places.lyon, title="Mienne"
    )
    theirs = initiative_create(organisation=OrganisationFactory(), territory=places.lyon, title="Ailleurs")
    client.force_login(official)
    listing = client.get(INDEX).content.decode()
    assert "Mienne" in listing
    assert "Ailleurs" not in listing
    assert client.get(reverse("commons_initiatives:edit", args=[mine.pk])).status_code == 200
    assert client.get(reverse("commons_initiatives:edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("commons_initiatives:delete", args=[theirs.pk])).status_code == 404
    assert Initiative.objects.filter(pk=theirs.pk).exists()


def test_editors_manage_every_initiative(client, places):
    theirs = initiative_create(organisation=OrganisationFactory(), territory=places.lyon, title="Ailleurs")
    client.force_login(EditorFactory())
    assert "Autre" in client.get(INDEX).content.decode()
    response = client.post(
        reverse("commons_initiatives:edit", args=[theirs.pk]),
        form(theirs.organisation, title="Autre, corrigée", slug=theirs.slug, published=""),
    )
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert (theirs.title, theirs.published) == ("Autre, corrigée", False)


def test_participants_have_no_back_office(client, user):
    client.force_login(user)
    assert client.get(INDEX).status_code in (302, 403)


def test_another_organisation_s_initiative_has_no_history_or_usage_page_for_an_official(
    client, official, places
):
    mine = initiative_create(
        organisation=official.memberships.get().organisation, territory=places.lyon, title="Mienne"
    )
    theirs = initiative_create(organisation=OrganisationFactory(), territory=places.lyon, title="Autre")
    client.force_login(official)
    for view in ("history", "usage"):
        assert client.get(reverse(f"commons_initiatives:{view}", args=[mine.pk])).status_code == 200
        assert client.get(reverse(f"commons_initiatives:{view}", args=[theirs.pk])).status_code == 404
