"""A real worker process e-mails each step of a dossier and the invitations of outside evaluators, and
builds the exports."""

import pytest

from calls.models import EvaluatorInvitation, Export, Project, StatusChange
from calls.services.dossiers import project_submit
from calls.services.evaluator_invitations import evaluator_invite
from calls.services.exports import export_request
from tests.calls.conftest import call_create, project_create
from tests.factories import OfficialFactory, UserFactory
from tests.worker import celery_worker_process, wait_for  # noqa: F401  (fixture)

pytestmark = pytest.mark.worker


def test_the_worker_emails_the_receipt_and_builds_an_export(celery_worker_process):  # noqa: F811
    call = call_create()
    official = OfficialFactory(organisation=call.organisation)
    project = project_create(call, UserFactory())
    project_submit(project=project, actor=project.applicant)
    change = StatusChange.objects.get(project=project, to_status=Project.Status.SUBMITTED)
    wait_for(
        lambda: StatusChange.objects.filter(pk=change.pk, notified_at__isnull=False).exists(),
        what="the worker to send the receipt",
    )
    export = export_request(call=call, requested_by=official, file_format="ods")
    export = wait_for(
        lambda: Export.objects.filter(pk=export.pk, finished_at__isnull=False).first(),
        what="the worker to build the export",
    )
    assert export.file.open("rb").read(2) == b"PK"
    assert celery_worker_process.poll() is None, "the worker is still running"


def test_the_worker_emails_an_outside_evaluator_their_invitation(celery_worker_process):  # noqa: F811
    call = call_create()
    official = OfficialFactory(organisation=call.organisation)
    project = project_create(call, UserFactory(), status=Project.Status.ELIGIBLE)
    invitation = evaluator_invite(project=project, email="experte@example.org", actor=official)
    sent = wait_for(
        lambda: EvaluatorInvitation.objects.filter(pk=invitation.pk, sent_at__isnull=False).first(),
        what="the worker to send the invitation",
    )
    assert sent.token_hash != invitation.token_hash, "the e-mailed token is made by the sending"
