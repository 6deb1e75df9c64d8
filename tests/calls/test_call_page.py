"""An editor builds and publishes a call in the Wagtail admin; its calendar and amounts are checked."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from calls.models import CallPage
from cms.models import HomePage
from tests.calls.conftest import project_create

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


def test_a_scored_criterion_cannot_be_removed(en, editor, call, applicant, evaluator):
    from calls.models import Assignment, Criterion, Project, Score
    from calls.services.evaluations import scores_save

    project = project_create(call, applicant, status=Project.Status.IN_EVALUATION)
    assignment = Assignment.objects.create(project=project, evaluator=evaluator, has_conflict=False)
    criteria = list(call.criteria.all())
    scores_save(assignment=assignment, values={c.pk: (4, "") for c in criteria}, comment="")
    en.force_login(editor)
    edit = reverse("wagtailadmin_pages:edit", args=[call.pk])
    form = call_form(
        call.organisation,
        title=call.title,
        slug=call.slug,
        criteria=inline_formset(
            [
                {
                    "id": str(c.pk),
                    "label": c.label,
                    "description": "",
                    "weight": "1",
                    "max_score": "10",
                    "DELETE": "1" if n == 0 else "",
                }
                for n, c in enumerate(criteria)
            ],
            initial=2,
            min=1,
        ),
        documents=inline_formset(
            [
                {"id": str(d.pk), "label": d.label, "description": "", "required": "on"}
                for d in call.documents.all()
            ],
            initial=1,
        ),
        fields=inline_formset([]),
    )
    form = {key: value for key, value in form.items() if value != ""}
    response = en.post(edit, form)
    assert response.status_code == 200
    assert "This criterion has been scored by evaluators: keep it." in response.content.decode()
    assert Criterion.objects.filter(call=call).count() == 2
    assert Score.objects.count() == 2


@pytest.fixture
def scored_and_answered(call, applicant, evaluator):
    """A call whose question is answered and whose criteria are scored."""
    from calls.models import Assignment, CallField, Project
    from calls.services.evaluations import scores_save

    question = CallField.objects.create(call=call, label="Depuis quand ?", kind="short_text", required=False)
    project = project_create(call, applicant, status=Project.Status.IN_EVALUATION)
    Project.objects.filter(pk=project.pk).update(answers={question.key: "2019"})
    assignment = Assignment.objects.create(project=project, evaluator=evaluator, has_conflict=False)
    scores_save(assignment=assignment, values={c.pk: (10, "") for c in call.criteria.all()}, comment="")
    return question


def edit_form(call, *, criteria=None, fields=None):
    criteria = criteria if criteria is not None else [{} for _c in call.criteria.all()]
    rows = [
        {"id": str(c.pk), "label": c.label, "description": "", "weight": "1", "max_score": str(c.max_score)}
        | changes
        for c, changes in zip(call.criteria.all(), criteria, strict=False)
    ]
    question_rows = [
        {"id": str(q.pk), "label": q.label, "help_text": "", "kind": q.kind, "required": ""} | changes
        for q, changes in zip(call.fields.all(), fields or [{} for _q in call.fields.all()], strict=True)
    ]
    form = call_form(
        call.organisation,
        title=call.title,
        slug=call.slug,
        criteria=inline_formset(rows, initial=len(rows), min=1),
        fields=inline_formset(question_rows, initial=len(question_rows)),
        documents=inline_formset(
            [
                {"id": str(d.pk), "label": d.label, "description": "", "required": "on"}
                for d in call.documents.all()
            ],
            initial=call.documents.count(),
        ),
    )
    return {key: value for key, value in form.items() if value != ""}


def test_an_answered_question_cannot_be_removed(en, editor, call, scored_and_answered):
    en.force_login(editor)
    response = en.post(
        reverse("wagtailadmin_pages:edit", args=[call.pk]), edit_form(call, fields=[{"DELETE": "1"}])
    )
    assert response.status_code == 200
    assert "Applicants have answered this question: keep it." in response.content.decode()
    assert call.fields.filter(pk=scored_and_answered.pk).exists()


def test_a_scored_criterion_keeps_its_highest_score(en, editor, call, scored_and_answered):
    from calls.models import Criterion

    en.force_login(editor)
    response = en.post(
        reverse("wagtailadmin_pages:edit", args=[call.pk]), edit_form(call, criteria=[{"max_score": "100"}])
    )
    assert response.status_code == 200
    assert "its highest score can no longer change" in response.content.decode()
    assert set(Criterion.objects.filter(call=call).values_list("max_score", flat=True)) == {10}


def test_a_version_without_a_scored_criterion_cannot_be_saved(en, editor, call, scored_and_answered):
    """As when restoring a revision from before the criterion existed: it is missing from the form."""
    from django.db.models.deletion import ProtectedError

    from calls.models import Criterion, Score

    en.force_login(editor)
    first, *_others = call.criteria.all()
    form = edit_form(call)
    form = {k: v for k, v in form.items() if not k.startswith("criteria-")}
    form |= {
        k: v
        for k, v in nested_form_data(
            {
                "criteria": inline_formset(
                    [
                        {
                            "id": str(first.pk),
                            "label": first.label,
                            "description": "",
                            "weight": "1",
                            "max_score": "10",
                        }
                    ],
                    initial=1,
                    min=1,
                )
            }
        ).items()
        if v != ""
    }
    response = en.post(reverse("wagtailadmin_pages:edit", args=[call.pk]), form)
    assert response.status_code == 200
    assert "missing from this version" in response.content.decode()
    assert Criterion.objects.filter(call=call).count() == 2
    with pytest.raises(ProtectedError):
        Criterion.objects.exclude(pk=first.pk).get(call=call).delete()
    assert Score.objects.count() == 2
