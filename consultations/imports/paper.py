"""Paper questionnaires typed in by agents: the CSV template of a consultation's questionnaire, and the
reading of a filled one, row by row, through the online questionnaire's own form (`ResponseForm`).

The format (see docs/imports.md): UTF-8 (with or without BOM), `;` or `,` as separator (sniffed from the
header), lines whose first cell starts with `#` are instructions and skipped, then a header row —
`reference` (the paper form's number) and one column per question (`q1`, `q2`… in the questionnaire's
order, `q1_other` for a question's "Other" text) — then one row per paper form. Choices are written as
on the paper (the choice's words), or by their number in the list; several choices, or a ranking, are
separated by `|`.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from consultations.blocks import AGE_BANDS, OTHER, YES_NO, Question
from consultations.forms import OTHER_SUFFIX, ResponseForm, field_name
from consultations.models import Channel, ConsultationPage, Response

REFERENCE = "reference"
REFERENCE_MAX_LENGTH = 64
# Limits of one upload, said in the page: a pile of paper forms is typed in in batches.
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
# Problems listed before stopping (the rest would mostly repeat them).
MAX_ERRORS = 200
SEPARATOR = "|"


@dataclass(frozen=True)
class Column:
    name: str
    question: Question
    other: bool = False


def question_columns(questions: list[Question]) -> list[Column]:
    """The questionnaire's columns, in order: `q<n>`, and `q<n>_other` after a question with "Other"."""
    columns = []
    for number, question in enumerate(questions, start=1):
        columns.append(Column(f"q{number}", question))
        if question.allow_other:
            columns.append(Column(f"q{number}_other", question, other=True))
    return columns


def _describe(column: Column) -> str:
    question = column.question
    if column.other:
        return _("what the person wrote beside “Other”")
    required = _("required") if question.required else _("optional")
    kind = question.kind
    choices = " | ".join(f"{n}. {label}" for n, (_id, label) in enumerate(question.all_choices, start=1))
    if kind in ("single_choice", "yes_no", "age_band"):
        what = _("one of: %(choices)s") % {"choices": choices}
    elif kind == "multiple_choice":
        what = _("one or more of, separated by |: %(choices)s") % {"choices": choices}
    elif kind == "ranking":
        what = _("every choice, first first, separated by |: %(choices)s") % {"choices": choices}
    elif kind == "scale":
        what = _("a whole number from %(low)d to %(high)d") % {
            "low": int(question.min_value),
            "high": int(question.max_value),
        }
    elif kind == "number":
        what = _("a number") if question.decimals else _("a whole number")
    else:
        what = _("text, at most %(count)d characters") % {"count": question.max_length}
    return f"{question.label} — {what} ({required})"


def paper_template_csv(consultation: ConsultationPage) -> bytes:
    """The CSV template of the consultation's questionnaire: instructions, then the header row.
    UTF-8 with a BOM and `;`, which is what a spreadsheet in French opens correctly by a double click."""
    columns = question_columns(consultation.question_list)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    notes = [
        _("# Paper forms of “%(title)s”: one row per paper form, under the header row.")
        % {"title": consultation.title},
        _("# Lines starting with # are instructions: keep them or delete them. Save as CSV UTF-8."),
        _("# reference — the number written on the paper form (required; each number once)."),
        *(f"# {column.name} — {_describe(column)}" for column in columns),
    ]
    # Notes start with "#" and the columns are named by us: nothing a spreadsheet would take for a formula.
    for note in notes:
        writer.writerow([note])
    writer.writerow([REFERENCE, *(column.name for column in columns)])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


@dataclass(frozen=True)
class RowError:
    line: int | None
    column: str
    message: str


@dataclass(frozen=True)
class PaperRow:
    line: int
    reference: str
    answers: dict


@dataclass
class PaperUpload:
    rows: list[PaperRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def error(self, line: int | None, column: str, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(line, column, message))

    @property
    def truncated(self) -> bool:
        return len(self.errors) >= MAX_ERRORS


def _decode(data: bytes, upload: PaperUpload) -> str | None:
    if not data.strip():
        upload.error(None, "", _("The file is empty."))
        return None
    if b"\x00" in data:
        upload.error(
            None, "", _("This is not a CSV text file. Save the spreadsheet as “CSV UTF-8” and try again.")
        )
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        upload.error(
            line,
            "",
            _(
                "This line is not in UTF-8 (the file was probably saved as “CSV” in an older encoding). "
                "Save it as “CSV UTF-8” and try again: nothing was read, so that no letter is garbled."
            ),
        )
        return None


def _normalised(value: str) -> str:
    return " ".join(value.split()).casefold()


def _fixed_labels(kind: str) -> dict[str, str]:
    """Yes/no and age bands are worded by the site, in each of its languages: a file typed in French is
    read the same whatever the agent's language."""
    fixed = {"yes_no": YES_NO, "age_band": AGE_BANDS}.get(kind, ())
    labels = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            labels.update({_normalised(str(label)): choice_id for choice_id, label in fixed})
    return labels


def _choice_id(question: Question, cell: str) -> str | None:
    """The id of the choice written in a cell: its words (any case), its id, or its number."""
    choices = question.all_choices
    wanted = _normalised(cell)
    if wanted.isascii() and wanted.isdigit() and 1 <= int(wanted) <= len(choices):
        return choices[int(wanted) - 1][0]
    for choice_id, label in choices:
        if wanted in (_normalised(label), choice_id.casefold()):
            return choice_id
    return _fixed_labels(question.kind).get(wanted)


_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")


def _form_data(
    columns: list[Column], cells: dict[str, str], line: int, upload: PaperUpload
) -> MultiValueDict:
    """The POST data the online questionnaire would have received for this paper form."""
    data = MultiValueDict()
    for column in columns:
        question, cell = column.question, cells.get(column.name, "").strip()
        name = field_name(question)
        if column.other:
            data[name + OTHER_SUFFIX] = cell
            continue
        if not cell:
            # Words beside "Other" with nothing ticked: the person chose "Other".
            if question.allow_other and cells.get(f"{column.name}_other", "").strip():
                data.setlist(name, [OTHER])
            continue
        kind = question.kind
        if kind in ("single_choice", "yes_no", "age_band", "multiple_choice", "ranking"):
            several = kind in ("multiple_choice", "ranking")
            items = [item.strip() for item in cell.split(SEPARATOR)] if several else [cell]
            ids = []
            for item in items:
                choice = _choice_id(question, item)
                if choice is None:
                    upload.error(
                        line,
                        column.name,
                        _("“%(value)s” is not one of the choices of this question.") % {"value": item[:50]},
                    )
                    return None
                ids.append(choice)
            if kind == "ranking":
                for rank, choice in enumerate(ids, start=1):
                    data[f"{name}_{choice}"] = str(rank)
            else:
                data.setlist(name, ids)
        elif kind in ("scale", "number"):
            data[name] = cell.replace(",", ".") if _DECIMAL_COMMA.match(cell) else cell
        else:
            data[name] = cell
    return data


def _separator(header_line: str) -> str:
    return ";" if header_line.count(";") >= header_line.count(",") else ","


def paper_csv_read(consultation: ConsultationPage, data: bytes) -> PaperUpload:
    """Check a filled template, every row with the online questionnaire's validation.

    Returns the rows ready to save and the problems found (line, column, message); the caller saves
    nothing unless there is no problem at all.
    """
    upload = PaperUpload()
    if len(data) > MAX_BYTES:
        upload.error(
            None,
            "",
            _("The file is larger than %(size)d MB: split it into several files.")
            % {"size": MAX_BYTES // 2**20},
        )
        return upload
    text = _decode(data, upload)
    if text is None:
        return upload
    # Physical lines as the csv module counts them (\n, \r\n or \r; not the other Unicode breaks).
    lines = list(io.StringIO(text, newline=""))
    # Instructions first (a # in the first cell, or an empty line), then the header.
    start = 0
    while start < len(lines) and (
        not lines[start].strip() or lines[start].lstrip().lstrip('"').startswith("#")
    ):
        start += 1
    if start == len(lines):
        upload.error(None, "", _("The header row (reference, q1, q2…) is missing."))
        return upload
    reader = csv.reader(lines[start:], delimiter=_separator(lines[start]), strict=True)
    columns = question_columns(consultation.question_list)
    by_name = {column.name: column for column in columns}
    header = None
    seen: dict[str, int] = {}
    taken = set(
        Response.objects.filter(consultation=consultation, channel=Channel.PAPER).values_list(
            "reference", flat=True
        )
    )
    end = 0
    count = 0
    try:
        for cells in reader:
            line = start + end + 1
            end = reader.line_num
            if header is None:
                header = _header(cells, by_name, start + 1, upload)
                if header is None:
                    return upload
                continue
            if not any(cell.strip() for cell in cells):
                continue  # a blank line; after the header a "#" is data (a form may be numbered "#12")
            count += 1
            if count > MAX_ROWS:
                upload.error(
                    line,
                    "",
                    _("More than %(count)d paper forms: split the file into several.") % {"count": MAX_ROWS},
                )
                return upload
            if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
                upload.error(
                    line,
                    "",
                    _("This row has %(count)d cells, but the header row has %(expected)d columns.")
                    % {"count": len(cells), "expected": len(header)},
                )
                continue
            row = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)}
            reference = " ".join(row.pop(REFERENCE).split())
            if not reference:
                upload.error(line, REFERENCE, _("Give the number written on the paper form."))
            elif len(reference) > REFERENCE_MAX_LENGTH:
                upload.error(
                    line, REFERENCE, _("At most %(count)d characters.") % {"count": REFERENCE_MAX_LENGTH}
                )
            elif reference in seen:
                upload.error(
                    line,
                    REFERENCE,
                    _("Paper form %(number)s is already on line %(line)d of this file.")
                    % {"number": reference, "line": seen[reference]},
                )
            elif reference in taken:
                upload.error(
                    line,
                    REFERENCE,
                    _("Paper form %(number)s was typed in before.") % {"number": reference},
                )
            else:
                seen[reference] = line
            answers = _row_answers(columns, row, line, upload)
            if answers is not None and reference:
                upload.rows.append(PaperRow(line, reference, answers))
            if upload.truncated:
                return upload
    except csv.Error as error:
        upload.error(start + end + 1, "", _("Malformed CSV: %(reason)s.") % {"reason": error})
        return upload
    if header is not None and count == 0:
        upload.error(None, "", _("The file has no paper form under its header row."))
    return upload


def _header(cells: list[str], by_name: dict[str, Column], line: int, upload: PaperUpload) -> list[str] | None:
    names = [cell.strip().lower() for cell in cells]
    while names and not names[-1]:  # a spreadsheet's trailing empty columns
        names.pop()
    ok = True
    for name in names:
        if names.count(name) > 1:
            upload.error(line, name, _("This column appears more than once."))
            ok = False
            break
    for name in names:
        if name != REFERENCE and name not in by_name:
            upload.error(
                line,
                name or "?",
                _("Unknown column: download the template again, the questionnaire may have changed."),
            )
            ok = False
    for name in [REFERENCE, *by_name]:
        if name not in names:
            upload.error(line, name, _("This column is missing."))
            ok = False
    return names if ok else None


def _row_answers(columns: list[Column], row: dict[str, str], line: int, upload: PaperUpload) -> dict | None:
    data = _form_data(columns, row, line, upload)
    if data is None:
        return None
    questions = [column.question for column in columns if not column.other]
    form = ResponseForm(data=data, questions=questions)
    if form.is_valid():
        return form.answers()
    names = {field_name(c.question) + (OTHER_SUFFIX if c.other else ""): c.name for c in columns}
    for name, messages in form.errors.items():
        for message in messages:
            upload.error(line, names.get(name, ""), message)
    return None
