"""Each organisation has its section of the page tree: its officials and editors launch, edit, publish
and delete its consultations and calls there, through the Wagtail admin, and never touch another
organisation's pages; site editors keep their rights everywhere.

The matrix: persona (official of A, official of B, editor of A, site editor, participant, anonymous)
× kind (consultation, call) × action (list, create, edit, publish, delete), each on sections A and B.
"""

import pytest
from django.urls import reverse
from wagtail.models import Page

from accounts.models import Membership
from accounts.services import membership_revoke
from calls.models import CallPage
from cms.models import HomePage
from consultations.models import ConsultationPage, OrganisationIndexPage
from consultations.sections import organisation_section_ensure
from tests.calls.conftest import call_create
from tests.calls.test_call_page import call_form
from tests.consultations.test_admin import consultation_form
from tests.factories import (
    AdministratorFactory,
    EditorFactory,
    OfficialFactory,
    OrganisationEditorFactory,
    OrganisationFactory,
    UserFactory,
    consultation_create,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["official_a", "official_b", "editor_a", "site_editor", "participant", "anonymous"]
# The sections where each persona works.
ALLOWED = {
    "official_a": {"a"},
    "official_b": {"b"},
    "editor_a": {"a"},
    "site_editor": {"a", "b"},
    "participant": set(),
    "anonymous": set(),
}
KINDS = {
    "consultation": (ConsultationPage, "consultations", "consultationpage", consultation_form),
    "call": (CallPage, "calls", "callpage", call_form),
}


@pytest.fixture
def organisations():
    return {
        "a": OrganisationFactory(name="Ville d’Ambert"),
        "b": OrganisationFactory(name="Ville de Brioude"),
    }


def person(persona, organisations):
    match persona:
        case "official_a":
            return OfficialFactory(organisation=organisations["a"])
        case "official_b":
            return OfficialFactory(organisation=organisations["b"])
        case "editor_a":
            return OrganisationEditorFactory(organisation=organisations["a"])
        case "site_editor":
            return EditorFactory()
        case "participant":
            return UserFactory()
        case "anonymous":
            return None
    raise AssertionError(persona)


def page_in_section(kind, organisation, *, publish=True):
    section = organisation.section
    if kind == "consultation":
        return consultation_create(organisation=organisation, parent=section, publish=publish)
    return call_create(organisation=organisation, parent=section, publish=publish)


def page_form(kind, organisation, *, publish, **overrides):
    data = KINDS[kind][3](organisation, **overrides)
    if not publish:
        del data["action-publish"]
    return data


def signed_in(client, persona, organisations):
    user = person(persona, organisations)
    if user is not None:
        client.force_login(user)
    return user


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_listing_a_section_in_the_page_explorer(client, organisations, persona, kind):
    pages = {key: page_in_section(kind, organisation) for key, organisation in organisations.items()}
    signed_in(client, persona, organisations)
    for key, organisation in organisations.items():
        response = client.get(reverse("wagtailadmin_explore", args=[organisation.section.pk]))
        listed = response.status_code == 200 and pages[key].title in response.content.decode()
        assert listed is (key in ALLOWED[persona]), (key, response.status_code)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_creating_a_page_in_a_section(client, organisations, persona, kind):
    model, app, name, _form = KINDS[kind]
    signed_in(client, persona, organisations)
    for key, organisation in organisations.items():
        url = reverse("wagtailadmin_pages:add", args=[app, name, organisation.section.pk])
        slug = f"nouveau-{key}"
        response = client.post(url, page_form(kind, organisation, publish=True, slug=slug))
        created = model.objects.filter(slug=slug).first()
        if key in ALLOWED[persona]:
            assert response.status_code == 302, response.content.decode()[:2000]
            assert created.live
            assert created.get_parent().pk == organisation.section.pk
            assert created.organisation == organisation
        else:
            assert created is None


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_editing_a_page_of_a_section(client, organisations, persona, kind):
    pages = {key: page_in_section(kind, organisation) for key, organisation in organisations.items()}
    signed_in(client, persona, organisations)
    for key, organisation in organisations.items():
        page = pages[key]
        url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        client.post(url, page_form(kind, organisation, publish=False, slug=page.slug, title="Titre revu"))
        edited = Page.objects.get(pk=page.pk).draft_title == "Titre revu"
        assert edited is (key in ALLOWED[persona]), key


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_publishing_a_page_of_a_section(client, organisations, persona, kind):
    pages = {
        key: page_in_section(kind, organisation, publish=False) for key, organisation in organisations.items()
    }
    signed_in(client, persona, organisations)
    for key, organisation in organisations.items():
        page = pages[key]
        url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        client.post(url, page_form(kind, organisation, publish=True, slug=page.slug))
        assert Page.objects.get(pk=page.pk).live is (key in ALLOWED[persona]), key


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_deleting_a_page_of_a_section(client, organisations, persona, kind):
    pages = {key: page_in_section(kind, organisation) for key, organisation in organisations.items()}
    signed_in(client, persona, organisations)
    for key in organisations:
        client.post(reverse("wagtailadmin_pages:delete", args=[pages[key].pk]))
        deleted = not Page.objects.filter(pk=pages[key].pk).exists()
        assert deleted is (key in ALLOWED[persona]), key


def test_an_official_has_the_pages_menu_and_the_explorer_opens_on_their_section(client, organisations):
    official = OfficialFactory(organisation=organisations["a"])
    client.force_login(official)
    response = client.get(reverse("wagtailadmin_explore_root"), follow=True)
    assert response.status_code == 200
    assert response.context["parent_page"].pk == organisations["a"].section.pk
    assert reverse("wagtailadmin_explore_root") in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_organisation_of_a_page_made_in_a_section_is_the_sections(client, organisations):
    """An official of A who sends B as the organisation of a consultation made in A's section gets A."""
    client.force_login(OfficialFactory(organisation=organisations["a"]))
    url = reverse(
        "wagtailadmin_pages:add", args=["consultations", "consultationpage", organisations["a"].section.pk]
    )
    form = consultation_form(organisations["b"], slug="envoyee-pour-b")
    assert client.post(url, form).status_code == 302
    assert ConsultationPage.objects.get(slug="envoyee-pour-b").organisation == organisations["a"]


def test_someone_in_two_organisations_works_in_both_sections_only(client, organisations):
    third = OrganisationFactory()
    official = OfficialFactory(organisation=organisations["a"])
    Membership.objects.create(user=official, organisation=organisations["b"], role=Membership.Role.EDITOR)
    pages = {
        key: page_in_section("consultation", organisation) for key, organisation in organisations.items()
    }
    elsewhere = page_in_section("consultation", third)
    permissions = {page: page.permissions_for_user(official) for page in (*pages.values(), elsewhere)}
    assert permissions[pages["a"]].can_publish()
    assert permissions[pages["b"]].can_publish()
    assert not permissions[elsewhere].can_edit()
    client.force_login(official)
    explorer = client.get(reverse("wagtailadmin_explore_root"), follow=True)
    # The explorer starts where both sections meet, and lists those two sections only.
    assert explorer.context["parent_page"].pk == HomePage.objects.get().pk
    listed = explorer.content.decode()
    assert organisations["a"].name in listed
    assert organisations["b"].name in listed
    assert third.name not in listed


def test_a_revoked_official_loses_the_rights_at_once(client, organisations):
    official = OfficialFactory(organisation=organisations["a"])
    page = page_in_section("consultation", organisations["a"])
    client.force_login(official)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200
    membership_revoke(membership=official.memberships.get())
    assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code != 200
    form = page_form("consultation", organisations["a"], publish=False, slug=page.slug, title="Après départ")
    client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), form)
    assert Page.objects.get(pk=page.pk).draft_title != "Après départ"
    assert not official.groups.filter(name="Officials").exists()


@pytest.mark.parametrize("mover", ["site_editor", "administrator"])
def test_a_page_is_not_moved_into_another_organisations_section(client, organisations, mover):
    user = EditorFactory() if mover == "site_editor" else AdministratorFactory()
    page = page_in_section("call", organisations["a"])
    client.force_login(user)
    client.post(reverse("wagtailadmin_pages:move_confirm", args=[page.pk, organisations["b"].section.pk]))
    assert Page.objects.get(pk=page.pk).get_parent().pk == organisations["a"].section.pk
    # Its own section is the one place it may go: from under the home page, where older pages stand.
    older = call_create(organisation=organisations["a"], title="Un appel plus ancien")
    client.post(reverse("wagtailadmin_pages:move_confirm", args=[older.pk, organisations["a"].section.pk]))
    assert Page.objects.get(pk=older.pk).get_parent().pk == organisations["a"].section.pk


def test_a_page_is_not_copied_into_another_organisations_section(client, organisations):
    official = OfficialFactory(organisation=organisations["a"])
    Membership.objects.create(user=official, organisation=organisations["b"], role=Membership.Role.OFFICIAL)
    page = page_in_section("consultation", organisations["a"])
    client.force_login(official)
    data = {"new_title": "Copie", "new_slug": "copie", "new_parent_page": str(organisations["b"].section.pk)}
    refused = client.post(reverse("wagtailadmin_pages:copy", args=[page.pk]), data)
    assert refused.status_code == 200
    assert "new_parent_page" in refused.context["form"].errors
    assert not ConsultationPage.objects.filter(slug="copie").exists()


@pytest.mark.parametrize("kind", KINDS)
def test_an_older_page_under_the_home_page_is_edited_by_its_organisation_only(organisations, kind):
    """Pages made before sections existed stay at their address; their organisation's officials edit them."""
    make = consultation_create if kind == "consultation" else call_create
    older = make(organisation=organisations["a"])
    assert older.get_parent().pk == HomePage.objects.get().pk
    for official, allowed in (
        (OfficialFactory(organisation=organisations["a"]), True),
        (OfficialFactory(organisation=organisations["b"]), False),
    ):
        assert older.permissions_for_user(official).can_publish() is allowed


def test_an_official_does_not_hand_an_older_page_to_another_organisation(client, organisations):
    older = consultation_create(organisation=organisations["a"])
    client.force_login(OfficialFactory(organisation=organisations["a"]))
    form = page_form("consultation", organisations["b"], publish=True, slug=older.slug, title="Titre revu")
    assert client.post(reverse("wagtailadmin_pages:edit", args=[older.pk]), form).status_code == 302
    older = ConsultationPage.objects.get(pk=older.pk)
    assert older.title == "Titre revu"
    assert older.organisation == organisations["a"]


def test_a_section_is_not_deleted(client, organisations):
    client.force_login(EditorFactory())
    section = organisations["a"].section
    client.post(reverse("wagtailadmin_pages:delete", args=[section.pk]))
    assert OrganisationIndexPage.objects.filter(pk=section.pk).exists()


def test_a_section_is_not_deleted_by_the_explorers_bulk_action_either(client, organisations):
    client.force_login(EditorFactory(language="en"))
    client.cookies["django_language"] = "en"
    section = organisations["a"].section
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
    response = client.post(f"{url}?id={section.pk}&next=/admin/pages/", follow=True)
    assert OrganisationIndexPage.objects.filter(pk=section.pk).exists()
    assert "section of an organisation" in response.content.decode()


def test_the_calls_list_offers_to_launch_a_call_in_the_officials_section(client, organisations):
    client.force_login(OfficialFactory(organisation=organisations["a"]))
    listing = client.get(reverse("calls_admin_index")).content.decode()
    add = reverse("wagtailadmin_pages:add", args=["calls", "callpage", organisations["a"].section.pk])
    elsewhere = reverse("wagtailadmin_pages:add", args=["calls", "callpage", organisations["b"].section.pk])
    assert add in listing
    assert elsewhere not in listing
    assert client.get(add).status_code == 200


def test_the_reports_list_offers_to_launch_a_consultation_in_the_officials_section(client, organisations):
    client.force_login(OfficialFactory(organisation=organisations["a"]))
    listing = client.get(reverse("feedback_report_index")).content.decode()
    section = organisations["a"].section.pk
    assert reverse("wagtailadmin_pages:add", args=["consultations", "consultationpage", section]) in listing


def test_a_section_page_shows_the_organisation_and_its_open_consultations_and_calls(client, organisations):
    consultation = page_in_section("consultation", organisations["a"])
    call = page_in_section("call", organisations["a"])
    other = page_in_section("consultation", organisations["b"])
    response = client.get(organisations["a"].section.url)
    assert response.status_code == 200
    content = response.content.decode()
    assert organisations["a"].name in content
    assert consultation.title in content
    assert call.title in content
    assert other.url not in content


def test_making_a_section_twice_gives_the_same_section(organisations):
    section = organisations["a"].section
    assert organisation_section_ensure(organisation=organisations["a"]) == section
    assert OrganisationIndexPage.objects.filter(organisation=organisations["a"]).count() == 1


def test_a_section_does_not_take_an_address_of_the_site():
    """An organisation called "calls" gets its section at /calls-2/: /calls/ is the site's own."""
    section = OrganisationFactory(name="Calls", slug="calls").section
    assert section.url == "/calls-2/"
