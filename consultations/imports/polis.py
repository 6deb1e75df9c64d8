"""Import a Pol.is export (the open-data format described in `shared/data/polis/README.md`) as a
consultation with its statements and votes.

The reader is strict, unlike `feedback.analysis.polis` (which feeds tests and benchmarks from known-good
files): an operator's folder may be anything, so every file, column and cell is checked and each problem
is reported with its file and line. Nothing is written unless the whole export reads cleanly, and the
writing is one transaction.
"""

import csv
import hashlib
import html
import io
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Page

from consultations.events import conversation_imported
from consultations.models import (
    STATEMENT_MAX_LENGTH,
    Channel,
    ConsultationPage,
    ExternalParticipant,
    ModerationPolicy,
    Statement,
    Vote,
)
from consultations.placeholders import PLACEHOLDER, placeholders_left

logger = logging.getLogger(__name__)

COMMENT_COLUMNS = {
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
    "is-meta",
    "is-seed",
    "group-informed-consensus",
}
COMMENT_REQUIRED = {"timestamp", "comment-id", "moderated", "comment-body"}
FILES = ("summary.csv", "comments.csv", "participants-votes.csv")
PARTICIPANT_COLUMNS = {"participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"}
# The errors listed before giving up: enough to fix a file, not a wall of text.
MAX_ERRORS = 50
# The duty-to-report-back fields a Pol.is export does not hold (written with `PLACEHOLDER`: the page stays a
# draft until they are described), with the option of `import_polis` that fills each.
TO_DESCRIBE = {"decision_at_stake": "--decision-at-stake", "what_can_change": "--what-can-change"}


class PolisImportError(Exception):
    """The export cannot be imported; `errors` name the file and line of each problem."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class PolisStatement:
    id: int
    body: str
    moderated: int  # 1 accepted, 0 not moderated yet, -1 moderated out
    is_meta: bool
    timestamp_ms: int


@dataclass
class PolisExport:
    folder: Path
    topic: str = ""
    url: str = ""
    description: str = ""
    statements: list[PolisStatement] = field(default_factory=list)
    # (Pol.is participant id, comment id, vote), final votes only.
    votes: list[tuple[int, int, int]] = field(default_factory=list)
    # SHA-256 of comments.csv and participants-votes.csv, as read.
    digest: "hashlib._Hash" = field(default_factory=hashlib.sha256)

    @property
    def source(self) -> str:
        """What identifies the conversation (`ConsultationPage.imported_from`): its URL, else a hash of its
        statements and votes files. Not the folder's name: two exports saved as `export/` in different
        places are different conversations, and one export copied to another folder is the same."""
        return self.url or f"sha256:{self.digest.hexdigest()}"

    @property
    def label(self) -> str:
        """How the conversation is named to people: its URL, else its folder's name."""
        return self.url or self.folder.name

    def dates(self) -> tuple[datetime, datetime]:
        """When the conversation opened and closed: its first and last statement (a minute later)."""
        stamps = [s.timestamp_ms for s in self.statements] or [0]
        first = datetime.fromtimestamp(min(stamps) / 1000, tz=UTC)
        last = datetime.fromtimestamp(max(stamps) / 1000, tz=UTC)
        return first, last + timedelta(minutes=1)


class _Errors(list):
    def add(self, message: str) -> None:
        if len(self) < MAX_ERRORS:
            self.append(message)
        elif len(self) == MAX_ERRORS:
            self.append(_("… and more problems: fix these first."))


def _rows(path: Path, errors: _Errors, digest=None):
    """The rows of a CSV file as (line number, cells), strictly UTF-8. Refuses a file of more rows than
    the setting POLIS_IMPORT_MAX_ROWS as soon as it reaches the first row beyond. `digest`, if given, is
    fed the file's bytes."""
    try:
        text = path.read_bytes()
    except OSError as error:
        errors.add(
            _("%(file)s: cannot be read (%(reason)s).") % {"file": path.name, "reason": error.strerror}
        )
        return
    if digest is not None:
        digest.update(text)
    if b"\x00" in text:
        errors.add(_("%(file)s: this is not a CSV text file.") % {"file": path.name})
        return
    try:
        decoded = text.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = text[: error.start].count(b"\n") + 1
        errors.add(
            _("%(file)s, line %(line)d: not UTF-8 text (Pol.is exports are UTF-8).")
            % {"file": path.name, "line": line}
        )
        return
    # Physical lines as the csv module counts them: `str.splitlines` would also break on U+2028 & co.
    reader = csv.reader(io.StringIO(decoded, newline=""), strict=True)
    limit = settings.POLIS_IMPORT_MAX_ROWS
    try:
        for count, cells in enumerate(reader, start=1):
            if count > limit:
                raise PolisImportError(
                    [
                        _("%(file)s: more than %(limit)d rows, the limit (setting POLIS_IMPORT_MAX_ROWS).")
                        % {"file": path.name, "limit": limit}
                    ]
                )
            yield reader.line_num, cells
    except csv.Error as error:
        errors.add(
            _("%(file)s, line %(line)d: malformed CSV (%(reason)s).")
            % {"file": path.name, "line": reader.line_num, "reason": error}
        )


def _int(value: str) -> int | None:
    value = value.strip()
    if value.lstrip("-").isdigit() and value.isascii():
        return int(value)
    return None


def polis_export_read(folder) -> PolisExport:
    """Read and check an exported conversation: `comments.csv` and `participants-votes.csv` (required),
    `summary.csv` (optional: title, URL, description). Raises PolisImportError listing every problem."""
    folder = Path(folder)
    errors = _Errors()
    if not folder.is_dir():
        raise PolisImportError([_("%(folder)s: no such folder.") % {"folder": folder}])
    missing = [name for name in ("comments.csv", "participants-votes.csv") if not (folder / name).is_file()]
    if missing:
        raise PolisImportError(
            [_("%(folder)s: %(file)s is missing.") % {"folder": folder, "file": name} for name in missing]
        )
    _size_check(folder)
    export = PolisExport(folder=folder)
    _read_summary(folder / "summary.csv", export, errors)
    _read_comments(folder / "comments.csv", export, errors)
    _read_votes(folder / "participants-votes.csv", export, errors)
    if not errors and not export.statements:
        errors.add(_("comments.csv: no statements."))
    if errors:
        raise PolisImportError(list(errors))
    return export


def _size_check(folder: Path) -> None:
    """Refuse, before reading anything, an export larger than the setting POLIS_IMPORT_MAX_BYTES."""
    limit = settings.POLIS_IMPORT_MAX_BYTES
    size = sum((folder / name).stat().st_size for name in FILES if (folder / name).is_file())
    if size > limit:
        raise PolisImportError(
            [
                _(
                    "%(folder)s: the export's files hold %(size)s, more than the limit of %(limit)s "
                    "(setting POLIS_IMPORT_MAX_BYTES). Nothing was read."
                )
                % {"folder": folder, "size": filesizeformat(size), "limit": filesizeformat(limit)}
            ]
        )


def _read_summary(path: Path, export: PolisExport, errors: _Errors) -> None:
    if not path.is_file():
        return
    longest = ConsultationPage._meta.get_field("imported_from").max_length
    for line, cells in _rows(path, errors):
        if len(cells) >= 2:
            key, value = cells[0], cells[1]
            if key == "topic":
                export.topic = value.strip()
            elif key == "url":
                export.url = value.strip()
                if len(export.url) > longest:
                    errors.add(
                        _(
                            "%(file)s, line %(line)d: the conversation's URL is longer than %(max)d "
                            "characters."
                        )
                        % {"file": path.name, "line": line, "max": longest}
                    )
            elif key == "conversation-description":
                export.description = value.strip()


def _header(path: Path, line: int, cells: list[str], *, known, required, errors: _Errors) -> dict[str, int]:
    columns = {}
    for position, name in enumerate(cells):
        if name in columns:
            errors.add(
                _("%(file)s, line %(line)d: column “%(column)s” appears twice.")
                % {"file": path.name, "line": line, "column": name}
            )
        columns[name] = position
    for name in cells:
        if not known(name):
            errors.add(
                _("%(file)s, line %(line)d: unknown column “%(column)s”.")
                % {"file": path.name, "line": line, "column": name}
            )
    for name in sorted(required - set(columns)):
        errors.add(
            _("%(file)s, line %(line)d: column “%(column)s” is missing.")
            % {"file": path.name, "line": line, "column": name}
        )
    return columns


def _read_comments(path: Path, export: PolisExport, errors: _Errors) -> None:
    columns, seen = None, set()
    for line, cells in _rows(path, errors, export.digest):
        if columns is None:
            columns = _header(
                path,
                line,
                cells,
                known=COMMENT_COLUMNS.__contains__,
                required=COMMENT_REQUIRED,
                errors=errors,
            )
            if not set(columns) >= COMMENT_REQUIRED:
                return
            continue
        where = {"file": path.name, "line": line}
        if len(cells) != len(columns):
            errors.add(
                _("%(file)s, line %(line)d: %(count)d cells where the header has %(expected)d.")
                % {**where, "count": len(cells), "expected": len(columns)}
            )
            continue
        row = {name: cells[position] for name, position in columns.items()}
        comment_id, moderated, stamp = _int(row["comment-id"]), _int(row["moderated"]), _int(row["timestamp"])
        body = " ".join(row["comment-body"].split())
        if comment_id is None or comment_id < 0:
            errors.add(_("%(file)s, line %(line)d: comment-id must be a whole number.") % where)
        elif comment_id in seen:
            errors.add(
                _("%(file)s, line %(line)d: comment %(id)d appears twice.") % {**where, "id": comment_id}
            )
        if moderated not in (-1, 0, 1):
            errors.add(_("%(file)s, line %(line)d: moderated must be 1, 0 or -1.") % where)
        if stamp is None:
            errors.add(
                _("%(file)s, line %(line)d: timestamp must be a whole number of milliseconds.") % where
            )
        if not body:
            errors.add(_("%(file)s, line %(line)d: the comment is empty.") % where)
        elif len(body) > STATEMENT_MAX_LENGTH:
            errors.add(
                _("%(file)s, line %(line)d: the comment is longer than %(max)d characters.")
                % {**where, "max": STATEMENT_MAX_LENGTH}
            )
        if (
            comment_id is None
            or comment_id in seen
            or moderated not in (-1, 0, 1)
            or stamp is None
            or not body
        ):
            continue
        seen.add(comment_id)
        export.statements.append(
            PolisStatement(
                id=comment_id,
                body=body[:STATEMENT_MAX_LENGTH],
                moderated=moderated,
                is_meta=row.get("is-meta", "").strip().lower() == "true",
                timestamp_ms=stamp,
            )
        )
    if columns is None:
        errors.add(_("%(file)s: the file is empty.") % {"file": path.name})


def _read_votes(path: Path, export: PolisExport, errors: _Errors) -> None:
    statement_ids = {s.id for s in export.statements}
    columns, statement_columns, seen = None, [], set()
    for line, cells in _rows(path, errors, export.digest):
        where = {"file": path.name, "line": line}
        if columns is None:
            columns = _header(
                path,
                line,
                cells,
                known=lambda name: name in PARTICIPANT_COLUMNS or _int(name) is not None,
                required={"participant"},
                errors=errors,
            )
            for name, position in columns.items():
                if name in PARTICIPANT_COLUMNS:
                    continue
                if _int(name) is not None and _int(name) not in statement_ids and statement_ids:
                    errors.add(
                        _("%(file)s, line %(line)d: column “%(column)s” is not a comment of comments.csv.")
                        % {**where, "column": name}
                    )
                else:
                    statement_columns.append((position, _int(name)))
            if "participant" not in columns:
                return
            continue
        if len(cells) != len(columns):
            errors.add(
                _("%(file)s, line %(line)d: %(count)d cells where the header has %(expected)d.")
                % {**where, "count": len(cells), "expected": len(columns)}
            )
            continue
        participant = _int(cells[columns["participant"]])
        if participant is None:
            errors.add(_("%(file)s, line %(line)d: participant must be a whole number.") % where)
            continue
        if participant in seen:
            errors.add(
                _("%(file)s, line %(line)d: participant %(id)d appears twice.") % {**where, "id": participant}
            )
            continue
        seen.add(participant)
        for position, statement in statement_columns:
            cell = cells[position].strip()
            if cell == "":
                continue
            value = _vote_value(cell)
            if value is None:
                errors.add(
                    _("%(file)s, line %(line)d, column “%(column)s”: a vote is 1, -1 or 0, not “%(value)s”.")
                    % {**where, "column": statement, "value": cell[:20]}
                )
                continue
            export.votes.append((participant, statement, value))
    if columns is None:
        errors.add(_("%(file)s: the file is empty.") % {"file": path.name})


def _vote_value(cell: str) -> int | None:
    try:
        number = float(cell)
    except ValueError:
        return None
    return int(number) if number in (-1.0, 0.0, 1.0) else None


class PolisImportRefused(Exception):
    """The import would break something that is already there (a second import of one conversation)."""


@dataclass(frozen=True)
class PolisImportSummary:
    consultation: ConsultationPage
    statements: int
    participants: int
    votes: int
    replaced: bool


def _introduction(export: PolisExport) -> str:
    paragraphs = [p.strip() for p in export.description.split("\n\n") if p.strip()]
    source = _("Imported from the Pol.is conversation %(source)s.") % {"source": export.label}
    return "".join(f"<p>{html.escape(p)}</p>" for p in [*paragraphs, source])


def _unique_slug(parent: Page, title: str, fallback: str, exclude: int | None = None) -> str:
    base = slugify(title, allow_unicode=True)[:80].strip("-") or fallback
    taken = set(parent.get_children().exclude(pk=exclude).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _already_imported(existing: ConsultationPage) -> PolisImportRefused:
    return PolisImportRefused(
        _(
            "This conversation was imported already, as “%(title)s” (page %(id)d). "
            "Use --replace to replace its statements and votes."
        )
        % {"title": existing.title, "id": existing.pk}
    )


def _placeholders_refused(names: list[str]) -> PolisImportRefused:
    fields = "; ".join(
        f'{ConsultationPage._meta.get_field(name).verbose_name} ({TO_DESCRIBE[name]} "…")' for name in names
    )
    return PolisImportRefused(
        _(
            "--publish would show citizens placeholders where the Pol.is export says nothing: %(fields)s. "
            "Give these options, or import without --publish (a draft) and describe them in the admin "
            "before publishing."
        )
        % {"fields": fields}
    )


def polis_conversation_import(*, export: PolisExport, **options) -> PolisImportSummary:
    """Create a closed consultation holding the conversation's statements and final votes, each voter
    an `ExternalParticipant` (never an account). One transaction: all of it, or nothing.

    The same conversation (same `export.source`) is imported once; `replace=True` replaces the
    statements and votes of an earlier import in place (same page), provided nobody contributed to it on
    the site since. Two imports of one conversation at once: the second waits for the first, then is
    refused (the constraint `consultation_imported_once`) as if it had come after.
    """
    try:
        return _conversation_import(export=export, **options)
    except IntegrityError:
        existing = ConsultationPage.objects.filter(imported_from=export.source).first()
        if existing is None:
            raise
        raise _already_imported(existing) from None


@transaction.atomic
def _conversation_import(
    *,
    export: PolisExport,
    organisation,
    parent: Page,
    title: str = "",
    replace: bool = False,
    publish: bool = False,
    decision_at_stake: str = "",
    what_can_change: str = "",
    use_of_contributions: str = "",
) -> PolisImportSummary:
    """`decision_at_stake`, `what_can_change` and `use_of_contributions`, when given, fill the
    duty-to-report-back fields (else a new page gets placeholders, a replaced one keeps its own);
    `publish` is refused while a placeholder would be left."""
    title = (title or export.topic or export.folder.name).strip()[:255]
    opens_at, closes_at = export.dates()
    existing = ConsultationPage.objects.select_for_update().filter(imported_from=export.source).first()
    if existing is not None and not replace:
        raise _already_imported(existing)
    page_fields = {
        "title": title,
        "organisation": organisation,
        "introduction": _introduction(export),
        "opens_at": opens_at,
        "closes_at": closes_at,
        "statements_enabled": True,
        "statement_moderation": ModerationPolicy.POST,
    }
    described = {
        name: value.strip()
        for name, value in {
            "decision_at_stake": decision_at_stake,
            "what_can_change": what_can_change,
            "use_of_contributions": use_of_contributions,
        }.items()
        if value.strip()
    }
    if existing is not None:
        # What officials wrote since, possibly in a draft not published yet: kept, unless the options
        # say otherwise.
        latest = existing.get_latest_revision_as_object()
        kept = {name: getattr(latest, name) for name in (*TO_DESCRIBE, "use_of_contributions")}
        if publish and (left := placeholders_left({**kept, **described})):
            raise _placeholders_refused(left)
        _imported_data_delete(existing)
        page = existing
        for name, value in {**page_fields, **kept, **described}.items():
            setattr(page, name, value)
        page.save()
        revision = page.save_revision()
        if publish:
            revision.publish()
    else:
        page = ConsultationPage(
            **page_fields,
            slug=_unique_slug(
                parent, title, fallback=f"polis-{slugify(export.folder.name)[:60] or 'import'}"
            ),
            decision_at_stake=_(PLACEHOLDER),
            what_can_change=_(PLACEHOLDER),
            use_of_contributions=_(
                "The statements and votes of the Pol.is conversation are analysed into opinion groups and "
                "points of consensus, published in this consultation's report."
            ),
            questions=[],
            imported_from=export.source,
            live=publish,
        )
        for name, value in described.items():
            setattr(page, name, value)
        if publish and (left := placeholders_left(vars(page))):
            raise _placeholders_refused(left)
        parent.add_child(instance=page)
        revision = page.save_revision()
        if publish:
            revision.publish()
    statements, participants, votes = _imported_data_create(page, export)
    logger.info(
        "pol.is import consultation=%s statements=%s participants=%s votes=%s",
        page.pk,
        statements,
        participants,
        votes,
    )
    conversation_imported.announce(consultation_id=page.pk)  # reports queues its compile (outbox)
    return PolisImportSummary(page, statements, participants, votes, replaced=existing is not None)


def _imported_data_delete(page: ConsultationPage) -> None:
    """Take out an earlier import's statements, votes and voters, refusing if the site added any."""
    if (
        page.responses.exists()
        or page.statements.exclude(channel=Channel.POLIS).exists()
        or Vote.objects.filter(statement__consultation=page).exclude(channel=Channel.POLIS).exists()
        or page.ideas.exists()
    ):
        raise PolisImportRefused(
            _(
                "People have contributed to “%(title)s” on the site since it was imported: "
                "it cannot be replaced."
            )
            % {"title": page.title}
        )
    try:
        Vote.objects.filter(statement__consultation=page).delete()
        page.statements.all().delete()
        page.external_participants.all().delete()
    except ProtectedError:
        raise PolisImportRefused(
            _("Statements of “%(title)s” have comments or moderation history: it cannot be replaced.")
            % {"title": page.title}
        ) from None


def _status(statement: PolisStatement) -> tuple[str, str]:
    if statement.moderated == -1:
        return Statement.Status.HIDDEN, _("Moderated out in Pol.is.")
    if statement.is_meta:
        return Statement.Status.HIDDEN, _(
            "A meta statement in Pol.is (about who the participants are, not an opinion)."
        )
    if statement.moderated == 0:
        return Statement.Status.PENDING, ""
    return Statement.Status.PUBLISHED, ""


def _imported_data_create(page: ConsultationPage, export: PolisExport) -> tuple[int, int, int]:
    statements = []
    for item in sorted(export.statements, key=lambda s: s.id):
        status, reason = _status(item)
        statements.append(
            Statement(
                consultation=page,
                text=item.body,
                status=status,
                moderation_reason=reason,
                channel=Channel.POLIS,
                reference=str(item.id),
            )
        )
    statement_ids = {int(s.reference): s.pk for s in Statement.objects.bulk_create(statements)}
    voters = sorted({participant for participant, _statement, _value in export.votes})
    created = ExternalParticipant.objects.bulk_create(
        ExternalParticipant(consultation=page, channel=Channel.POLIS, reference=str(p)) for p in voters
    )
    voter_ids = {int(v.reference): v.pk for v in created}
    rows = (
        (statement_ids[statement], voter_ids[participant], value)
        for participant, statement, value in export.votes
    )
    now = timezone.now()
    if connection.vendor == "postgresql":
        # psycopg's COPY, under Django's wrapper: a refusal is a django.db error like any other write's.
        with (
            connection.wrap_database_errors,
            connection.cursor() as cursor,
            cursor.cursor.copy(
                "COPY consultations_vote (statement_id, external_participant_id, value, channel, created_at, "
                "updated_at) FROM STDIN"
            ) as copy,
        ):
            for statement, voter, value in rows:
                copy.write_row((statement, voter, value, Channel.POLIS.value, now, now))
    else:
        Vote.objects.bulk_create(
            (
                Vote(statement_id=s, external_participant_id=v, value=value, channel=Channel.POLIS)
                for s, v, value in rows
            ),
            batch_size=2000,
        )
    return len(statement_ids), len(voter_ids), len(export.votes)
