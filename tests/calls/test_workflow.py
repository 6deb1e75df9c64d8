"""Officials examine the dossiers: eligibility, evaluators (who declare conflicts, then score on the grid),
the ranking, decisions with reasons, published laureates and their follow-up; each step is logged and
e-mailed to the applicant."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from calls import selectors
from calls.models import Assignment, CallPage, Project, Score, StatusChange
from calls.services.decisions import project_status_change
from calls.services.evaluations import assignment_create, conflict_declare, scores_save
from tests.calls.conftest import project_create
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = Project.Status


def decide(client, project, to_status, reason="", **extra):
    return client.post(
        reverse("calls_admin_status", args=[project.pk]), {"to_status": to_status, "reason": reason, **extra}
    )


def assign(client, project, evaluator):
    return client.post(reverse("calls_admin_assign", args=[project.pk]), {"email": evaluator.email})


def score(client, assignment, values, comment="Solide."):
    criteria = list(assignment.project.call.criteria.all())
    data = {"comment": comment}
    for criterion, value in zip(criteria, values, strict=True):
        data[f"score_{criterion.pk}"] = str(value)
        data[f"comment_{criterion.pk}"] = f"Sur {criterion.label}"
    return client.post(reverse("calls_evaluation_score", args=[assignment.pk]), data)


def declare(client, assignment, conflict=False, note=""):
    return client.post(
        reverse("calls_evaluation_declare", args=[assignment.pk]),
        {"has_conflict": "yes" if conflict else "no", "note": note},
    )


def test_the_whole_workflow_is_logged_and_emailed(
    en, call, submitted, official, evaluator, run_tasks, django_capture_on_commit_callbacks
):
    official.memberships.update(organisation=call.organisation)
    en.force_login(official)
    with django_capture_on_commit_callbacks(execute=True):
        assert decide(en, submitted, "eligible").status_code == 302
        assert assign(en, submitted, evaluator).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.IN_EVALUATION

    client = Client()
    client.force_login(evaluator)
    assignment = Assignment.objects.get(project=submitted, evaluator=evaluator)
    client.cookies["django_language"] = "en"
    listed = client.get(reverse("calls_evaluations")).content.decode()
    assert submitted.title in listed
    assert "Declare your interests" in listed
    page = client.get(reverse("calls_evaluation", args=[assignment.pk])).content.decode()
    assert "Do you have a conflict of interest with this dossier?" in page
    assert "Record my scores" not in page, "no scoring before the declaration"
    assert declare(client, assignment).status_code == 302
    page = client.get(reverse("calls_evaluation", args=[assignment.pk])).content.decode()
    assert "Record my scores" in page
    assert "Utilité (0 to 10)" in page
    assert score(client, assignment, [8, 6]).status_code == 302
    assert Score.objects.filter(assignment=assignment).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        assert decide(en, submitted, "selected", "Un projet utile et faisable.").status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.SELECTED
    steps = list(StatusChange.objects.filter(project=submitted).values_list("to_status", flat=True))
    assert steps == ["eligible", "in_evaluation", "selected"]
    to_evaluator = [email for email in mail.outbox if email.to == [evaluator.email]]
    assert len(to_evaluator) == 1, "the evaluator is told of the dossier given to them"
    assert reverse("calls_evaluation", args=[assignment.pk]) in to_evaluator[0].body
    to_applicant = [email for email in mail.outbox if email.to == [submitted.applicant.email]]
    assert len(to_applicant) == 3, "each step is e-mailed to the applicant"
    assert "Un projet utile et faisable." in mail.outbox[-1].body
    assert StatusChange.objects.filter(notified_at=None).count() == 0


def test_a_decision_needs_a_reason_and_a_valid_step(en, submitted, official):
    official.memberships.update(organisation=submitted.call.organisation)
    en.force_login(official)
    missing = decide(en, submitted, "ineligible")
    assert missing.status_code == 400
    assert "Give the reason of this decision" in missing.content.decode()
    jump = decide(en, submitted, "selected", "Trop tôt")
    assert jump.status_code == 400
    assert "cannot become" in jump.content.decode()
    unknown = decide(en, submitted, "approved", "x")
    assert unknown.status_code == 400
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert not StatusChange.objects.exists()


def test_an_ineligible_dossier_gets_its_reason(
    en, submitted, official, run_tasks, django_capture_on_commit_callbacks
):
    official.memberships.update(organisation=submitted.call.organisation)
    en.force_login(official)
    with django_capture_on_commit_callbacks(execute=True):
        assert decide(en, submitted, "ineligible", "Le projet est hors du territoire.").status_code == 302
    submitted.refresh_from_db()
    assert submitted.status_reason == "Le projet est hors du territoire."
    [email] = mail.outbox
    assert "Le projet est hors du territoire." in email.body


def test_an_evaluator_with_a_conflict_cannot_score(en, client, submitted, evaluator, official):
    project_status_change(project=submitted, to_status="eligible", reason="", actor=official)
    assignment = assignment_create(project=submitted, evaluator=evaluator, actor=official)
    client.force_login(evaluator)
    before_declaring = score(client, assignment, [5, 5])
    assert before_declaring.status_code == 403
    assert "Declare whether you have a conflict of interest" in before_declaring.content.decode()
    assert declare(client, assignment, conflict=True, note="Je connais la porteuse.").status_code == 302
    refused = score(client, assignment, [5, 5])
    assert refused.status_code == 403
    assert "You declared a conflict of interest" in refused.content.decode()
    assert not Score.objects.exists()
    again = declare(client, assignment, conflict=False)
    assert again.status_code == 403, "a declaration cannot be taken back"
    assignment.refresh_from_db()
    assert assignment.has_conflict is True


def test_an_evaluator_cannot_score_outside_their_assignment(
    client, call, submitted, applicant, evaluator, official
):
    project_status_change(project=submitted, to_status="eligible", reason="", actor=official)
    other = UserFactory()
    assignment = assignment_create(project=submitted, evaluator=other, actor=official)
    conflict_declare(assignment=assignment, has_conflict=False)
    client.force_login(evaluator)
    client.cookies["django_language"] = "en"
    refused = score(client, assignment, [5, 5])
    assert refused.status_code == 403
    assert "This dossier was not given to you to evaluate." in refused.content.decode()
    assert declare(client, assignment).status_code == 403
    assert client.get(reverse("calls_evaluation", args=[assignment.pk])).status_code == 403
    assert client.get(reverse("calls_evaluation", args=[987654])).status_code == 404
    assert client.get(reverse("calls_project", args=[submitted.pk])).status_code == 404
    assert not Score.objects.exists()


def test_scores_out_of_the_grid_are_refused(client, submitted, evaluator, official):
    project_status_change(project=submitted, to_status="eligible", reason="", actor=official)
    assignment = assignment_create(project=submitted, evaluator=evaluator, actor=official)
    conflict_declare(assignment=assignment, has_conflict=False)
    client.cookies["django_language"] = "en"
    client.force_login(evaluator)
    response = score(client, assignment, [11, 5])
    assert response.status_code == 400
    assert "less than or equal to 10" in response.content.decode()
    response = score(client, assignment, ["dix", 5])
    assert response.status_code == 400
    assert not Score.objects.exists()


def test_the_applicant_cannot_evaluate_their_own_dossier(en, submitted, official):
    official.memberships.update(organisation=submitted.call.organisation)
    project_status_change(project=submitted, to_status="eligible", reason="", actor=official)
    en.force_login(official)
    response = assign(en, submitted, submitted.applicant)
    assert response.status_code == 400
    assert "cannot evaluate their own dossier" in response.content.decode()


def test_scores_stay_private_until_the_decision(en, client, submitted, applicant, evaluator, official):
    project_status_change(project=submitted, to_status="eligible", reason="", actor=official)
    assignment = assignment_create(project=submitted, evaluator=evaluator, actor=official)
    conflict_declare(assignment=assignment, has_conflict=False)
    criteria = list(submitted.call.criteria.all())
    scores_save(
        assignment=assignment,
        values={criteria[0].pk: (7, "Commentaire secret"), criteria[1].pk: (3, "")},
        comment="",
    )
    en.force_login(applicant)
    page = en.get(reverse("calls_project", args=[submitted.pk])).content.decode()
    assert "Commentaire secret" not in page
    project_status_change(
        project=submitted, to_status="not_selected", reason="Budget épuisé.", actor=official
    )
    page = en.get(reverse("calls_project", args=[submitted.pk])).content.decode()
    assert "Commentaire secret" in page


def test_the_ranking_is_the_weighted_mean_with_disagreement_shown(en, call, official):
    official.memberships.update(organisation=call.organisation)
    usefulness, feasibility = call.criteria.all()  # weights 2 and 1, scores out of 10
    projects = [
        project_create(call, UserFactory(), status=Status.ELIGIBLE, title=title) for title in ("A", "B", "C")
    ]
    marks = {"A": [(10, 10), (10, 7)], "B": [(10, 0), (0, 10)], "C": [(5, 5), (5, 5)]}
    for project in projects:
        for values in marks[project.title]:
            assignment = assignment_create(project=project, evaluator=UserFactory(), actor=official)
            conflict_declare(assignment=assignment, has_conflict=False)
            scores_save(
                assignment=assignment,
                values={usefulness.pk: (values[0], ""), feasibility.pk: (values[1], "")},
                comment="",
            )
    # A conflicted evaluator's assignment never counts, even if it had scores.
    conflicted = assignment_create(project=projects[2], evaluator=UserFactory(), actor=official)
    Assignment.objects.filter(pk=conflicted.pk).update(has_conflict=True)

    ranks = selectors.ranking(call=call)
    assert [rank.project.title for rank in ranks] == ["A", "B", "C"]
    a, b, c = ranks
    assert a.marks == pytest.approx([100.0, 90.0])
    assert a.mark == 95.0
    assert not a.disagreement
    assert b.marks == pytest.approx([200 / 3, 100 / 3])
    assert b.spread == pytest.approx(33.3)
    assert b.disagreement
    assert c.mark == 50.0

    en.force_login(official)
    page = en.get(reverse("calls_admin_ranking", args=[call.pk])).content.decode()
    assert "95.0" in page
    assert "disagreement" in page
    detail = en.get(reverse("calls_admin_project", args=[b.project.pk])).content.decode()
    assert "the mean of 2 evaluators" in detail
    assert "The evaluators disagree" in detail


def test_laureates_are_published_with_their_milestones(en, client, call, official, applicant):
    official.memberships.update(organisation=call.organisation)
    laureate = project_create(call, applicant, status=Status.ELIGIBLE, title="Le tiers-lieu retenu")
    other = project_create(call, UserFactory(), status=Status.ELIGIBLE, title="Un autre projet")
    project_status_change(project=laureate, to_status="selected", reason="Exemplaire.", actor=official)
    en.force_login(official)
    publish = reverse("calls_admin_laureates_publish", args=[call.pk])
    too_early = en.post(publish)
    assert too_early.status_code == 400
    assert "after the call closes" in too_early.content.decode()

    CallPage.objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(hours=1))
    undecided = en.post(publish)
    assert undecided.status_code == 400
    assert "still waiting for a decision" in undecided.content.decode()
    project_status_change(project=other, to_status="not_selected", reason="Hors budget.", actor=official)
    assert client.get(reverse("calls_laureates", args=[call.pk])).status_code == 404
    assert en.post(publish).status_code == 302

    client.force_login(applicant)
    added = client.post(
        reverse("calls_milestone_add", args=[laureate.pk]),
        {"title": "Ouverture du café", "due_on": "2027-03-01", "progress": "40", "note": ""},
    )
    assert added.status_code == 302
    too_much = client.post(
        reverse("calls_milestone_add", args=[laureate.pk]), {"title": "Fin", "progress": "140"}
    )
    assert too_much.status_code == 400
    milestone = laureate.milestones.get()
    updated = client.post(
        reverse("calls_milestone_change", args=[laureate.pk, milestone.pk]),
        {f"m{milestone.pk}-title": "Ouverture du café", f"m{milestone.pk}-progress": "60"},
    )
    assert updated.status_code == 302
    refused = client.post(
        reverse("calls_milestone_change", args=[laureate.pk, milestone.pk]),
        {f"m{milestone.pk}-title": "", f"m{milestone.pk}-progress": "-1"},
    )
    assert refused.status_code == 400
    milestone.refresh_from_db()
    assert milestone.progress == 60
    client.logout()
    page = client.get(reverse("calls_laureates", args=[call.pk])).content.decode()
    assert "Le tiers-lieu retenu" in page
    assert "Un autre projet" not in page
    assert "Ouverture du café" in page
    assert 'value="60"' in page


def test_only_selected_projects_have_milestones(client, submitted, applicant):
    client.force_login(applicant)
    response = client.post(
        reverse("calls_milestone_add", args=[submitted.pk]), {"title": "x", "progress": "10"}
    )
    assert response.status_code == 403
    assert not submitted.milestones.exists()


def test_bulk_status_change_with_an_answer_template(
    en, call, official, run_tasks, django_capture_on_commit_callbacks
):
    from calls.models import AnswerTemplate

    official.memberships.update(organisation=call.organisation)
    template = AnswerTemplate.objects.create(
        organisation=call.organisation, name="Hors délai", status="closed", body="Le projet a été abandonné."
    )
    first, second = (project_create(call, UserFactory(), status=Status.SUBMITTED) for _ in range(2))
    done = project_create(call, UserFactory(), status=Status.SELECTED)
    en.force_login(official)
    with django_capture_on_commit_callbacks(execute=True):
        response = en.post(
            reverse("calls_admin_bulk", args=[call.pk]),
            {
                "action": "status",
                "to_status": "ineligible",
                "template": "",
                "reason": "Pièces manquantes.",
                "projects": [first.pk, second.pk, done.pk],
            },
        )
    assert response.status_code == 302
    assert set(Project.objects.filter(status="ineligible").values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
    done.refresh_from_db()
    assert done.status == Status.SELECTED, "a dossier that cannot take the step is left as it was"
    assert len(mail.outbox) == 2

    response = en.post(
        reverse("calls_admin_bulk", args=[call.pk]),
        {"action": "status", "to_status": "selected", "template": template.pk, "projects": [first.pk]},
    )
    assert response.status_code == 400
    assert "This template is for another status." in response.content.decode()
    nothing = en.post(
        reverse("calls_admin_bulk", args=[call.pk]), {"action": "status", "to_status": "closed"}
    )
    assert nothing.status_code == 400
    assert "Tick at least one dossier." in nothing.content.decode()


def test_tags_and_services_filter_the_list(en, call, official):
    from calls.models import Service

    official.memberships.update(organisation=call.organisation)
    service = Service.objects.create(organisation=call.organisation, name="Service culture")
    first, second = (
        project_create(call, UserFactory(), status=Status.SUBMITTED, title=t) for t in ("Alpha", "Beta")
    )
    en.force_login(official)
    bulk = reverse("calls_admin_bulk", args=[call.pk])
    assert en.post(bulk, {"action": "tag", "tag": "rural", "projects": [first.pk]}).status_code == 302
    assert (
        en.post(bulk, {"action": "service", "service": service.pk, "projects": [second.pk]}).status_code
        == 302
    )
    tag = first.tags.get()
    listing = reverse("calls_admin_projects", args=[call.pk])
    tagged = en.get(listing, {"tag": tag.pk}).content.decode()
    assert "Alpha" in tagged
    assert "Beta" not in tagged
    served = en.get(listing, {"service": service.pk}).content.decode()
    assert "Beta" in served
    assert "Alpha" not in served
    assert en.get(listing, {"tag": "１"}).status_code == 200, "odd filters are ignored, not a 500"
    huge = "53981266842200831509007534391296"  # beyond the database's integers (SQLite refuses it)
    assert en.get(listing, {"tag": huge}).status_code == 200, "ignored, not a 500"
    assert en.get(listing, {"service": huge}).status_code == 200, "ignored, not a 500"


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "ods"])
def test_exports_are_built_in_the_background(
    en, call, official, file_format, run_tasks, django_capture_on_commit_callbacks
):
    from calls.models import Export

    official.memberships.update(organisation=call.organisation)
    project_create(call, UserFactory(), status=Status.SUBMITTED, title='=HYPERLINK("x")')
    en.force_login(official)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            en.post(reverse("calls_admin_export", args=[call.pk]), {"format": file_format}).status_code == 302
        )
    export = Export.objects.get()
    assert export.finished_at is not None
    download = en.get(reverse("calls_admin_export_download", args=[export.pk]))
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    if file_format == "csv":
        text = content.decode("utf-8-sig")
        assert "'=HYPERLINK" in text, "a participant's text stays text"
        assert "5000.0" in text
    else:
        assert content.startswith(b"PK"), "a zipped office document"
    if file_format == "xlsx":
        import io

        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content)).active
        assert sheet["B2"].value == '\'=HYPERLINK("x")'
    if file_format == "ods":
        import io
        import zipfile

        cells = zipfile.ZipFile(io.BytesIO(content)).read("content.xml").decode()
        # The rule of every spreadsheet file (core/spreadsheets.py): a sheet saved again as CSV
        # stays safe.
        assert 'office:value-type="string"><text:p>\'=HYPERLINK("x")</text:p>' in cells, "a text cell"
        assert "table:formula" not in cells
    bad = en.post(reverse("calls_admin_export", args=[call.pk]), {"format": "exe"})
    assert bad.status_code == 400


def test_officials_of_another_organisation_see_nothing(en, call, submitted):
    from tests.factories import OfficialFactory

    stranger = OfficialFactory()
    en.force_login(stranger)
    assert en.get(reverse("calls_admin_projects", args=[call.pk])).status_code == 404
    assert en.get(reverse("calls_admin_project", args=[submitted.pk])).status_code == 404
    assert decide(en, submitted, "eligible").status_code == 404
    attachment = submitted.attachments.get()
    assert en.get(reverse("calls_attachment", args=[submitted.pk, attachment.pk])).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_an_official_reads_attachments_of_their_calls(en, submitted, official):
    official.memberships.update(organisation=submitted.call.organisation)
    en.force_login(official)
    attachment = submitted.attachments.get()
    assert en.get(reverse("calls_attachment", args=[submitted.pk, attachment.pk])).status_code == 200
    page = en.get(reverse("calls_admin_project", args=[submitted.pk])).content.decode()
    assert submitted.title in page
    assert Decimal("5000") == submitted.amount_requested


def test_officials_add_services_and_answer_templates(en, official):
    from calls.models import AnswerTemplate, Service

    organisation = official.memberships.get().organisation
    en.force_login(official)
    url = reverse("calls_admin_settings")
    assert en.get(url).status_code == 200
    added = en.post(
        url, {"kind": "service", "service-organisation": organisation.pk, "service-name": "Culture"}
    )
    assert added.status_code == 302
    twice = en.post(
        url, {"kind": "service", "service-organisation": organisation.pk, "service-name": "Culture"}
    )
    assert twice.status_code == 400
    assert Service.objects.count() == 1
    template = {
        "kind": "template",
        "template-organisation": organisation.pk,
        "template-name": "Hors sujet",
        "template-status": "ineligible",
        "template-body": "Le projet ne répond pas à l’objet de l’appel.",
    }
    assert en.post(url, template).status_code == 302
    elsewhere = OrganisationFactory()
    refused = en.post(url, {**template, "template-organisation": elsewhere.pk})
    assert refused.status_code == 400
    assert AnswerTemplate.objects.count() == 1
    assert en.post(url, {"kind": "other"}).status_code == 400


def test_participants_do_not_reach_the_officials_pages(en, applicant, call):
    en.force_login(applicant)
    assert en.get(reverse("calls_admin_settings")).status_code in (302, 403)
    assert en.get(reverse("calls_admin_projects", args=[call.pk])).status_code in (302, 403)


def test_steps_whose_email_was_never_queued_are_sent_by_the_outbox_sweep(submitted, official, run_tasks):
    from calls.tasks import status_change_notify_task
    from core.models import OutboxTask
    from core.outbox import outbox_sweep

    # The step is recorded with its task in the outbox; the commit's publish never happened (broker down,
    # or here: on-commit callbacks do not run in this test's transaction).
    project_status_change(project=submitted, to_status="eligible", reason="", actor=official)
    change = StatusChange.objects.get()
    assert change.notified_at is None
    assert OutboxTask.objects.filter(task=status_change_notify_task.name, args=[change.pk]).exists()
    assert outbox_sweep() == 0, "recent rows are left to the request that wrote them"
    assert outbox_sweep(grace=timedelta(0)) == 1
    change.refresh_from_db()
    assert change.notified_at is not None
    assert len(mail.outbox) == 1
    assert not OutboxTask.objects.exists(), "a published task leaves the outbox"
    assert outbox_sweep(grace=timedelta(0)) == 0
    assert status_change_notify_task.apply(args=[change.pk]).result is False, "never sent twice"
    assert len(mail.outbox) == 1
