"""An editor builds and publishes a consultation in the Wagtail admin."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.models import HomePage
from consultations.models import ConsultationPage

pytestmark = pytest.mark.django_db


def choices(*labels):
    data = streamfield([("item", label) for label in labels])
    return data


def consultation_form(organisation, **overrides):
    data = {
        "title": "Horaires d’ouverture de la mairie",
        "slug": "horaires-mairie",
        "organisation": str(organisation.pk),
        "introduction": rich_text("<p>Nous revoyons les horaires d’accueil.</p>"),
        "decision_at_stake": "Les horaires, décidés en conseil municipal.",
        "what_can_change": "Les horaires du samedi.",
        "use_of_contributions": "Un bilan publié ici.",
        "opens_at": "2026-01-01 09:00",
        "closes_at": "2099-01-31 18:00",
        "questions": streamfield(
            [
                (
                    "single_choice",
                    {
                        "label": "Quel créneau vous convient ?",
                        "help_text": "",
                        "required": "on",
                        "choices": choices("Le matin", "Le soir"),
                    },
                ),
                ("open_text", {"label": "Autre suggestion ?", "help_text": "", "max_length": "500"}),
            ]
        ),
        "data_purpose": "Recueillir vos avis sur les horaires.",
        "legal_basis": "public_task",
        "statement_moderation": "post",
        "retention_months": "12",
        "updates": inline_formset([]),
        "audience": "signed_in",
        "invited_participants": inline_formset([]),
        "action-publish": "publish",
    }
    data.update(overrides)
    return nested_form_data(data)


def add_url():
    return reverse(
        "wagtailadmin_pages:add", args=["consultations", "consultationpage", HomePage.objects.get().pk]
    )


def test_an_editor_adds_a_dated_follow_up_update(client, editor, organisation):
    client.force_login(editor)
    update = {"published_on": "2026-03-02", "title": "Les nouveaux horaires", "text": "Dès lundi."}
    created = client.post(add_url(), consultation_form(organisation, updates=inline_formset([update])))
    assert created.status_code == 302
    page = client.get(ConsultationPage.objects.get(slug="horaires-mairie").url).content.decode()
    assert "Les nouveaux horaires" in page
    assert "2 mars 2026" in page


def test_an_editor_creates_and_publishes_a_consultation(client, editor, organisation):
    client.force_login(editor)
    assert client.get(add_url()).status_code == 200
    created = client.post(add_url(), consultation_form(organisation))
    assert created.status_code == 302, created.content.decode()[:2000]
    page = ConsultationPage.objects.get(slug="horaires-mairie")
    assert page.live
    questions = page.question_list
    assert [q.kind for q in questions] == ["single_choice", "open_text"]
    assert [label for _id, label in questions[0].choices] == ["Le matin", "Le soir"]
    assert questions[1].required is False
    public = client.get(page.url)
    assert public.status_code == 200
    assert "Quel créneau vous convient ?" in public.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"closes_at": "2025-12-01 09:00"}, "closes_at"),
        ({"title": ""}, "title"),
        ({"opens_at": "pas une date"}, "opens_at"),
        ({"title": "x" * 300}, "title"),
        ({"legal_basis": "because"}, "legal_basis"),
        ({"retention_months": "-3"}, "retention_months"),
        ({"updates": inline_formset([{"published_on": "hier", "title": "x", "text": "y"}])}, "updates"),
        ({"decision_at_stake": ""}, "decision_at_stake"),
        ({"use_of_contributions": "   "}, "use_of_contributions"),
    ],
)
def test_bad_input_in_the_admin_is_refused_and_nothing_is_published(
    client, editor, organisation, overrides, field
):
    client.force_login(editor)
    refused = client.post(add_url(), consultation_form(organisation, **overrides))
    assert refused.status_code == 200  # Wagtail re-renders the editor with the errors
    form = refused.context["form"]
    errors = form.formsets[field].errors if field in form.formsets else form.errors.get(field)
    assert any(errors)
    assert not ConsultationPage.objects.filter(slug="horaires-mairie").exists()


def test_an_empty_questionnaire_is_refused(client, editor, organisation):
    client.force_login(editor)
    refused = client.post(add_url(), consultation_form(organisation, questions=streamfield([])))
    assert "questions" in refused.context["form"].errors
    assert not ConsultationPage.objects.filter(slug="horaires-mairie").exists()


def test_a_consultation_with_answers_cannot_be_deleted(client, consultation):
    from consultations.services.responses import response_submit
    from tests.factories import UserFactory, form_data

    answers = {key.removeprefix("q_"): value for key, value in form_data(consultation).items()}
    response_submit(consultation=consultation, participant=UserFactory(), answers=answers)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    refused = client.post(reverse("wagtailadmin_pages:delete", args=[consultation.pk]), follow=True)
    assert "ne peut pas être supprimée" in refused.content.decode()
    assert ConsultationPage.objects.filter(pk=consultation.pk).exists()
    assert consultation.responses.count() == 1


def test_an_editor_previews_a_consultation_before_saving_it(client, editor, organisation):
    client.force_login(editor)
    url = reverse(
        "wagtailadmin_pages:preview_on_add",
        args=["consultations", "consultationpage", HomePage.objects.get().pk],
    )
    assert client.post(url, consultation_form(organisation)).json()["is_valid"]
    preview = client.get(url)
    assert preview.status_code == 200
    assert "Quel créneau vous convient ?" in preview.content.decode()
    assert not ConsultationPage.objects.filter(slug="horaires-mairie").exists()


def test_a_draft_may_leave_the_duty_to_report_back_for_later_but_publishing_needs_it(
    client, editor, organisation
):
    client.force_login(editor)
    data = consultation_form(organisation, decision_at_stake="", what_can_change="", use_of_contributions="")
    data.pop("action-publish")
    assert client.post(add_url(), data).status_code == 302, "saved as a draft"
    draft = ConsultationPage.objects.get(slug="horaires-mairie")
    assert not draft.live
    refused = client.post(
        reverse("wagtailadmin_pages:edit", args=[draft.pk]), {**data, "action-publish": "publish"}
    )
    assert "decision_at_stake" in refused.context["form"].errors
    draft.refresh_from_db()
    assert not draft.live


def test_the_editor_does_not_publish_what_an_import_left_to_describe(client, editor, organisation):
    """An imported conversation's draft still says "Not stated in the Pol.is export…": publishing it from
    the page editor is refused on each such field (citizens would read it); the draft saves."""
    placeholder = "Not stated in the Pol.is export: describe it here before publishing."
    client.force_login(editor)
    client.cookies["django_language"] = "en"
    data = consultation_form(organisation, decision_at_stake=placeholder, what_can_change=placeholder)
    refused = client.post(add_url(), data)
    assert refused.status_code == 200
    errors = refused.context["form"].errors
    for field in ("decision_at_stake", "what_can_change"):
        assert "Replace the text the import wrote here before publishing" in errors[field][0]
    assert not ConsultationPage.objects.filter(slug="horaires-mairie").exists()

    draft = {key: value for key, value in data.items() if key != "action-publish"}
    assert client.post(add_url(), draft).status_code == 302, "saved as a draft"
    page = ConsultationPage.objects.get(slug="horaires-mairie")
    assert not page.live
    described = {
        **draft,
        "decision_at_stake": "Le conseil municipal en décide.",
        "what_can_change": "Les horaires du samedi.",
        "action-publish": "publish",
    }
    assert client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), described).status_code == 302
    page.refresh_from_db()
    assert page.live


def test_the_explorers_bulk_publish_does_not_publish_what_an_import_left_to_describe(
    client, editor, organisation
):
    placeholder = "Not stated in the Pol.is export: describe it here before publishing."
    client.force_login(editor)
    client.cookies["django_language"] = "en"
    data = consultation_form(organisation, decision_at_stake=placeholder)
    data.pop("action-publish")
    assert client.post(add_url(), data).status_code == 302, "saved as a draft"
    page = ConsultationPage.objects.get(slug="horaires-mairie")
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    response = client.post(f"{url}?id={page.pk}&next=/admin/pages/", follow=True)
    page.refresh_from_db()
    assert not page.live
    assert "still shows a text the import wrote" in response.content.decode()


def every_new_kind():
    return streamfield(
        [
            ("section", {"heading": "Vos usages", "intro": "Quelques questions rapides."}),
            (
                "short_text",
                {"label": "Votre quartier", "help_text": "", "required": "on", "max_length": "80"},
            ),
            (
                "multiple_choice",
                {
                    "label": "Quels jours ?",
                    "help_text": "",
                    "required": "on",
                    "choices": choices("Lundi", "Samedi", "Dimanche"),
                    "allow_other": "on",
                    "min_choices": "1",
                    "max_choices": "2",
                },
            ),
            ("yes_no", {"label": "Venez-vous en voiture ?", "help_text": "", "required": "on"}),
            (
                "scale",
                {
                    "label": "Satisfaction",
                    "help_text": "",
                    "required": "on",
                    "scale_min": "0",
                    "scale_max": "10",
                    "min_label": "Pas du tout",
                    "max_label": "Tout à fait",
                },
            ),
            ("ranking", {"label": "Classez", "help_text": "", "choices": choices("Matin", "Midi", "Soir")}),
            ("number", {"label": "Minutes de trajet", "help_text": "", "min_value": "0", "max_value": "300"}),
        ]
    )


def test_an_editor_builds_every_kind_of_question_and_invites_participants(client, editor, organisation):
    client.force_login(editor)
    data = consultation_form(
        organisation,
        questions=every_new_kind(),
        audience="invited",
        invited_participants=inline_formset(
            [{"email": "Maire@Example.org"}, {"email": "adjoint@example.org"}]
        ),
    )
    created = client.post(add_url(), data)
    assert created.status_code == 302, created.content.decode()[:2000]
    page = ConsultationPage.objects.get(slug="horaires-mairie")
    questions = page.question_list
    assert [q.kind for q in questions] == [
        "short_text",
        "multiple_choice",
        "yes_no",
        "scale",
        "ranking",
        "number",
    ]
    assert questions[0].section.heading == "Vos usages"
    multiple, scale = questions[1], questions[3]
    assert (multiple.min_choices, multiple.max_choices, multiple.allow_other) == (1, 2, True)
    assert (scale.min_value, scale.max_value, scale.max_label) == (0, 10, "Tout à fait")
    assert sorted(page.invited_participants.values_list("email", flat=True)) == [
        "adjoint@example.org",
        "maire@example.org",
    ], "addresses are kept in lower case, so they match however they are typed"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"audience": "territory"}, "audience_territory"),
        ({"audience": "everybody"}, "audience"),
    ],
)
def test_an_audience_without_its_territory_is_refused(client, editor, organisation, overrides, field):
    client.force_login(editor)
    refused = client.post(add_url(), consultation_form(organisation, **overrides))
    assert field in refused.context["form"].errors
    assert not ConsultationPage.objects.filter(slug="horaires-mairie").exists()


def test_a_multiple_choice_whose_maximum_is_below_its_minimum_is_refused(client, editor, organisation):
    client.force_login(editor)
    questions = streamfield(
        [
            (
                "multiple_choice",
                {
                    "label": "Quels jours ?",
                    "help_text": "",
                    "choices": choices("Lundi", "Samedi", "Dimanche"),
                    "min_choices": "3",
                    "max_choices": "2",
                },
            )
        ]
    )
    refused = client.post(add_url(), consultation_form(organisation, questions=questions))
    assert "questions" in refused.context["form"].errors
    assert not ConsultationPage.objects.filter(slug="horaires-mairie").exists()


def test_one_address_invited_twice_in_two_spellings_is_refused_not_a_server_error(
    client, editor, organisation
):
    client.force_login(editor)
    data = consultation_form(
        organisation,
        audience="invited",
        invited_participants=inline_formset([{"email": "Maire@Example.org"}, {"email": "maire@example.org"}]),
    )
    refused = client.post(add_url(), data)
    assert refused.status_code == 200
    assert not ConsultationPage.objects.filter(slug="horaires-mairie").exists()


def test_an_editor_previews_every_kind_before_saving(client, editor, organisation):
    client.force_login(editor)
    url = reverse(
        "wagtailadmin_pages:preview_on_add",
        args=["consultations", "consultationpage", HomePage.objects.get().pk],
    )
    assert client.post(url, consultation_form(organisation, questions=every_new_kind())).json()["is_valid"]
    preview = client.get(url)
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "Vos usages" in body
    assert "Classez" in body
    assert "Pas du tout" in body


def test_a_consultation_with_imported_votes_or_statements_cannot_be_deleted_either(client, consultation):
    """Statements, ideas and imported voters are protected in the database: deleting their consultation
    is refused with a message, not a server error."""
    from consultations.models import Channel, ExternalParticipant, Statement
    from tests.factories import UserFactory

    imported = ExternalParticipant.objects.create(
        consultation=consultation, channel=Channel.POLIS, reference="1"
    )
    Statement.objects.create(consultation=consultation, text="Importée", channel=Channel.POLIS)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    refused = client.post(reverse("wagtailadmin_pages:delete", args=[consultation.pk]), follow=True)
    assert refused.status_code == 200
    assert "ne peut pas être supprimée" in refused.content.decode()
    assert ExternalParticipant.objects.filter(pk=imported.pk).exists()


def test_an_editor_marks_a_question_personal_and_an_age_band_always_is(client, editor, organisation):
    """A question about the participants themselves can be marked personal in the editor (its help text
    says what that changes); an age band is personal without being marked."""
    from wagtail.users.models import UserProfile

    UserProfile.objects.update_or_create(user=editor, defaults={"preferred_language": "en"})
    client.force_login(editor)
    form = client.get(add_url()).content.decode()
    assert "only as totals with small groups hidden" in form
    questions = streamfield(
        [
            (
                "single_choice",
                {
                    "label": "Revenu du foyer",
                    "help_text": "",
                    "required": "",
                    "personal": "on",
                    "choices": choices("Moins de 1 500 €", "Plus de 1 500 €"),
                },
            ),
            ("yes_no", {"label": "Viendrez-vous ?", "help_text": "", "required": "on"}),
            ("age_band", {"label": "Votre âge", "purpose": "Entendre chaque génération."}),
        ]
    )
    created = client.post(add_url(), consultation_form(organisation, questions=questions))
    assert created.status_code == 302, created.content.decode()[:2000]
    income, coming, age = ConsultationPage.objects.get(slug="horaires-mairie").question_list
    assert (income.personal, coming.personal, age.personal) == (True, False, True)
