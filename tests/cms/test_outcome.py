"""Outcome pages quote figures from a pinned report version, so they never change silently."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from cms.models import HomePage, OutcomePage
from consultations.feedback.models import ReportSnapshot
from consultations.feedback.services import report_compile
from tests.consultations.feedback.test_reports import answer
from tests.factories import consultation_create

pytestmark = pytest.mark.django_db


def outcome_create(consultation, snapshot, body):
    page = OutcomePage(
        title="Ce que vous nous avez dit",
        consultation=consultation,
        report_version=snapshot,
        summary="Une majorité télétravaille deux jours.",
        body=body,
    )
    HomePage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    return page


def test_figures_come_from_the_pinned_version_even_after_a_recompile(client, consultation):
    answer(consultation, choice=2)
    answer(consultation, choice=2)
    pinned = report_compile(consultation=consultation)
    page = outcome_create(
        consultation,
        pinned,
        [
            {
                "type": "report_figure",
                "value": {"figure": "participants", "caption": "personnes ont répondu"},
            },
            {"type": "report_figure", "value": {"figure": "question", "question_number": 1}},
        ],
    )
    answer(consultation, choice=0)
    assert report_compile(consultation=consultation).participants == 3

    body = client.get(page.url).content.decode()
    assert 'data-figure="participants">2<' in body
    assert "personnes ont répondu" in body
    assert "Deux ou plus" in body
    assert "100,0 %" in body or "100.0 %" in body
    assert page.url in client.get("/").content.decode(), "the home page lists the latest outcomes"
    assert page.url in client.get(consultation.url).content.decode(), "the consultation links to its outcome"


def test_an_outcome_must_quote_a_version_of_its_own_consultation(consultation, organisation):
    answer(consultation)
    other = consultation_create(organisation=organisation, title="Autre consultation")
    answer(other)
    wrong = report_compile(consultation=other)
    page = OutcomePage(title="Bilan", consultation=consultation, report_version=wrong, summary="…", body=[])
    with pytest.raises(Exception, match="consultation"):
        page.full_clean()


def outcome_form(consultation, snapshot, **overrides) -> dict:
    """The outcome page editor's fields: one figure (participants) from the pinned version."""
    data = {
        "title": "Bilan de la consultation",
        "slug": "bilan",
        "consultation": str(consultation.pk),
        "report_version": str(snapshot.pk),
        "summary": "Ce que nous avons entendu.",
        "body": streamfield(
            [("report_figure", {"figure": "participants", "question_number": "", "caption": "participants"})]
        ),
        **overrides,
    }
    return nested_form_data(data)


def test_an_editor_publishes_an_outcome_page_in_the_admin(client, editor, consultation):
    answer(consultation)
    snapshot = report_compile(consultation=consultation)
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:add", args=["cms", "outcomepage", HomePage.objects.get().pk])
    publish = {"action-publish": "publish"}
    assert client.post(url, outcome_form(consultation, snapshot, **publish)).status_code == 302
    page = OutcomePage.objects.get(slug="bilan")
    assert page.live
    assert 'data-figure="participants">1<' in client.get(page.url).content.decode()

    unpinned = outcome_form(
        consultation, snapshot, slug="bilan-2", report_version="", title="Sans version", **publish
    )
    refused = client.post(url, unpinned)
    assert "report_version" in refused.context["form"].errors, "figures need a pinned version"
    assert not OutcomePage.objects.filter(slug="bilan-2").exists()

    not_a_choice = streamfield(
        [("report_figure", {"figure": "question", "question_number": "2", "caption": ""})]
    )
    refused = client.post(
        url, outcome_form(consultation, snapshot, slug="bilan-2", body=not_a_choice, **publish)
    )
    assert "report_version" in refused.context["form"].errors, "question 2 is not a choice question"


def test_an_editor_previews_an_outcome_page_before_saving_it(client, editor, consultation):
    answer(consultation)
    snapshot = report_compile(consultation=consultation)
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:preview_on_add", args=["cms", "outcomepage", HomePage.objects.get().pk])
    assert client.post(url, outcome_form(consultation, snapshot)).json()["is_valid"]
    assert 'data-figure="participants">1<' in client.get(url).content.decode()


def test_the_outcome_editor_offers_versions_of_published_consultations_only(client, editor, consultation):
    from tests.factories import consultation_create as create

    draft = create(organisation=consultation.organisation, title="Brouillon", publish=False)
    answer(consultation)
    shown = report_compile(consultation=consultation)
    hidden = ReportSnapshot.objects.create(
        consultation=draft, version=1, response_count=0, responses_updated_at=None, data={}
    )
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:add", args=["cms", "outcomepage", HomePage.objects.get().pk])
    choices = list(client.get(url).context["form"].fields["report_version"].queryset)
    assert shown in choices
    assert hidden not in choices
