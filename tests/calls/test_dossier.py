"""An applicant starts a dossier, leaves it as a draft, resumes it, submits it with a receipt, and edits it
until the deadline; bad input is refused clearly and nothing saved is lost."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from calls.models import CallField, CallPage, Project, StatusChange
from tests.calls.conftest import EXE, PDF, PNG, call_create, project_create

pytestmark = pytest.mark.django_db


def dossier_data(**changes):
    data = {
        "title": "Un tiers-lieu à Bourg",
        "summary": "Un café associatif et un atelier.",
        "applicant_type": "company",
        "organisation_name": "Bourg SARL",
        "siret": "732 829 320 00074",
        "rna": "",
        "amount_requested": "5000",
        "commune": "",
        "team-TOTAL_FORMS": "2",
        "team-INITIAL_FORMS": "0",
        "team-0-name": "Camille Martin",
        "team-0-role": "Porteuse",
        "team-0-co_applicant": "on",
        "team-1-name": "",
        "budget-TOTAL_FORMS": "3",
        "budget-INITIAL_FORMS": "0",
        "budget-0-label": "Travaux",
        "budget-0-amount": "4000",
        "budget-1-label": "Mobilier",
        "budget-1-amount": "1000",
        "budget-2-label": "",
        "budget-2-amount": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def attach(client, project, content=PDF, name="budget.pdf", document=None):
    document = document or project.call.documents.first()
    return client.post(
        reverse("calls_attachment_add", args=[project.pk]),
        {"document": document.pk, "file": SimpleUploadedFile(name, content, "application/pdf")},
    )


def test_the_call_page_shows_its_objectives_grid_and_budget(en, call):
    page = en.get(call.url).content.decode()
    assert "Ouvrir des tiers-lieux" in page
    assert "Utilité" in page
    assert "Faisabilité" in page
    assert "Budget détaillé" in page
    assert "Start a dossier" not in page, "visitors are asked to sign in"
    assert "Sign in to apply" in page


def test_a_draft_is_saved_resumed_and_submitted_with_a_receipt(
    en, call, applicant, run_tasks, django_capture_on_commit_callbacks
):
    en.force_login(applicant)
    created = en.post(reverse("calls_project_create", args=[call.pk]), dossier_data())
    assert created.status_code == 302
    project = Project.objects.get()
    assert project.status == Project.Status.DRAFT
    assert project.siret == "73282932000074", "spaces typed between the digits are dropped"
    assert [line.amount for line in project.budget_lines.all()] == [Decimal("4000"), Decimal("1000")]
    assert project.team.get().co_applicant is True

    resumed = en.get(reverse("calls_project", args=[project.pk])).content.decode()
    assert "Camille Martin" in resumed
    assert "Attach the document “Budget détaillé”." in resumed, "the draft says what is missing"

    assert attach(en, project).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        submitted = en.post(reverse("calls_project", args=[project.pk]), dossier_data(submit="1"))
    assert submitted.status_code == 302
    assert submitted.url == reverse("calls_project_receipt", args=[project.pk])
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED
    assert project.submitted_at is not None
    assert project.reference
    receipt = en.get(submitted.url).content.decode()
    assert project.reference in receipt
    [email] = mail.outbox
    assert email.to == [applicant.email]
    assert project.reference in email.subject
    assert StatusChange.objects.get(project=project).notified_at is not None


def test_a_submitted_dossier_is_edited_until_the_deadline(en, call, submitted, applicant):
    en.force_login(applicant)
    changed = en.post(
        reverse("calls_project", args=[submitted.pk]), dossier_data(title="Un tiers-lieu agrandi")
    )
    assert changed.status_code == 302
    submitted.refresh_from_db()
    assert submitted.title == "Un tiers-lieu agrandi"
    assert submitted.status == Project.Status.SUBMITTED

    CallPage.objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    late = en.post(reverse("calls_project", args=[submitted.pk]), dossier_data(title="Trop tard"))
    assert late.status_code == 403
    assert "This call is closed" in late.content.decode()
    submitted.refresh_from_db()
    assert submitted.title == "Un tiers-lieu agrandi", "what was saved stays"


def test_a_late_submission_is_refused_and_the_draft_kept(en, call, draft, applicant):
    CallPage.objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    en.force_login(applicant)
    late = en.post(reverse("calls_project", args=[draft.pk]), dossier_data(submit="1"))
    assert late.status_code == 403
    assert "This call is closed" in late.content.decode()
    draft.refresh_from_db()
    assert draft.status == Project.Status.DRAFT
    assert draft.budget_lines.count() == 2


def test_a_closed_call_refuses_new_dossiers(en, applicant, organisation):
    closed = call_create(
        organisation=organisation, opens_in=timedelta(days=-10), closes_in=timedelta(days=-1)
    )
    en.force_login(applicant)
    refused = en.post(reverse("calls_project_create", args=[closed.pk]), dossier_data())
    assert refused.status_code == 403
    assert "This call is not open" in refused.content.decode()
    assert not Project.objects.exists()


def test_a_budget_that_does_not_add_up_cannot_be_submitted(en, draft, applicant):
    en.force_login(applicant)
    response = en.post(
        reverse("calls_project", args=[draft.pk]), dossier_data(**{"budget-1-amount": "500", "submit": "1"})
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The budget lines add up to €4,500.00, not to the €5,000.00 requested." in page
    assert "Your draft is saved, but it cannot be submitted yet." in page
    draft.refresh_from_db()
    assert draft.status == Project.Status.DRAFT
    assert sum(line.amount for line in draft.budget_lines.all()) == Decimal("4500"), "the draft is saved"


def test_a_submitted_dossier_cannot_be_broken_by_an_edit(en, submitted, applicant):
    en.force_login(applicant)
    response = en.post(reverse("calls_project", args=[submitted.pk]), dossier_data(amount_requested="9000"))
    assert response.status_code == 400
    assert "nothing was changed" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.amount_requested == Decimal("5000")
    assert submitted.budget_lines.count() == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"siret": "73282932000075"}, "This SIRET number is not valid"),
        ({"siret": "1234"}, "A SIRET number has 14 digits."),
        ({"siret": "７３２８２９３２０００７４"}, "A SIRET number has 14 digits."),
        ({"rna": "W12345"}, "An RNA number is the letter W followed by 9 digits"),
        ({"amount_requested": "-5"}, "greater than or equal to 0"),
        ({"amount_requested": "beaucoup"}, "Enter a number."),
        ({"budget-0-amount": "0"}, "greater than or equal to 0.01"),
        ({"title": ""}, "This field is required."),
        ({"applicant_type": "public_body"}, "Select a valid choice."),
        ({"commune": "Nulle-Part-sur-Mer"}, "No commune matches"),
        ({"team-0-email": "pas une adresse"}, "Enter a valid email address."),
        ({"team-TOTAL_FORMS": "x"}, "ManagementForm data is missing or has been tampered with"),
    ],
)
def test_bad_input_is_refused_next_to_its_field(en, call, draft, applicant, changes, message):
    en.force_login(applicant)
    response = en.post(reverse("calls_project", args=[draft.pk]), dossier_data(**changes))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'aria-invalid="true"' in page or "ManagementForm" in message
    draft.refresh_from_db()
    assert draft.title == "Un tiers-lieu à Bourg", "nothing saved is lost"


def test_the_calls_own_questions_are_asked_and_required_to_submit(en, call, draft, applicant):
    question = CallField.objects.create(call=call, label="Nombre de bénévoles", kind="number", required=True)
    en.force_login(applicant)
    blocked = en.post(reverse("calls_project", args=[draft.pk]), dossier_data(submit="1"))
    assert blocked.status_code == 400
    assert "Answer the question “Nombre de bénévoles”." in blocked.content.decode()
    answered = en.post(
        reverse("calls_project", args=[draft.pk]), dossier_data(submit="1", **{question.key: "12"})
    )
    assert answered.status_code == 302
    draft.refresh_from_db()
    assert draft.answers == {question.key: "12"}
    assert draft.status == Project.Status.SUBMITTED


def test_an_executable_renamed_pdf_is_refused(en, draft, applicant):
    en.force_login(applicant)
    before = draft.attachments.count()
    response = attach(en, draft, content=EXE, name="budget.pdf")
    assert response.status_code == 400
    page = response.content.decode()
    assert "not a document of an accepted type, whatever its name says" in page
    assert 'id="id_file_error"' in page, "the message is next to the file field"
    assert 'aria-describedby="id_file_help id_file_error"' in page
    assert draft.attachments.count() == before


def test_an_oversized_file_is_refused(en, draft, applicant):
    CallPage.objects.filter(pk=draft.call_id).update(max_file_size_mb=1)
    en.force_login(applicant)
    big = PDF + b"0" * (1024 * 1024)
    response = attach(en, draft, content=big)
    assert response.status_code == 400
    assert "files of this call must weigh at most 1 MB" in response.content.decode()
    assert draft.attachments.count() == 1
    # Just under the request limit, the stored size is what is checked.
    from calls.services.dossiers import attachment_add
    from calls.services.refusals import CallRefused

    with pytest.raises(CallRefused, match="at most 1 MB"):
        attachment_add(
            project=Project.objects.get(pk=draft.pk),
            upload=SimpleUploadedFile("b.pdf", PDF + b"0" * (1024 * 1024 + 10)),
            document=None,
        )


def test_a_png_is_accepted_by_its_content_and_served_only_to_those_allowed(
    en, client, draft, applicant, settings
):
    en.force_login(applicant)
    assert attach(en, draft, content=PNG, name="photo.pdf").status_code == 302
    attachment = draft.attachments.last()
    assert attachment.content_type == "image/png", "the type comes from the content, not the name"
    url = reverse("calls_attachment", args=[draft.pk, attachment.pk])
    served = en.get(url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == PNG
    assert served["Content-Type"] == "image/png"
    assert "attachment" in served["Content-Disposition"]

    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(url).status_code == 404, "another person cannot read it"
    client.logout()
    assert client.get(url).status_code == 302, "visitors are sent to sign in"
    assert attachment.file.path.startswith(settings.PRIVATE_ROOT), "stored in the private storage"
    assert not attachment.file.path.startswith(str(settings.MEDIA_ROOT))


def test_someone_elses_dossier_is_not_found(en, draft):
    from tests.factories import UserFactory

    en.force_login(UserFactory())
    assert en.get(reverse("calls_project", args=[draft.pk])).status_code == 404
    assert en.post(reverse("calls_project", args=[draft.pk]), dossier_data(title="Volé")).status_code == 404
    draft.refresh_from_db()
    assert draft.title == "Un tiers-lieu à Bourg"


def test_my_dossiers_lists_drafts_to_resume(en, draft, applicant):
    en.force_login(applicant)
    page = en.get(reverse("calls_projects_mine")).content.decode()
    assert draft.title in page
    assert "Draft" in page


def test_a_required_document_cannot_be_removed_from_a_submitted_dossier(en, submitted, applicant):
    en.force_login(applicant)
    attachment = submitted.attachments.get()
    response = en.post(reverse("calls_attachment_delete", args=[submitted.pk, attachment.pk]))
    assert response.status_code == 400
    assert "This document is required" in response.content.decode()
    assert submitted.attachments.count() == 1


def test_a_territory_outside_the_call_is_refused_at_submission(en, organisation, applicant):
    from accounts.models import Territory

    region = Territory.objects.create(kind="region", code="84", name="Auvergne-Rhône-Alpes")
    ain = Territory.objects.create(kind="departement", code="01", name="Ain", parent=region)
    bourg = Territory.objects.create(kind="commune", code="01053", name="Bourg-en-Bresse", parent=ain)
    Territory.objects.create(kind="commune", code="75056", name="Paris")
    call = call_create(organisation=organisation, territory=ain)
    project = project_create(call, applicant)
    en.force_login(applicant)
    refused = en.post(reverse("calls_project", args=[project.pk]), dossier_data(commune="75056", submit="1"))
    assert refused.status_code == 400
    assert "The project must take place in Ain" in refused.content.decode()
    accepted = en.post(reverse("calls_project", args=[project.pk]), dossier_data(commune="01053", submit="1"))
    assert accepted.status_code == 302
    project.refresh_from_db()
    assert project.territory == bourg
    assert project.status == Project.Status.SUBMITTED


def test_attachments_are_rate_limited(en, draft, applicant, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "contribute_dossier": "2/m/user"}
    en.force_login(applicant)
    assert attach(en, draft).status_code == 302
    assert attach(en, draft).status_code == 302
    assert attach(en, draft).status_code == 429
    assert draft.attachments.count() == 3, "the fixture's file and two more"


def test_the_call_s_officials_cannot_read_a_draft_or_its_files_until_it_is_submitted(
    en, draft, applicant, call
):
    from tests.factories import OfficialFactory

    attachment = draft.attachments.first()
    official = OfficialFactory(organisation=call.organisation)
    en.force_login(official)
    dossier = reverse("calls_project", args=[draft.pk])
    document = reverse("calls_attachment", args=[draft.pk, attachment.pk])
    assert en.get(dossier).status_code == 404
    assert en.get(document).status_code == 404
    Project.objects.filter(pk=draft.pk).update(status=Project.Status.SUBMITTED, submitted_at=timezone.now())
    assert en.get(dossier).status_code == 200
    assert en.get(document).status_code == 200


def _save(project, applicant, title="Un tiers-lieu à Bourg, version 2"):
    from calls.services.dossiers import project_save

    return project_save(
        call=project.call,
        applicant=applicant,
        project=project,
        fields={"title": title},
        answers={},
        team=[],
        budget=[
            {"label": "Travaux", "amount": Decimal("4000")},
            {"label": "Mobilier", "amount": Decimal("1000")},
        ],
    )


def test_a_second_save_and_submit_from_a_stale_copy_does_not_submit_twice(draft, applicant):
    """A double click on "Save and submit": the second request loaded the dossier as a draft."""
    from calls.services.dossiers import project_submit
    from calls.services.refusals import CallRefused

    stale = Project.objects.get(pk=draft.pk)
    project_submit(project=_save(draft, applicant), actor=applicant)
    first = Project.objects.get(pk=draft.pk)
    assert first.status == Project.Status.SUBMITTED
    assert first.reference

    saved = _save(stale, applicant, title="Cliqué deux fois")
    assert saved.status == Project.Status.SUBMITTED, "the fresh status, for the view to skip submitting"
    again = Project.objects.get(pk=draft.pk)
    assert (again.status, again.reference, again.submitted_at) == (
        Project.Status.SUBMITTED,
        first.reference,
        first.submitted_at,
    )
    assert again.title == "Cliqué deux fois"
    with pytest.raises(CallRefused):
        project_submit(project=stale, actor=applicant)
    assert StatusChange.objects.filter(project=draft, to_status=Project.Status.SUBMITTED).count() == 1


def test_an_applicant_s_save_from_a_stale_copy_does_not_undo_an_official_s_decision(
    submitted, applicant, organisation
):
    from calls.services.decisions import project_status_change
    from calls.services.dossiers import attachment_add
    from calls.services.refusals import CallRefused
    from tests.factories import OfficialFactory

    stale = Project.objects.get(pk=submitted.pk)
    project_status_change(
        project=submitted,
        to_status=Project.Status.INELIGIBLE,
        reason="Hors du territoire.",
        actor=OfficialFactory(organisation=organisation),
    )
    with pytest.raises(CallRefused):
        _save(stale, applicant)
    with pytest.raises(CallRefused):
        attachment_add(
            project=stale,
            document=stale.call.documents.first(),
            upload=SimpleUploadedFile("budget.pdf", PDF, "application/pdf"),
        )
    submitted.refresh_from_db()
    assert (submitted.status, submitted.status_reason) == (Project.Status.INELIGIBLE, "Hors du territoire.")
    assert submitted.title == "Un tiers-lieu à Bourg"
    assert submitted.attachments.count() == 1


def test_an_alsace_moselle_association_gives_its_register_entry_instead_of_an_rna_number(
    en, call, draft, applicant
):
    en.force_login(applicant)
    url = reverse("calls_project", args=[draft.pk])
    association = {
        "applicant_type": "association",
        "organisation_name": "Les Amis du Kougelhopf",
        "siret": "",
        "rna": "",
    }
    response = en.post(url, dossier_data(**association, submit="1"))
    assert response.status_code == 400
    assert "give its entry in the register of associations of its local court" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Project.Status.DRAFT
    response = en.post(
        url,
        dossier_data(
            **association, local_register="Tribunal judiciaire de Strasbourg, vol. 12 n° 345", submit="1"
        ),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    draft.refresh_from_db()
    assert draft.status == Project.Status.SUBMITTED
    assert draft.local_register == "Tribunal judiciaire de Strasbourg, vol. 12 n° 345"
    assert draft.rna == ""


def test_a_dossier_refused_for_too_many_attempts_comes_back_as_typed(en, call, applicant, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "contribute_dossier": "1/m/user"}
    en.force_login(applicant)
    url = reverse("calls_project_create", args=[call.pk])
    assert en.post(url, dossier_data()).status_code == 302
    refused = en.post(url, dossier_data(title="Un second tiers-lieu, à Nantua"))
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "Too many contributions in a short time" in body
    assert 'value="Un second tiers-lieu, à Nantua"' in body, "what was typed is still in the form"
    assert Project.objects.count() == 1
