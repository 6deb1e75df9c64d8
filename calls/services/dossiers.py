"""The applicant's dossier: written, completed, submitted before the deadline, with its attachments."""

import secrets
from decimal import Decimal

import filetype
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.territories import territory_within
from calls.models import ApplicantType, Attachment, BudgetLine, CallKind, CallPage, Project, TeamMember
from calls.services.decisions import status_change_log
from calls.services.refusals import refuse
from calls.validators import validate_rna, validate_siret
from core.typography import amount as money
from core.typography import written_date

Status = Project.Status


# Attachments: the type is read from the first bytes of the file, never from its name or the browser.
ACCEPTED_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
}
MAX_ATTACHMENTS = 20


def _deadline_check(call: CallPage) -> None:
    now = timezone.now()
    if not call.live or now < call.opens_at:
        refuse(_("This call is not open yet."), "not_open")
    if now >= call.closes_at:
        refuse(
            _("This call closed on %(date)s: dossiers can no longer be changed or submitted.")
            % {"date": written_date(call.closes_at, "DATETIME_FORMAT")},
            "closed",
        )


@transaction.atomic
def project_save(
    *,
    call: CallPage,
    applicant,
    project: Project | None,
    fields: dict,
    answers: dict,
    team: list[dict],
    budget: list[dict],
) -> Project:
    """Create or update a dossier with its team and budget lines, as a whole.

    A draft may be incomplete. A submitted dossier stays complete: a change that would leave it
    incomplete is refused and the saved version stays as it was.

    The given `project` may be stale (loaded before a concurrent submission or an official's
    decision): the dossier is read again under a row lock, its status checked on that fresh copy, and
    only the fields the form changes are written — never its status, reference or submission date.
    Returns the fresh dossier (use it, not the given instance, to decide what comes next).
    """
    _deadline_check(call)
    answers = {key: value for key, value in answers.items() if value not in (None, "")}
    if project is None:
        project = Project(call=call, applicant=applicant, answers=answers, **fields)
        project.save()
    else:
        project = Project.objects.select_for_update().get(pk=project.pk)
        if project.status not in (Status.DRAFT, Status.SUBMITTED):
            refuse(_("This dossier is being examined and can no longer be changed."), "not_editable")
        for name, value in fields.items():
            setattr(project, name, value)
        project.answers = answers
        project.save(update_fields=[*fields, "answers", "updated_at"])
    project.team.all().delete()
    TeamMember.objects.bulk_create(TeamMember(project=project, **member) for member in team)
    project.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(BudgetLine(project=project, **line) for line in budget)
    if project.status == Status.SUBMITTED:
        problems = project_problems(project)
        if problems:
            refuse(
                _("This dossier is submitted, so it must stay complete; nothing was changed: %(problems)s")
                % {"problems": " ".join(problems)},
                "incomplete",
            )
    return project


def project_problems(project: Project) -> list[str]:
    """What keeps the dossier from being submitted, in words the applicant can act on (empty: complete)."""
    call = project.call
    problems = []
    if not project.title.strip():
        problems.append(_("Give the project a title."))
    if not project.summary.strip():
        problems.append(_("Summarise the project."))
    if project.applicant_type not in call.applicant_types:
        problems.append(_("Say as whom you apply, among the kinds of applicants this call accepts."))
    if (
        project.applicant_type
        in (
            ApplicantType.ASSOCIATION,
            ApplicantType.COMPANY,
            ApplicantType.PUBLIC_BODY,
        )
        and not project.organisation_name.strip()
    ):
        problems.append(_("Give the name of the organisation that applies."))
    if project.applicant_type == ApplicantType.COMPANY:
        try:
            validate_siret(project.siret)
        except ValidationError as error:
            problems.extend(error.messages)
    # An RNA number, or for an Alsace-Moselle association (no RNA) its local register entry.
    if project.applicant_type == ApplicantType.ASSOCIATION and (
        project.rna or not project.local_register.strip()
    ):
        try:
            validate_rna(project.rna)
        except ValidationError as error:
            problems.extend(error.messages)
            if not project.rna:
                problems.append(
                    _(
                        "An association registered in Moselle, Bas-Rhin or Haut-Rhin has no RNA number: "
                        "give its entry in the register of associations of its local court instead."
                    )
                )
    if call.territory_id:
        if project.territory_id is None:
            problems.append(_("Say in which commune the project takes place."))
        elif not territory_within(project.territory, call.territory):
            problems.append(
                _("The project must take place in %(territory)s.") % {"territory": call.territory}
            )
    problems.extend(_amount_problems(project))
    answers = project.answers or {}
    for field in call.fields.all():
        if field.required and answers.get(field.key) in (None, ""):
            problems.append(_("Answer the question “%(label)s”.") % {"label": field.label})
    attached = set(project.attachments.values_list("document_id", flat=True))
    for document in call.documents.all():
        if document.required and document.pk not in attached:
            problems.append(_("Attach the document “%(label)s”.") % {"label": document.label})
    return problems


def _amount_problems(project: Project) -> list[str]:
    call = project.call
    amount = project.amount_requested or Decimal("0")
    lines = list(project.budget_lines.all())
    problems = []
    if call.kind == CallKind.FUNDING and amount <= 0:
        problems.append(_("Say how much you ask for."))
    if call.min_amount is not None and 0 < amount < call.min_amount:
        problems.append(_("This call funds projects from %(amount)s.") % {"amount": money(call.min_amount)})
    if call.max_amount is not None and amount > call.max_amount:
        problems.append(_("This call funds projects up to %(amount)s.") % {"amount": money(call.max_amount)})
    if amount > 0 or lines:
        total = sum((line.amount for line in lines), Decimal("0"))
        if total != amount:
            problems.append(
                _("The budget lines add up to %(total)s, not to the %(amount)s requested.")
                % {"total": money(total), "amount": money(amount)}
            )
    return problems


@transaction.atomic
def project_submit(*, project: Project, actor) -> Project:
    """Submit a complete dossier before the deadline; the applicant gets a receipt by e-mail."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _deadline_check(project.call)
    if project.status != Status.DRAFT:
        refuse(_("This dossier is already submitted."), "already_submitted")
    problems = project_problems(project)
    if problems:
        refuse(" ".join(problems), "incomplete")
    project.status = Status.SUBMITTED
    project.submitted_at = timezone.now()
    project.reference = f"{project.call_id}-{project.pk:05d}-{secrets.token_hex(2).upper()}"
    project.save(update_fields=["status", "submitted_at", "reference", "updated_at"])
    status_change_log(
        project=project, from_status=Status.DRAFT, to_status=Status.SUBMITTED, reason="", actor=actor
    )
    return project


@transaction.atomic
def attachment_add(*, project: Project, upload, document=None) -> Attachment:
    """Attach a file whose content is of an accepted type and whose size is within the call's limit.

    The dossier is read again under a row lock (the given instance may be stale): its status is checked
    on the fresh copy, and two uploads at once cannot pass the limit on the number of attachments."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    call = project.call
    _deadline_check(call)
    if project.status not in (Status.DRAFT, Status.SUBMITTED):
        refuse(_("This dossier is being examined and can no longer be changed."), "not_editable")
    if document is not None and document.call_id != call.pk:
        refuse(_("Choose one of the documents this call asks for."), "document")
    if upload.size > call.max_file_size:
        refuse(
            _("This file weighs %(size)s MB; files of this call must weigh at most %(max)s MB.")
            % {"size": round(upload.size / 1024 / 1024, 1), "max": call.max_file_size_mb},
            "too_large",
        )
    if upload.size == 0:
        refuse(_("This file is empty."), "empty")
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ACCEPTED_TYPES:
        refuse(
            _("This file is not a document of an accepted type, whatever its name says. Accepted: %(types)s.")
            % {"types": ", ".join(sorted(set(ACCEPTED_TYPES.values())))},
            "type",
        )
    if project.attachments.count() >= MAX_ATTACHMENTS:
        refuse(_("A dossier has at most %(count)s attachments.") % {"count": MAX_ATTACHMENTS}, "too_many")
    attachment = Attachment(
        project=project,
        document=document,
        token=secrets.token_hex(16),
        original_name=(upload.name or "document")[-200:],
        content_type=kind.mime,
        size=upload.size,
    )
    attachment.file.save(attachment.token, ContentFile(upload.read()), save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment) -> None:
    project = Project.objects.select_for_update().get(pk=attachment.project_id)
    _deadline_check(project.call)
    if project.status not in (Status.DRAFT, Status.SUBMITTED):
        refuse(_("This dossier is being examined and can no longer be changed."), "not_editable")
    if project.status == Status.SUBMITTED and attachment.document and attachment.document.required:
        others = project.attachments.filter(document=attachment.document).exclude(pk=attachment.pk)
        if not others.exists():
            refuse(
                _("This document is required: attach its new version before removing this one."),
                "required",
            )
    attachment.delete()
    transaction.on_commit(lambda: attachment.file.delete(save=False))
