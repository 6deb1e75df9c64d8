"""An editor builds and publishes a call in the Wagtail admin; its calendar and amounts are checked."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from cms.models import HomePage
from consultations.calls.models import CallPage

from .conftest import project_create

pytestmark = pytest.mark.django_db


def call_form(organisation, **overrides):
    data = {
        "title": "Appel à initiatives « Alimentation »",
        "slug": "appel-alimentation",
        "organisation": str(organisation.pk),
        "kind": "initiatives",
        "introduction": rich_text("<p>Racontez-nous vos initiatives.</p>"),
        "objectives": "Recenser les initiatives locales.",
        "eligibility": "Toute personne.",
        "accepts_individuals": "on",
        "accepts_associations": "on",
        "total_budget": "50000",
        "min_amount": "1000",
        "max_amount": "10000",
        "opens_at": "2026-01-01 09:00",
        "closes_at": "2099-01-31 18:00",
        "max_file_size_mb": "10",
        "rules": rich_text("<p>Le règlement.</p>"),
        "criteria": inline_formset(
            [{"label": "Utilité", "description": "", "weight": "2", "max_score": "10"}], min=1
        ),
        "fields": inline_formset(
            [{"label": "Depuis quand ?", "help_text": "", "kind": "date", "required": "on"}]
        ),
        "documents": inline_formset([{"label": "Photo", "description": "", "required": ""}]),
        "action-publish": "publish",
    }
    data.update(overrides)
    return nested_form_data(data)


def add_url():
    return reverse("wagtailadmin_pages:add", args=["calls", "callpage", HomePage.objects.get().pk])


def test_an_editor_creates_and_publishes_a_call(en, editor, organisation):
    en.force_login(editor)
    assert en.get(add_url()).status_code == 200
    created = en.post(add_url(), call_form(organisation))
    assert created.status_code == 302, created.content.decode()[:3000]
    call = CallPage.objects.get(slug="appel-alimentation")
    assert call.live
    assert call.applicant_types == ["individual", "association"]
    assert [c.label for c in call.criteria.all()] == ["Utilité"]
    assert call.fields.get().kind == "date"
    page = en.get(call.url).content.decode()
    assert "Recenser les initiatives locales." in page
    assert "Call for field initiatives" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"closes_at": "2025-12-01 09:00"}, "The closing date must come after the opening date."),
        ({"min_amount": "20000"}, "The maximum per project must not be below the minimum."),
        ({"max_amount": "90000"}, "The maximum per project must not exceed the total budget."),
        ({"accepts_individuals": "", "accepts_associations": ""}, "Accept at least one kind of applicant."),
        ({"max_file_size_mb": "500"}, "less than or equal to 50"),
        ({"kind": "lottery"}, "Select a valid choice."),
    ],
)
def test_a_call_with_bad_settings_is_refused(en, editor, organisation, overrides, message):
    en.force_login(editor)
    data = {key: value for key, value in call_form(organisation, **overrides).items() if value != ""}
    response = en.post(add_url(), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CallPage.objects.exists()


def test_a_call_with_dossiers_cannot_be_deleted(en, editor, call, applicant):
    project_create(call, applicant)
    en.force_login(editor)
    response = en.post(reverse("wagtailadmin_pages:delete", args=[call.pk]))
    assert response.status_code == 302
    assert CallPage.objects.filter(pk=call.pk).exists()
