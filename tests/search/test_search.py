"""The site search: public content of every kind found by its words, filtered, and nothing private."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from calls.models import CallPage, Project
from calls.services.decisions import laureates_publish
from cms.models import HomePage, StandardPage
from consultations.models import Idea, Visibility
from tests.calls.conftest import call_create, project_create
from tests.commons.conftest import initiative_create
from tests.factories import OfficialFactory, UserFactory, consultation_create

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="French stemming is PostgreSQL's full-text search"
)


def found(client, **params) -> list[str]:
    response = client.get(reverse("search"), params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return [hit.title for hit in response.context["page_obj"].object_list]


def idea_create(consultation, title, *, text="Une idée.", **fields):
    return Idea.objects.create(
        consultation=consultation, author=UserFactory(), title=title, text=text, **fields
    )


def call_closed_with(*, title, publish_laureates=True, **project_fields):
    """A call whose selected project was chosen after closing (and published as a laureate)."""
    call = call_create(title="Appel « Mobilités douces »")
    project = project_create(
        call, UserFactory(), status=Project.Status.SELECTED, title=title, **project_fields
    )
    CallPage.objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    call.refresh_from_db()
    if publish_laureates:
        laureates_publish(call=call, actor=OfficialFactory(organisation=call.organisation))
    return project


def test_the_search_page_is_linked_from_every_page_and_has_a_labelled_form(en):
    home = en.get("/")
    assert f'href="{reverse("search")}"' in home.content.decode()
    page = en.get(reverse("search")).content.decode()
    assert '<label for="id_q">Words to search for' in page
    assert 'role="search"' in page
    assert en.get("/recherche/", {"q": "vélo"}).url == "/search/?q=v%C3%A9lo"


def test_every_public_kind_is_found(en, organisation, places):
    consultation = consultation_create(organisation=organisation, title="Le vélo en ville")
    call_create(title="Appel pour le vélo partagé")
    idea_create(consultation, "Des arceaux à vélo")
    call_closed_with(title="Vélo-école de quartier")
    initiative_create(organisation=organisation, territory=places.lyon, title="Atelier vélo solidaire")
    HomePage.objects.get().add_child(
        instance=StandardPage(title="Aide : se déplacer à vélo", body="<p>Le vélo.</p>")
    )
    response = en.get(reverse("search"), {"q": "vélo"})
    kinds = {hit.kind: hit.title for hit in response.context["page_obj"].object_list}
    assert kinds == {
        "consultation": "Le vélo en ville",
        "call": "Appel pour le vélo partagé",
        "idea": "Des arceaux à vélo",
        "project": "Vélo-école de quartier",
        "initiative": "Atelier vélo solidaire",
        "page": "Aide : se déplacer à vélo",
    }
    page = response.content.decode()
    assert "6 results" in page
    assert "Selected project" in page
    assert "Initiative of the commons" in page


def test_nothing_private_is_ever_found(en, organisation, places):
    consultation = consultation_create(organisation=organisation, title="Consultation publique")
    draft_consultation = consultation_create(title="Consultation brouillon zèbre", publish=False)
    idea_create(draft_consultation, "Idée zèbre d’une consultation non publiée")
    idea_create(consultation, "Idée zèbre masquée", moderation_status=Visibility.HIDDEN)
    kept = idea_create(consultation, "Idée gardée")
    idea_create(consultation, "Idée zèbre fusionnée", merged_into=kept)
    call = call_create(title="Appel ouvert")
    project_create(call, UserFactory(), title="Dossier zèbre en brouillon")
    project_create(call, UserFactory(), status=Project.Status.SUBMITTED, title="Dossier zèbre déposé")
    call_closed_with(title="Lauréat zèbre non publié", publish_laureates=False)
    initiative_create(
        organisation=organisation, territory=places.lyon, title="Initiative zèbre", published=False
    )
    restricted = consultation_create(title="Consultation zèbre réservée")
    PageViewRestriction.objects.create(page=restricted, restriction_type="login")

    call_command("update_index", verbosity=0)  # a full rebuild indexes nothing private either
    assert found(en, q="zèbre") == []
    assert found(en, q="brouillon") == []


def test_an_idea_hidden_after_indexing_leaves_the_index(en, consultation):
    idea = idea_create(consultation, "Des composteurs partagés")
    assert found(en, q="composteurs") == ["Des composteurs partagés"]
    idea.moderation_status = Visibility.HIDDEN
    idea.save()
    assert found(en, q="composteurs") == []
    from wagtail.search.models import IndexEntry

    assert not IndexEntry.objects.filter(object_id=str(idea.pk), content_type__model="idea").exists()


def test_an_unpublished_page_disappears_from_the_results(en):
    consultation = consultation_create(title="Les jardins partagés")
    assert found(en, q="jardins") == ["Les jardins partagés"]
    consultation.unpublish()
    assert found(en, q="jardins") == []


@on_postgresql
def test_french_stemming_finds_other_forms_of_a_word(en, consultation):
    idea_create(consultation, "Le transport à la demande")
    idea_create(consultation, "Un garage à vélo", text="Pour les vélos des habitants.")
    assert found(en, q="transports") == ["Le transport à la demande"]
    assert found(en, q="vélos") == ["Un garage à vélo"]
    assert found(en, q="garages") == ["Un garage à vélo"]


def test_filters_by_type_status_theme_and_territory(en, organisation, places):
    consultation = consultation_create(
        organisation=organisation,
        title="Mobilité : ouverte",
        audience="territory",
        audience_territory=places.lyon,
    )
    consultation_create(
        organisation=organisation,
        title="Mobilité : close",
        opens_in=timedelta(days=-30),
        closes_in=timedelta(days=-2),
    )
    idea_create(consultation, "Mobilité au 4e", territory=places.lyon_4, theme="Transports")
    idea_create(
        consultation,
        "Mobilité à Saint-Étienne",
        territory=places.saint_etienne,
        theme="Urbanisme",
        status=Idea.Status.ACCEPTED,
    )
    initiative_create(organisation=organisation, territory=places.villeurbanne, title="Mobilité solidaire")

    assert set(found(en, q="mobilité", kind="consultation")) == {"Mobilité : ouverte", "Mobilité : close"}
    assert found(en, q="mobilité", status="open") == ["Mobilité : ouverte"]
    assert found(en, q="mobilité", status="closed") == ["Mobilité : close"]
    assert found(en, q="mobilité", status="idea-accepted") == ["Mobilité à Saint-Étienne"]
    assert found(en, q="mobilité", theme="Transports") == ["Mobilité au 4e"]
    # A département finds what lies in its communes (and their arrondissements), by name or INSEE code.
    assert set(found(en, q="mobilité", territory="DEP-69")) == {
        "Mobilité : ouverte",
        "Mobilité au 4e",
        "Mobilité solidaire",
    }
    assert found(en, q="mobilité", territory="42218") == ["Mobilité à Saint-Étienne"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": ""}, "Type the words to search for, or choose a type or a filter."),
        ({"q": "x" * 201}, "Type at most 200 characters."),
        ({"q": "vélo", "kind": "secret"}, "Choose a type from the list."),
        ({"q": "vélo", "status": "draft"}, "Choose a status from the list."),
        ({"q": "vélo", "theme": "inconnu"}, "Nothing public has this theme."),
        ({"q": "vélo", "territory": "Atlantide"}, "No territory matches"),
        ({"q": "nul\x00"}, "Null characters are not allowed."),
    ],
)
def test_bad_input_is_refused_clearly(en, params, message):
    response = en.get(reverse("search"), params)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize(
    "query",
    ['"', "'; drop table", "vélo & | ! ( ) :* <->", "a" * 200, "%_\\", "🚲", "OR AND NOT", "-"],
)
def test_odd_queries_give_results_or_none_never_an_error(en, consultation, query):
    response = en.get(reverse("search"), {"q": query, "page": "999"})
    assert response.status_code == 200


def test_results_are_paged(en, consultation):
    for number in range(25):
        idea_create(consultation, f"Piste cyclable numéro {number}")
    first = en.get(reverse("search"), {"q": "cyclable"})
    assert len(first.context["page_obj"].object_list) == 20
    assert "Page 1 of 2" in first.content.decode()
    second = en.get(reverse("search"), {"q": "cyclable", "page": 2})
    assert len(second.context["page_obj"].object_list) == 5


def test_the_search_works_on_the_sqlite_default(tmp_path):
    """The embedded default (SQLite, FTS5): migrate a fresh database, index, search (in a subprocess)."""
    script = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.utils import timezone
from datetime import timedelta
from accounts.models import Organisation
from cms.models import HomePage
from consultations.models import ConsultationPage, Idea
from search.selectors import site_search
from tests.factories import QUESTIONS
home = HomePage.objects.get()
now = timezone.now()
page = ConsultationPage(
    title="Le vélo en ville", organisation=Organisation.objects.create(name="Ville"),
    introduction="<p>Pistes.</p>", decision_at_stake="d", what_can_change="w", use_of_contributions="u",
    opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1), questions=QUESTIONS,
)
home.add_child(instance=page)
page.save_revision().publish()
Idea.objects.create(consultation=page, title="Des arceaux à vélo", text="Devant la gare.")
assert django.db.connection.vendor == "sqlite"
titles = sorted(hit.title for hit in site_search(text="vélo"))
assert titles == ["Des arceaux à vélo", "Le vélo en ville"], titles
assert [hit.title for hit in site_search(text="gare")] == ["Des arceaux à vélo"]
print("ok")
"""
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL", "CI")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_SETTINGS_MODULE="config.settings",
        CONCERTO_VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.stdout.strip().endswith("ok"), result.stderr[-3000:]


def test_a_search_takes_the_same_number_of_queries_however_many_results(
    en,
    organisation,
    places,
    django_assert_max_num_queries,
):
    def search():
        with django_assert_max_num_queries(25) as captured:
            en.get(reverse("search"), {"q": "compost"})
        return len(captured)

    consultation = consultation_create(organisation=organisation, title="Le compost en ville")
    idea_create(consultation, "Un compost au square", territory=places.lyon)
    initiative_create(organisation=organisation, territory=places.lyon_4, title="Compost partagé")
    search()  # the first request of the site creates its settings row
    few = search()
    for number in range(5):
        consultation_create(organisation=organisation, title=f"Compost, quartier {number}")
        idea_create(consultation, f"Compost numéro {number}", territory=places.villeurbanne)
        initiative_create(
            organisation=organisation, territory=places.lyon, title=f"Compost collectif {number}"
        )
    assert search() == few


def test_the_status_filter_speaks_the_visitor_s_language(client):
    english = client.get(reverse("search"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Idea: Received" in english
    french = client.get(reverse("search"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Idée\xa0: Reçue" in french


def test_news_is_found_and_its_unpublished_drafts_are_not(en):
    from cms.models import HomePage, NewsIndexPage, NewsPage

    index = NewsIndexPage(title="Actualités", slug="actualites")
    HomePage.objects.get().add_child(instance=index)
    index.save_revision().publish()
    for title, live in (("Le compost collectif arrive", True), ("Le compost en brouillon", False)):
        news = NewsPage(title=title, introduction="Des bacs dans chaque quartier.")
        index.add_child(instance=news)
        revision = news.save_revision()
        if live:
            revision.publish()
        else:
            news.unpublish()
    assert found(en, q="compost") == ["Le compost collectif arrive"]
    assert found(en, q="compost", kind="news") == ["Le compost collectif arrive"]


def test_every_kind_costs_the_same_queries_for_one_result_or_many(en, organisation, places):
    """Consultations, calls, ideas, laureates, initiatives, outcome pages, news and pages: one hit of
    each kind, then four of each, found in the same number of queries."""
    from django.test.utils import CaptureQueriesContext

    from cms.models import NewsIndexPage, NewsPage
    from tests.factories import outcome_create

    home = HomePage.objects.get()
    news_index = NewsIndexPage(title="Actualités", slug="actualites")
    home.add_child(instance=news_index)
    news_index.save_revision().publish()

    def one_of_each(number):
        consultation = consultation_create(organisation=organisation, title=f"Le vélo en ville {number}")
        call_create(title=f"Appel pour le vélo partagé {number}")
        idea_create(consultation, f"Des arceaux à vélo {number}", territory=places.lyon)
        call_closed_with(title=f"Vélo-école de quartier {number}", territory=places.lyon)
        initiative_create(organisation=organisation, territory=places.lyon, title=f"Atelier vélo {number}")
        outcome_create(consultation, title=f"Bilan du vélo {number}")
        news = NewsPage(title=f"Le vélo arrive {number}", introduction="Des pistes.")
        news_index.add_child(instance=news)
        news.save_revision().publish()
        home.add_child(instance=StandardPage(title=f"Aide : le vélo {number}", body="<p>Le vélo.</p>"))

    def search():
        with CaptureQueriesContext(connection) as captured:
            response = en.get(reverse("search"), {"q": "vélo"})
        kinds = {hit.kind for hit in response.context["page_obj"].object_list}
        return len(captured), kinds, response.context["page_obj"].paginator.count

    every_kind = {"consultation", "call", "idea", "project", "initiative", "outcome", "news", "page"}
    one_of_each(0)
    search()  # the first request of the site creates its settings row
    few, kinds, count = search()
    assert kinds == every_kind
    for number in range(1, 4):
        one_of_each(number)
    many, kinds, more = search()
    assert more >= 4 * count - 2, "the many results are really found"
    # The cards of the page shown are read with a query per kind on it: a first page of many results
    # may hold fewer kinds than one with a result of each, never more queries.
    assert many <= few
