"""A call's dossiers as one table, written to CSV, XLSX or ODS (built by a background task)."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from calls.selectors import projects_for_officials, ranking
from core.spreadsheets import Table, date_formats_for, write_csv, write_ods, write_xlsx


def projects_table(call) -> tuple[list[str], list[list]]:
    header = [
        _("Reference"),
        _("Title"),
        _("Status"),
        _("Reason"),
        _("Applying as"),
        _("Organisation"),
        _("SIRET"),
        _("RNA"),
        _("Territory"),
        _("Amount requested (€)"),
        _("Submitted at"),
        _("Service"),
        _("Tags"),
        _("Evaluators"),
        _("Mark (/100)"),
        _("Spread between evaluators"),
    ]
    marks = {rank.project.pk: rank for rank in ranking(call=call)}
    rows = []
    for project in projects_for_officials(call=call):
        rank = marks.get(project.pk)
        rows.append(
            [
                project.reference,
                project.title,
                project.get_status_display(),
                project.status_reason,
                project.get_applicant_type_display(),
                project.organisation_name,
                project.siret,
                project.rna,
                str(project.territory or ""),
                float(project.amount_requested),
                # A date cell, in the platform's time (spreadsheets hold no time zone), to the minute.
                timezone.localtime(project.submitted_at).replace(tzinfo=None, second=0, microsecond=0)
                if project.submitted_at
                else None,
                str(project.service or ""),
                ", ".join(tag.name for tag in project.tags.all()),
                project.evaluator_count,
                rank.mark if rank and rank.mark is not None else "",
                rank.spread if rank and rank.spread is not None else "",
            ]
        )
    return header, rows


def write(call, file_format: str) -> bytes:
    header, rows = projects_table(call)
    # The same cells in every format (core/spreadsheets): a file saved again as CSV stays safe.
    table = Table(_("Dossiers"), header, rows)
    formats = date_formats_for(translation.get_language())
    if file_format == "csv":
        return write_csv(table)
    if file_format == "xlsx":
        return write_xlsx([table], date_formats=formats)
    if file_format == "ods":
        return write_ods([table], date_formats=formats)
    raise ValueError(file_format)
