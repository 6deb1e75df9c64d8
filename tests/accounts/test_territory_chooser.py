"""Every territory field of the back office chooses through a search of the referential (Wagtail's
chooser modal): its editors cost the same, in queries and in size, whatever the referential's size."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data

from accounts.models import Territory
from budgets.models import PublicVote
from cms.models import HomePage
from consultations.models import ConsultationPage
from tests.budgets.conftest import call_create, vote_create
from tests.commons.conftest import initiative_create
from tests.consultations.test_admin import add_url as consultation_add_url
from tests.consultations.test_admin import consultation_form
from tests.factories import AdministratorFactory, TerritoryFactory, consultation_create

pytestmark = pytest.mark.django_db
Kind = Territory.Kind
CHOOSE = reverse("territory_chooser:choose")
RESULTS = reverse("territory_chooser:choose_results")


def referential_grow(communes: int, *, departements: int) -> None:
    """Made-up départements, and communes spread among them, written at once."""
    start = Territory.objects.count()
    made = Territory.objects.bulk_create(
        TerritoryFactory.build(kind=Kind.DEPARTEMENT, code=f"D{start + i}", name=f"Département {start + i}")
        for i in range(departements)
    )
    Territory.objects.bulk_create(
        [TerritoryFactory.build(parent=made[i % len(made)]) for i in range(communes)], batch_size=1000
    )


@pytest.fixture
def saint_denis(db):
    seine_saint_denis = TerritoryFactory(kind=Kind.DEPARTEMENT, code="93", name="Seine-Saint-Denis")
    return TerritoryFactory(code="93066", name="Saint-Denis", parent=seine_saint_denis, population=113_000)


@pytest.fixture
def superuser(client):
    person = AdministratorFactory()
    client.force_login(person)
    return person


def editor_urls(organisation, territory) -> dict[str, str]:
    """The back office's forms with a territory field, each with that territory chosen when editing."""
    home = HomePage.objects.get()
    consultation = consultation_create(
        organisation=organisation, audience="territory", audience_territory=territory
    )
    call = call_create(organisation=organisation)
    call.territory = territory
    call.save_revision().publish()
    vote = vote_create(call, residence_territory=territory)
    initiative = initiative_create(organisation=organisation, territory=territory)
    return {
        "consultation": reverse("wagtailadmin_pages:edit", args=[consultation.pk]),
        "new consultation": reverse(
            "wagtailadmin_pages:add", args=["consultations", "consultationpage", home.pk]
        ),
        "call": reverse("wagtailadmin_pages:edit", args=[call.pk]),
        "new call": reverse("wagtailadmin_pages:add", args=["calls", "callpage", home.pk]),
        "public vote": reverse("budgets_votes:edit", args=[vote.pk]),
        "new public vote": reverse("budgets_votes:add"),
        "initiative": reverse("commons_initiatives:edit", args=[initiative.pk]),
        "new initiative": reverse("commons_initiatives:add"),
    }


def measured(client, url) -> tuple[int, int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), len(response.content), response.content.decode()


def test_the_editors_cost_the_same_whatever_the_size_of_the_referential(
    client, superuser, organisation, saint_denis
):
    """50 or 2,000 territories: each editor answers with as many queries and under 300 KB."""
    referential_grow(45, departements=3)
    urls = editor_urls(organisation, saint_denis)
    for url in urls.values():
        client.get(url)  # caches of the first request (content types, sites) out of the count
    small = {name: measured(client, url) for name, url in urls.items()}
    referential_grow(1_950, departements=20)
    assert Territory.objects.count() > 2_000
    large = {name: measured(client, url) for name, url in urls.items()}
    for name in urls:
        (small_queries, small_size, _), (large_queries, large_size, html) = small[name], large[name]
        assert large_queries == small_queries, f"{name}: {small_queries} queries, then {large_queries}"
        assert large_size < 300_000, f"{name}: {large_size} bytes"
        assert abs(large_size - small_size) < 1_000, f"{name}: {small_size} bytes, then {large_size}"
        assert "Choose a territory" in html or "Choisir un territoire" in html, name
        if not name.startswith("new"):
            assert "Saint-Denis (93066, Seine-Saint-Denis)" in html, f"{name}: the chosen territory shown"


def test_the_chooser_finds_a_commune_by_name_or_insee_code_and_shows_its_departement(
    client, superuser, saint_denis
):
    seine_maritime = TerritoryFactory(kind=Kind.DEPARTEMENT, code="76", name="Seine-Maritime")
    TerritoryFactory(code="76565", name="Saint-Denis-sur-Scie", parent=seine_maritime, population=900)
    TerritoryFactory(code="42218", name="Saint-Étienne")
    by_name = client.get(RESULTS, {"q": "saint denis"}).content.decode()
    assert by_name.index("Saint-Denis (93066, Seine-Saint-Denis)") < by_name.index(
        "Saint-Denis-sur-Scie (76565, Seine-Maritime)"
    ), "the exact name first"
    assert "Saint-Étienne" not in by_name
    by_code = client.get(RESULTS, {"q": "93066"}).content.decode()
    assert "Saint-Denis (93066, Seine-Saint-Denis)" in by_code
    assert "Saint-Denis-sur-Scie" not in by_code
    assert "Saint-Étienne" in client.get(RESULTS, {"q": "Saint-Etienne"}).content.decode(), "accents"
    assert "Seine-Saint-Denis (" in client.get(RESULTS, {"q": "93", "kind": "departement"}).content.decode()
    nothing = client.get(RESULTS, {"q": "Atlantide"})
    assert nothing.status_code == 200
    assert "Atlantide" in nothing.content.decode(), "says that nothing matches what was typed"
    assert client.get(RESULTS, {"kind": "planet"}).status_code == 200, "an unknown kind lists everything"


def test_the_chooser_lists_a_page_of_territories_in_a_constant_number_of_queries(client, superuser):
    referential_grow(3, departements=1)
    client.get(CHOOSE)  # the site's cache of the first request out of the count
    few, _, _ = measured(client, f"{RESULTS}?q=commune")
    referential_grow(200, departements=10)
    many, _, html = measured(client, f"{RESULTS}?q=commune")
    assert many == few
    assert html.count("data-chooser-modal-choice") == 20, "a page of 20"


def test_the_chooser_is_labelled_for_keyboard_and_screen_reader_users(client, superuser, saint_denis):
    """The search field has its label; each territory is a link named by its full label."""
    modal = json.loads(client.get(CHOOSE).content)["html"]
    assert '<label class="w-field__label" for="id_q"' in modal
    assert "Name or INSEE code" in modal or "Nom ou code INSEE" in modal
    assert 'for="id_kind"' in modal
    results = client.get(RESULTS, {"q": "93066"}).content.decode()
    assert "<th" in results, "a table whose columns have headers"
    assert re.search(
        r"<a [^>]*data-chooser-modal-choice[^>]*>\s*Saint-Denis \(93066, Seine-Saint-Denis\)", results
    )


def test_choosing_a_territory_answers_its_label(client, superuser, saint_denis):
    chosen = client.get(reverse("territory_chooser:chosen", args=[saint_denis.pk]))
    assert json.loads(chosen.content)["result"]["title"] == "Saint-Denis (93066, Seine-Saint-Denis)"
    assert client.get(reverse("territory_chooser:chosen", args=["999999"])).status_code == 404


def test_the_chooser_is_for_the_back_office_only(client, saint_denis):
    assert client.get(CHOOSE).status_code == 302  # to the sign-in page
    assert client.get(RESULTS, {"q": "saint"}).status_code == 302


def test_the_chosen_territory_is_saved(client, superuser, organisation, saint_denis):
    """The chooser sends the territory's id back in the form: a page and a public vote keep it."""
    response = client.post(
        consultation_add_url(),
        consultation_form(organisation, audience="territory", audience_territory=str(saint_denis.pk)),
    )
    assert response.status_code == 302
    assert ConsultationPage.objects.get(slug="horaires-mairie").audience_territory == saint_denis
    vote = vote_create(call_create(organisation=organisation), phase="upcoming")
    response = client.post(
        reverse("budgets_votes:edit", args=[vote.pk]),
        nested_form_data(
            {
                "call": str(vote.call_id),
                "method": "approval",
                "min_projects": "1",
                "max_projects": "",
                "budget": "",
                "opens_at": "2099-01-01 09:00",
                "closes_at": "2099-01-31 18:00",
                "minimum_age": "0",
                "residence_territory": str(saint_denis.pk),
            }
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    assert PublicVote.objects.get().residence_territory == saint_denis


@pytest.mark.parametrize("sent", ["999999", "Saint-Denis", "1; DROP TABLE"])
def test_a_territory_that_does_not_exist_is_refused_with_a_message(client, superuser, organisation, sent):
    response = client.post(
        consultation_add_url(), consultation_form(organisation, audience="territory", audience_territory=sent)
    )
    assert response.status_code == 200
    assert "audience_territory" in response.context["form"].errors
    assert not ConsultationPage.objects.exists()


def test_a_commune_is_named_without_reading_its_departement(django_assert_num_queries, saint_denis):
    commune = Territory.objects.get(pk=saint_denis.pk)
    with django_assert_num_queries(0):
        assert str(commune) == "Saint-Denis (93)"
