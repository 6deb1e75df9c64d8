"""A person's dossiers and evaluations are in "Download my data"; deleting the account deletes their
drafts and keeps their submitted dossiers and scores, without them."""

import pytest

from accounts.privacy import erasers, exporters
from accounts.services import account_delete
from calls.models import Assignment, Project, Score
from calls.services.decisions import project_status_change
from calls.services.evaluations import assignment_create, conflict_declare, scores_save
from tests.calls.conftest import project_create

pytestmark = pytest.mark.django_db


def test_dossiers_and_evaluations_are_exported(call, submitted, applicant, evaluator, official):
    project_status_change(project=submitted, to_status="eligible", reason="", actor=official)
    assignment = assignment_create(project=submitted, evaluator=evaluator, actor=official)
    conflict_declare(assignment=assignment, has_conflict=False)
    [dossier] = exporters()["call_dossiers"](applicant)
    assert dossier["title"] == submitted.title
    assert [line["label"] for line in dossier["budget"]] == ["Travaux", "Mobilier"]
    assert [step["status"] for step in dossier["history"]] == ["eligible", "in_evaluation"]
    [evaluation] = exporters()["call_evaluations"](evaluator)
    assert evaluation["conflict_of_interest"] is False
    assert "call_drafts" in erasers()


def test_deleting_an_account_keeps_submitted_dossiers_and_scores(call, applicant, evaluator, official):
    submitted = project_create(call, applicant, status=Project.Status.ELIGIBLE, title="Envoyé")
    draft = project_create(call, applicant, title="Brouillon")
    draft_file = draft.attachments.get().file.path
    assignment = assignment_create(project=submitted, evaluator=evaluator, actor=official)
    conflict_declare(assignment=assignment, has_conflict=False)
    criteria = list(call.criteria.all())
    scores_save(assignment=assignment, values={c.pk: (5, "") for c in criteria}, comment="")

    account_delete(user=applicant)
    account_delete(user=evaluator)

    assert list(Project.objects.values_list("title", "applicant")) == [("Envoyé", None)]
    import os

    assert not os.path.exists(draft_file), "the draft's file is gone too"
    assert Assignment.objects.get().evaluator is None
    assert Score.objects.count() == 2
