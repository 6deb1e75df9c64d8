"""A report version as tables, written to an XLSX workbook (one sheet per section) or to CSV files.

Generic over the report's stored sections (`schema.Report.to_data`): each section that is a list of records
becomes a sheet, so new sections of the report are exported without code here. Values that are lists or
records themselves are written as JSON in their cell.
"""

from django.utils.translation import gettext as _

from core.spreadsheets import Table
from reports.models import ReportSnapshot
from reports.schema import ConsultationInfo

# Keys of the report's records, as column titles (others keep their key).
COLUMN_TITLES = {
    "question": lambda: _("Question"),
    "kind": lambda: _("Kind"),
    "label": lambda: _("Label"),
    "respondents": lambda: _("Respondents"),
    "item": lambda: _("Answer"),
    "count": lambda: _("Count"),
    "percent": lambda: _("Percent"),
    "mean_rank": lambda: _("Mean rank"),
    "borda": lambda: _("Borda score"),
    "first": lambda: _("Ranked first"),
    "value": lambda: _("Value"),
}
# The question's own lists of rows (choices, ranks, values of a scale).
QUESTION_ROWS = ("choices", "ranking", "distribution")


def report_tables(snapshot: ReportSnapshot) -> list[Table]:
    report = snapshot.report
    consultation = report.consultation or ConsultationInfo()
    summary = Table(_("Summary"), [_("Figure"), _("Value")])
    summary.rows = [
        [_("Consultation"), consultation.title],
        [_("Opens at"), consultation.opens_at],
        [_("Closes at"), consultation.closes_at],
        [_("Report version"), snapshot.version],
        [_("Compiled at"), snapshot.compiled_at.isoformat()],
        [_("Participants"), report.participants],
        [_("Open answers"), report.open_answers],
        [_("Caveat"), _("Self-selected participants, not a survey sample.")],
    ]
    # The sections as stored (the report above has read them, so their format is known): generic
    # over the dict, without writing the whole report back out.
    data = _in_stored_order(snapshot.data)
    method = data.get("method") or {}
    summary.rows += [[key, value] for key, value in method.items() if key not in ("opens_at", "closes_at")]
    tables = [summary, _questions_table(data["questions"])]
    for key, value in data.items():
        if key in ("questions", "consultation", "method"):
            continue
        if _is_records(value):
            tables.append(_records_table(key, value))
        elif isinstance(value, dict):  # a section of several tables, e.g. participation
            tables += [
                _records_table(f"{key} {part}", rows) for part, rows in value.items() if _is_records(rows)
            ]
    return tables


def _in_stored_order(value):
    """`value` with the keys of its records in the order PostgreSQL keeps them (shortest first, then in
    byte order: `jsonb` does not keep the order they were written in), the order the files have always
    had for versions read back from the database."""
    if isinstance(value, dict):
        ordered = sorted(value, key=lambda key: (len(key.encode()), key.encode()))
        return {key: _in_stored_order(value[key]) for key in ordered}
    if isinstance(value, list):
        return [_in_stored_order(item) for item in value]
    return value


def _questions_table(questions: list[dict]) -> Table:
    records = []
    for number, question in enumerate(questions, start=1):
        common = {
            "question": number,
            "label": question.get("label", ""),
            "kind": question.get("kind", ""),
            "respondents": question.get("respondents"),
        }
        rows = [row for key in QUESTION_ROWS for row in question.get(key) or []]
        if rows:
            records += [
                {**common, "item": row.get("label", row.get("value")), **_without(row, "id", "label")}
                for row in rows
            ]
        else:
            scalars = {
                k: v for k, v in question.items() if k not in common and not isinstance(v, list | dict)
            }
            records.append({**common, **_without(scalars, "id")})
    table = _records_table("questions", records)
    table.name = _("Questions")
    return table


def _records_table(name: str, records: list[dict]) -> Table:
    keys = list(dict.fromkeys(key for record in records for key in record))
    table = Table(name[:31], [str(COLUMN_TITLES[key]()) if key in COLUMN_TITLES else key for key in keys])
    table.rows = [[record.get(key) for key in keys] for record in records]
    return table


def _is_records(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)


def _without(record: dict, *keys: str) -> dict:
    return {key: value for key, value in record.items() if key not in keys}
