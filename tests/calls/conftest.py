"""Fixtures of calls for projects: a call open for dossiers, its grid, an applicant with a complete draft,
evaluators, and small files whose content is (or is not) what their names say."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from calls.models import CallPage, Criterion, Project, RequiredDocument
from cms.models import HomePage
from tests.factories import OrganisationFactory, UserFactory

# The smallest files of each kind, as their first bytes make them.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"PE\x00\x00"


def call_create(
    *,
    organisation=None,
    title="Appel à projets « Tiers-lieux »",
    opens_in=timedelta(days=-1),
    closes_in=timedelta(days=10),
    criteria=(("Utilité", 2, 10), ("Faisabilité", 1, 10)),
    documents=(("Budget détaillé", True),),
    publish=True,
    parent=None,
    **fields,
) -> CallPage:
    """A call under the home page (or `parent`) with a two-line grid and one required document, re-read
    from the DB."""
    now = timezone.now()
    values = {
        "kind": "funding",
        "objectives": "Ouvrir des tiers-lieux dans les petites communes.",
        "total_budget": Decimal("100000"),
        "min_amount": Decimal("1000"),
        "max_amount": Decimal("20000"),
        "accepts_companies": True,
        **fields,
    }
    page = CallPage(
        title=title,
        organisation=organisation or OrganisationFactory(),
        opens_at=now + opens_in,
        closes_at=now + closes_in,
        **values,
    )
    for label, weight, max_score in criteria:
        page.criteria.add(Criterion(label=label, weight=Decimal(weight), max_score=max_score))
    for label, required in documents:
        page.documents.add(RequiredDocument(label=label, required=required))
    (parent or HomePage.objects.get()).add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    else:
        page.unpublish()
    return CallPage.objects.get(pk=page.pk)


def project_create(
    call, applicant, *, status=Project.Status.DRAFT, amount=Decimal("5000"), **fields
) -> Project:
    """A complete dossier (its budget adds up, its document is attached), submitted unless asked otherwise."""
    from calls.services.dossiers import attachment_add

    project = Project.objects.create(
        call=call,
        applicant=applicant,
        title=fields.pop("title", "Un tiers-lieu à Bourg"),
        summary="Un café associatif, un atelier et un espace de travail.",
        amount_requested=amount,
        applicant_type=fields.pop("applicant_type", "individual"),
        **fields,
    )
    project.budget_lines.create(label="Travaux", amount=amount - 1000)
    project.budget_lines.create(label="Mobilier", amount=Decimal("1000"))
    for document in call.documents.all():
        attachment_add(
            project=project,
            document=document,
            upload=SimpleUploadedFile("budget.pdf", PDF, "application/pdf"),
        )
    if status != Project.Status.DRAFT:
        Project.objects.filter(pk=project.pk).update(
            status=status, submitted_at=timezone.now(), reference=f"R-{project.pk}"
        )
        project.refresh_from_db()
    return project


@pytest.fixture
def call(db, organisation):
    return call_create(organisation=organisation)


@pytest.fixture
def applicant(db):
    return UserFactory()


@pytest.fixture
def draft(call, applicant):
    return project_create(call, applicant)


@pytest.fixture
def submitted(call, applicant):
    return project_create(call, applicant, status=Project.Status.SUBMITTED)


@pytest.fixture
def evaluator(db):
    return UserFactory()


@pytest.fixture
def run_tasks(monkeypatch):
    """Tasks queued on commit run in this process (the worker's own test runs them for real)."""
    from calls import tasks

    for task in (
        tasks.status_change_notify_task,
        tasks.export_build_task,
        tasks.assignment_notify_task,
        tasks.evaluator_invitation_send_task,
    ):
        monkeypatch.setattr(task, "delay", lambda *args, task=task: task.apply(args=args))
