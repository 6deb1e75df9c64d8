"""Read what a compile needs from the database as plain rows, streamed (no model instance per answer)."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    Max,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate

from accounts.models import Territory
from consultations.models import (
    Answer,
    Channel,
    Comment,
    ConsultationPage,
    Idea,
    Response,
    Statement,
    Support,
    Visibility,
    Vote,
)
from reports.analysis.ideas import IdeaRow
from reports.analysis.questionnaire import AnswerRow, QuestionSpec
from reports.models import ThemeCorrection

CHUNK_SIZE = 5000


def question_specs(consultation: ConsultationPage) -> list[QuestionSpec]:
    return [
        QuestionSpec(
            id=q.id,
            kind=q.kind,
            label=q.label,
            choices=q.all_choices,
            min_value=None if q.min_value is None else float(q.min_value),
            max_value=None if q.max_value is None else float(q.max_value),
        )
        for q in consultation.question_list
    ]


def _sent_answers(consultation_id: int):
    return Answer.objects.filter(
        response__consultation_id=consultation_id, response__status=Response.Status.SUBMITTED
    )


def answer_rows(consultation_id: int) -> Iterator[AnswerRow]:
    """The answers of sent responses (drafts are not contributions yet), read once per compile."""
    rows = (
        _sent_answers(consultation_id)
        .values_list("response_id", "question_id", "choice_id", "text", "number", "position")
        .order_by()
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for response_id, question_id, choice_id, text, number, position in rows:
        yield AnswerRow(
            response_id,
            question_id,
            choice_id,
            bool(text),
            None if number is None else float(number),
            position,
        )


def vote_watermark(consultation_id: int) -> tuple[int, object]:
    """How many current votes the consultation's statements have and when the last one changed."""
    aggregate = Vote.objects.filter(statement__consultation_id=consultation_id).aggregate(
        count=Count("id"), last=Max("updated_at")
    )
    return aggregate["count"], aggregate["last"]


def response_watermark(consultation_id: int) -> tuple[int, object]:
    """How many sent responses there are and when the last one changed: a compile's input, in two
    numbers. Drafts are left out, so saving a draft never makes a compile."""
    aggregate = (
        Response.objects.submitted()
        .filter(consultation_id=consultation_id)
        .aggregate(count=Count("id"), last=Max("updated_at"))
    )
    return aggregate["count"], aggregate["last"]


@dataclass(frozen=True)
class VoteRows:
    """Every current vote on a consultation's statements, as three aligned arrays, and the statements
    moderation took out (their columns are zeroed by the opinion-group method)."""

    participants: np.ndarray  # int64 ids
    statements: np.ndarray  # int64 ids
    values: np.ndarray  # int8: 1 agree, -1 disagree, 0 pass
    hidden_statements: frozenset[int]

    def __len__(self) -> int:
        return len(self.values)


def vote_rows(consultation_id: int) -> VoteRows:
    """The votes of the consultation, streamed out of the database without one object per vote.

    On PostgreSQL a binary `COPY … TO STDOUT` (fixed-width rows decoded by numpy in one pass); elsewhere
    a plain cursor iterated in chunks. Votes of deleted accounts (no participant any more) are left out:
    they cannot be told apart from each other. Imported voters (Pol.is participants) are told apart from
    accounts by a negative id (see `_voter`).
    """
    statements = dict(Statement.objects.filter(consultation_id=consultation_id).values_list("id", "status"))
    hidden = frozenset(pk for pk, status in statements.items() if status == Statement.Status.HIDDEN)
    # The votes of these statements by their ids, not through a join: PostgreSQL then knows how many
    # statements it reads and picks its plan from that, whatever its statistics of the statements table.
    votes = Vote.objects.filter(_HAS_VOTER, statement_id__in=list(statements))
    if not statements:  # nothing to read (and no SQL for an empty IN)
        empty = np.zeros(0, dtype=np.int64)
        return VoteRows(empty, empty.copy(), np.zeros(0, dtype=np.int8), hidden)
    read = _copy_votes if connection.vendor == "postgresql" else _iterate_votes
    return VoteRows(*read(votes), hidden)


# A vote's voter: an account, or a participant imported from another platform (negative ids, so that
# the two never collide). Votes of deleted accounts have neither.
_HAS_VOTER = Q(participant__isnull=False) | Q(external_participant__isnull=False)


def _voter():
    return Coalesce(F("participant_id"), -F("external_participant_id"))


def _vote_triples(votes):
    """(voter, statement, value), in this column order (the binary COPY below reads them by position)."""
    return votes.annotate(v_voter=_voter(), v_statement=F("statement_id"), v_value=F("value")).values_list(
        "v_voter", "v_statement", "v_value"
    )


def _iterate_votes(votes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = _vote_triples(votes).order_by().iterator(CHUNK_SIZE)
    triples = np.fromiter(rows, dtype=np.dtype((np.int64, 3)))
    return triples[:, 0].copy(), triples[:, 1].copy(), triples[:, 2].astype(np.int8)


# PostgreSQL's binary COPY: a 19-byte header (with a 4-byte extension length at its end, normally 0),
# then per row a 2-byte field count and, per field, a 4-byte length and the value (big-endian).
_COPY_ROW = np.dtype(
    [
        ("fields", ">i2"),
        ("participant_length", ">i4"),
        ("participant", ">i8"),
        ("statement_length", ">i4"),
        ("statement", ">i8"),
        ("value_length", ">i4"),
        ("value", ">i2"),
    ]
)
_COPY_HEADER = 19


def _copy_votes(votes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    query = _vote_triples(votes).order_by().query
    sql, params = query.sql_with_params()
    buffer = bytearray()
    with connection.cursor() as cursor:
        # The ORM writes the SELECT (table names, joins); COPY takes its parameters inlined by psycopg.
        statement = cursor.cursor.mogrify(sql, params) if params else sql
        with cursor.cursor.copy(f"COPY ({statement}) TO STDOUT (FORMAT binary)") as copy:
            for chunk in copy:
                buffer += chunk
    extension = int.from_bytes(buffer[_COPY_HEADER - 4 : _COPY_HEADER], "big")
    body = memoryview(buffer)[_COPY_HEADER + extension : len(buffer) - 2]  # the last 2 bytes: trailer -1
    rows = np.frombuffer(body, dtype=_COPY_ROW)
    if len(rows) and not (
        (rows["fields"] == 3).all()
        and (rows["participant_length"] == 8).all()
        and (rows["statement_length"] == 8).all()
        and (rows["value_length"] == 2).all()
    ):
        raise ValueError("unexpected row layout in COPY output")
    return (
        rows["participant"].astype(np.int64),
        rows["statement"].astype(np.int64),
        rows["value"].astype(np.int8),
    )


def responses_per_day(consultation_id: int) -> list[tuple]:
    """(day, responses first sent that day), in the site's time zone."""
    return list(
        Response.objects.submitted()
        .filter(consultation_id=consultation_id)
        .annotate(day=TruncDate("submitted_at"))
        .values("day")
        .annotate(count=Count("id"))
        .order_by("day")
        .values_list("day", "count")
    )


def votes_per_participant(consultation_id: int) -> Iterator[int]:
    return (
        Vote.objects.filter(_HAS_VOTER, statement__consultation_id=consultation_id)
        .annotate(voter=_voter())
        .values("voter")
        .annotate(count=Count("id"))
        .order_by()
        .values_list("count", flat=True)
        .iterator(CHUNK_SIZE)
    )


def channel_counts(consultation_id: int) -> dict[str, dict[str, int]]:
    """Sent responses, statements and votes by channel (online, paper, Pol.is import); channels with
    nothing are left out."""

    def by_channel(queryset) -> dict[str, int]:
        rows = queryset.values("channel").annotate(count=Count("id")).order_by("channel")
        return {row["channel"]: row["count"] for row in rows}

    return {
        "responses": by_channel(Response.objects.submitted().filter(consultation_id=consultation_id)),
        "statements": by_channel(Statement.objects.filter(consultation_id=consultation_id)),
        "votes": by_channel(Vote.objects.filter(statement__consultation_id=consultation_id)),
    }


def _person(account: str, other: str, tag: int):
    """A person as one number, so that the database counts each once: an account's id times three, else
    the id of `other` times three plus `tag` (1: a response, 2: an imported participant), never the same."""
    return Case(When(**{f"{account}__isnull": False}, then=F(account) * 3), default=F(other) * 3 + tag)


def _contributions_sql(consultation_ids: list[int]) -> tuple[str, list]:
    """Every contribution to these consultations, as the SQL of rows (consultation, person, channel, kind)
    and its parameters: what the counts of people below read.

    A person is an account, a paper form or the sent response of a deleted account (one response per
    person), or a participant imported from another platform. The other contributions of deleted
    accounts have no author left and cannot be told apart: they are not counted. Contributions are
    counted whatever moderation decided since; ideas, supports and comments are made online.
    """
    online = Value(Channel.ONLINE.value, output_field=CharField())

    def rows(queryset, consultation: str, person, channel, kind: str):
        return (
            queryset.filter(**{f"{consultation}__in": consultation_ids})
            .order_by()
            .values_list(
                F(consultation),
                ExpressionWrapper(person, output_field=BigIntegerField()),
                channel,
                Value(kind, output_field=CharField()),
            )
        )

    sources = [
        rows(
            Response.objects.submitted(),
            "consultation_id",
            _person("participant_id", "id", 1),
            F("channel"),
            "respondents",
        ),
        rows(
            Vote.objects.filter(_HAS_VOTER),
            "statement__consultation_id",
            _person("participant_id", "external_participant_id", 2),
            F("channel"),
            "voters",
        ),
        rows(
            Statement.objects.filter(author__isnull=False),
            "consultation_id",
            F("author_id") * 3,
            F("channel"),
            "statement_authors",
        ),
        rows(
            Idea.objects.filter(author__isnull=False),
            "consultation_id",
            F("author_id") * 3,
            online,
            "idea_authors",
        ),
        rows(
            Support.objects.filter(supporter__isnull=False),
            "idea__consultation_id",
            F("supporter_id") * 3,
            online,
            "supporters",
        ),
        rows(
            Comment.objects.filter(author__isnull=False),
            "consultation_id",
            F("author_id") * 3,
            online,
            "commenters",
        ),
    ]
    compiled = [source.query.sql_with_params() for source in sources]
    union = " UNION ALL ".join(sql for sql, _params in compiled)
    return union, [param for _sql, source_params in compiled for param in source_params]


def people_counts(consultation_id: int) -> list[tuple[str, str, int]]:
    """How many people took part, counted by the database (no row per person reaches Python): rows of
    (channel, kind of contribution, people), where a channel "" means through any channel and a kind ""
    means in any way, each person once in each row. For `analysis.participation.people`. Who counts as
    a person: `_contributions_sql`.
    """
    union, params = _contributions_sql([consultation_id])
    # One read of the contributions (the common table), counted four ways: by channel and kind, by
    # channel, by kind, and in all.
    sql = f"""
        WITH contribution (consultation, person, channel, kind) AS ({union})
        SELECT channel, kind, COUNT(DISTINCT person) FROM contribution GROUP BY channel, kind
        UNION ALL SELECT channel, '', COUNT(DISTINCT person) FROM contribution GROUP BY channel
        UNION ALL SELECT '', kind, COUNT(DISTINCT person) FROM contribution GROUP BY kind
        UNION ALL SELECT '', '', COUNT(DISTINCT person) FROM contribution
    """  # noqa: S608 (the parts are the ORM's compiled queries; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(channel, kind, count) for channel, kind, count in cursor.fetchall()]


def people_by_consultation(consultation_ids: list[int]) -> dict[int, int]:
    """How many people took part in each of these consultations, in any way (as a report's headline
    counts them), in one query whatever their number: {consultation id: people}, 0 for none."""
    counts = dict.fromkeys(consultation_ids, 0)
    if not consultation_ids:  # nothing to read (and no SQL for an empty IN)
        return counts
    union, params = _contributions_sql(list(consultation_ids))
    sql = f"""
        WITH contribution (consultation, person, channel, kind) AS ({union})
        SELECT consultation, COUNT(DISTINCT person) FROM contribution GROUP BY consultation
    """  # noqa: S608 (the parts are the ORM's compiled queries; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counts.update(dict(cursor.fetchall()))
    return counts


def moderation_counts(consultation_id: int) -> dict:
    """What moderation held back or took out, for the method card."""
    return {
        "statements_pending": Statement.objects.filter(
            consultation_id=consultation_id, status=Statement.Status.PENDING
        ).count(),
        "statements_hidden": Statement.objects.filter(
            consultation_id=consultation_id, status=Statement.Status.HIDDEN
        ).count(),
        "ideas_hidden": Idea.objects.filter(
            consultation_id=consultation_id, moderation_status=Visibility.HIDDEN
        ).count(),
        "comments_hidden": Comment.objects.filter(
            consultation_id=consultation_id, status=Comment.Status.HIDDEN
        ).count(),
    }


def idea_rows(consultation_id: int) -> list[IdeaRow]:
    """The consultation's published ideas not merged into another, with their support counts."""
    ideas = (
        Idea.objects.filter(
            consultation_id=consultation_id, moderation_status=Visibility.PUBLISHED, merged_into__isnull=True
        )
        .annotate(support_count=Count("supports"))
        .order_by("id")
        .values_list("id", "title", "text", "support_count", "status")
    )
    return [IdeaRow(*row) for row in ideas]


def open_texts(consultation_id: int, *, question_ids: Iterable[str]) -> dict[str, list[tuple[int, str]]]:
    """The written answers of sent responses to these questions, as (answer id, text) by question: what
    the themes read, with the ids that let each theme link back to its answers. "Other" texts are left
    out: they answer a closed question and are few."""
    texts: dict[str, list[tuple[int, str]]] = {question_id: [] for question_id in question_ids}
    rows = (
        _sent_answers(consultation_id)
        .filter(question_id__in=list(texts), choice_id="")
        .exclude(text="")
        .values_list("id", "question_id", "text")
        .order_by("id")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for answer_id, question_id, text in rows:
        texts[question_id].append((answer_id, text))
    return texts


# From a participant's declared territory up to its département: an arrondissement's parent is its
# commune, a commune's its département.
_UP = "participant__territory"
_LEVELS = [_UP, f"{_UP}__parent", f"{_UP}__parent__parent"]


def response_departements(consultation_id: int) -> tuple[dict[int, str], dict[str, str]]:
    """The département of each sent response's participant, from the commune in their account, and
    the départements' names by code.

    It is where the participant lives now, at compile time, not when they answered; a participant
    without a commune, or whose account is deleted, has none.
    """
    fields = [f"{level}__{name}" for level in _LEVELS for name in ("kind", "code", "name")]
    rows = (
        Response.objects.submitted()
        .filter(consultation_id=consultation_id, participant__territory__isnull=False)
        .values_list("id", *fields)
        .order_by()
        .iterator(chunk_size=CHUNK_SIZE)
    )
    groups: dict[int, str] = {}
    names: dict[str, str] = {}
    for response_id, *levels in rows:
        for kind, code, name in zip(levels[0::3], levels[1::3], levels[2::3], strict=True):
            if kind == Territory.Kind.DEPARTEMENT:
                groups[response_id] = code
                names[code] = name
                break
    return groups, dict(sorted(names.items()))


def corrections_mark(consultation_id: int) -> str:
    """The officials' theme corrections as "count:last id": a new one, or one undone, changes it."""
    aggregate = ThemeCorrection.objects.filter(consultation_id=consultation_id).aggregate(
        count=Count("id"), last=Max("id")
    )
    return f"{aggregate['count']}:{aggregate['last'] or 0}" if aggregate["count"] else ""


def theme_corrections(consultation_id: int) -> dict[str, list[dict]]:
    """The officials' theme corrections by question, in the order they were made."""
    corrections: dict[str, list[dict]] = {}
    for correction in ThemeCorrection.objects.filter(consultation_id=consultation_id).order_by("id"):
        corrections.setdefault(correction.question_id, []).append(correction.as_dict())
    return corrections
