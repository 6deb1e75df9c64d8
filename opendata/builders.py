"""Build the open data of a consultation or a call from the database: tables with anonymised ids, the
published figures, and the files of the dataset (see tables.py and docs/opendata.md).

Only what the public site shows is exported: live pages without restrictions, published statements,
ideas and comments (nothing hidden, pending or deleted). No e-mail, name, pseudonym, IP address,
date of birth, commune of residence or free text of the questionnaire leaves the database. People are
anonymised ids (`pseudonymiser`).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import uuid
from datetime import UTC

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags

from budgets.exports import counted_ballots, pabulib_write
from budgets.models import Ballot, Method, PublicVote
from budgets.selectors import vote_results
from calls.models import ApplicantType, CallKind, CallPage, Project
from consultations.models import Comment, ConsultationPage, Idea, Response, Stance, Statement, Vote
from core.windows import Phase
from opendata import disclosure, figures
from opendata.tables import LICENCE_TITLE, LICENCE_URL, Column, Dataset, Table, csv_bytes, dataset_files
from reports import loaders
from reports.analysis.questionnaire import summarise

ID_LENGTH = 16  # hex characters (64 bits) of an anonymised id


def pseudonymiser(*, scope: str, domain: str):
    """A function turning a database id into an anonymised id: an HMAC-SHA256 keyed by a key derived
    from SECRET_KEY for this `scope` (one consultation or call) and `domain` (respondents, voters,
    authors). Stable within a dataset; not linkable to the user id, nor across consultations, nor
    between domains (a public author's pseudonym never leads to their votes)."""
    key = hmac.new(
        settings.SECRET_KEY.encode(), f"concerto-opendata:{scope}:{domain}".encode(), hashlib.sha256
    )
    secret = key.digest()

    def pseudonym(value) -> str:
        return hmac.new(secret, str(value).encode(), hashlib.sha256).hexdigest()[:ID_LENGTH]

    return pseudonym


def absolute(path: str) -> str:
    """An address on the public site (the configured base address, so the files do not depend on the
    request that built them)."""
    if path.startswith("http"):
        return path
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def iso(moment) -> str | None:
    """A date-time in UTC, ISO 8601 with `Z`, to the second."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def iso_date(moment) -> str | None:
    """The day of a date-time, in UTC (`2026-03-31`): when a contribution was written, no closer, so that
    its row cannot be matched with a person's other rows or what they said by the time (docs/opendata.md)."""
    return None if moment is None else moment.astimezone(UTC).date().isoformat()


def iso_week(moment) -> str | None:
    """The ISO week of a date-time, in UTC (`2026-W14`): when a response was sent, no closer."""
    if moment is None:
        return None
    year, week, _day = moment.astimezone(UTC).isocalendar()
    return f"{year}-W{week:02d}"


ALIGNMENT = {Stance.FOR: 1, Stance.NEUTRAL: 0, Stance.AGAINST: -1}


def licence_text(*, producer: str, homepage: str) -> str:
    return "\n".join(
        [
            "# Licence",
            "",
            f"These data are published by {producer} under the {LICENCE_TITLE} (SPDX-like id `etalab-2.0`):",
            f"<{LICENCE_URL}>.",
            "",
            "You may reuse them freely, including commercially, provided you mention their source "
            "(the producer and the date of the last update) and do not mislead about their content.",
            "",
            f"Source: {producer} — {homepage}",
            "",
            "Ces données sont publiées sous la Licence Ouverte / Open Licence version 2.0 d’Etalab : "
            "réutilisation libre, sous réserve de mentionner la source et la date de mise à jour.",
            "",
        ]
    )


# --- Consultations -----------------------------------------------------------------------------------


def _fields(instance) -> dict:
    """Every stored field of a model instance by name: what a `Column` may read as its source."""
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def consultation_published(consultation: ConsultationPage, moment=None) -> bool:
    """A consultation's open data is published once it is closed: the counts are final then."""
    return consultation.closes_at <= (moment or timezone.now())


QUESTION_COLUMNS = [
    Column("question_id", "Identifier of the question (stable).", "id"),
    Column("position", "Order of the question in the questionnaire (1 for the first).", type="integer"),
    Column(
        "kind",
        "Kind of question: single_choice, multiple_choice, yes_no, age_band, ranking, scale, "
        "number, short_text, open_text.",
    ),
    Column("label", "The question as asked."),
    Column(
        "choices",
        "Choice and ranking questions: the choices, as a JSON list of {id, label}.",
        value=lambda choices: (
            json.dumps([{"id": i, "label": label} for i, label in choices], ensure_ascii=False)
            if choices
            else ""
        ),
    ),
    Column("min_value", "Scale questions: the lowest value.", type="number"),
    Column("max_value", "Scale questions: the highest value.", type="number"),
    Column(
        "answers_published",
        "1 when its answers are in answers.csv; 0 for a personal question (an age band, or a question "
        "the organiser marked personal): only its totals are published, in results.csv, with small "
        "groups hidden.",
        type="integer",
    ),
]

# Whether the published report version counted a row (responses and statement votes).
IN_REPORT = Column(
    "in_report",
    "1 when the published report version counted it (see README: “Results”), 0 when it came later; "
    "empty when no report version is published yet.",
    "in_report",
    "integer",
)
RESPONSE_COLUMNS = [
    Column(
        "respondent_id",
        "Anonymised id of the response (one per participant); links its answers.",
        "respondent_id",
    ),
    Column(
        "submitted_week",
        "ISO week (UTC) the response was first sent, e.g. 2026-W14: no closer, so that a response "
        "cannot be linked to a person by its time.",
        "submitted_at",
        value=iso_week,
    ),
    Column(
        "channel",
        "How it came in: `online`, `paper` (a paper form typed in) or `polis` (imported).",
        "channel",
    ),
    IN_REPORT,
]

ANSWER_COLUMNS = [
    Column("respondent_id", "Anonymised id of the response (see responses.csv).", "respondent_id"),
    Column("question_id", "The question (see questions.csv).", "question_id"),
    Column(
        "choice_id", "The chosen choice (choice and ranking questions; `other` for “Other”).", "choice_id"
    ),
    Column(
        "position",
        "Ranking questions: the rank given to the choice (1 for the first).",
        "position",
        "integer",
    ),
    Column(
        "number",
        "Scale and number questions: the value given.",
        "number",
        "number",
        lambda n: None if n is None else float(n),
    ),
    Column(
        "text_given",
        "1 when a text was written (its words are not published: see README).",
        "text",
        "integer",
        lambda text: 1 if text else 0,
    ),
]

STATEMENT_COLUMNS = [
    Column("id", "Identifier of the statement.", "id", "integer"),
    Column("created_at", "Day it was written (UTC; no time of day).", "created_at", "date", iso_date),
    Column("body", "The statement.", "text"),
    Column(
        "author/id",
        "Anonymised id of its author (authors' domain: not linkable to voters).",
        "author_pseudonym",
    ),
    Column("comments", "Number of published comments on it.", "comment_count", "integer"),
    Column("url", "Its page.", "url"),
    Column(
        "channel", "How it came in: `online` or `polis` (imported from a Pol.is conversation).", "channel"
    ),
]

STATEMENT_VOTE_COLUMNS = [
    Column("statement_id", "The statement (see statements.csv).", "statement_id", "integer"),
    Column("voter_id", "Anonymised id of the voter (voters' domain).", "voter_id"),
    Column("value", "1 agree, -1 disagree, 0 pass (the coding of Pol.is).", "value", "integer"),
    Column(
        "channel", "How it came in: `online` or `polis` (imported from a Pol.is conversation).", "channel"
    ),
    IN_REPORT,
]

# Texts are one column per language, as Decidim exports its translatable fields (`title/fr`). Concerto
# keeps one text per idea, in the language it was written in, which it does not record: it is given
# under the site's language.
TEXT_LOCALE = settings.LANGUAGE_CODE.split("-")[0]
# Our statuses as Decidim's proposal states (its `state`). `done` is an accepted proposal whose
# implementation Decidim follows apart (accountability results); it has no state of its own. We have no
# withdrawal (`withdrawn`): an idea its author deletes leaves the open data.
DECIDIM_STATES = {
    Idea.Status.RECEIVED: "not_answered",
    Idea.Status.UNDER_STUDY: "evaluating",
    Idea.Status.ACCEPTED: "accepted",
    Idea.Status.REJECTED: "rejected",
    Idea.Status.DONE: "accepted",
}

IDEA_COLUMNS = [
    Column("id", "Identifier of the idea.", "id", "integer"),
    Column("author/id", "Anonymised id of its author (authors' domain).", "author_pseudonym"),
    Column(f"title/{TEXT_LOCALE}", "Its title.", "title"),
    Column(f"body/{TEXT_LOCALE}", "Its description.", "text"),
    Column("theme", "Its theme, if given.", "theme"),
    Column(
        "state",
        "Status given by the organisation: received, under_study, accepted, rejected, done.",
        "status",
    ),
    Column(
        "decidim_state",
        "The status as a Decidim proposal state: not_answered (received), evaluating (under_study), "
        "accepted (accepted, done), rejected.",
        "status",
        value=lambda status: DECIDIM_STATES[status],
    ),
    Column(f"answer/{TEXT_LOCALE}", "The organisation's answer.", "answer"),
    Column("answered_at", "When it was answered (UTC).", "answered_at", "datetime", iso),
    Column("votes", "Number of supports.", "support_count", "integer"),
    Column("comments", "Number of published comments.", "comment_count", "integer"),
    Column(
        "merged_into",
        "Id of the idea this duplicate was merged into (its supports moved there).",
        "merged_into_id",
        "integer",
    ),
    Column("published_at", "Day it was published (UTC; no time of day).", "created_at", "date", iso_date),
    Column("url", "Its page.", "url"),
    Column("created_at", "Day it was written (UTC; no time of day).", "created_at", "date", iso_date),
]

COMMENT_COLUMNS = [
    Column("id", "Identifier of the comment.", "id", "integer"),
    Column("created_at", "Day it was written (UTC; no time of day).", "created_at", "date", iso_date),
    Column("body", "The comment.", "text"),
    Column("locale", "Language of the text: not recorded (empty).", "locale"),
    Column("author/id", "Anonymised id of its author (authors' domain).", "author_pseudonym"),
    Column(
        "alignment",
        "Stance: 1 for, 0 neutral, -1 against.",
        "stance",
        "integer",
        lambda stance: ALIGNMENT[stance],
    ),
    Column("depth", "0 for a comment, 1 or 2 for a reply.", "depth", "integer"),
    Column("commentable_id", "Id of the idea or statement commented on.", "commentable_id", "integer"),
    Column("commentable_type", "`idea` or `statement`.", "commentable_type"),
    Column("parent_id", "The comment replied to.", "parent_id", "integer"),
    Column("root_commentable_url", "Page of the idea or statement.", "url"),
]

RESULT_COLUMNS = [
    Column("subject_type", "consultation, question, statement, budget_vote or budget_project.", "0"),
    Column("subject_id", "Its id (a question's id, a statement's, a project's…).", "1"),
    Column("measure", "The figure (see README: “Results”).", "2"),
    Column("value", "Its value as published (decimals with a point; empty when undefined).", "3"),
    Column(
        "report_version",
        "The report version the figure is quoted from (its number, the API's `report.version`); empty "
        "for a figure computed from the data of this dataset when it was built.",
        "report_version",
        "integer",
    ),
    Column(
        "report_compiled_at",
        "When that report version was compiled (UTC).",
        "report_compiled_at",
        "datetime",
        iso,
    ),
]


def _results_table(rows: list[figures.Figure], *, report=None, report_rows=()) -> Table:
    """`report_rows` are quoted from the published report version `report`, the others computed from
    the data when the dataset is built."""

    def row(figure, snapshot=None) -> dict:
        return {
            **{str(i): value for i, value in enumerate(figure)},
            "report_version": snapshot.version if snapshot else None,
            "report_compiled_at": snapshot.compiled_at if snapshot else None,
        }

    return Table(
        "results",
        "Published figures",
        "Every figure the site publishes from these data; `manage.py opendata_recompute` recomputes "
        "each of them from the other files.",
        RESULT_COLUMNS,
    ).fill([*(row(figure, report) for figure in report_rows), *(row(figure) for figure in rows)])


def _published_statements(consultation):
    return (
        Statement.objects.published()
        .filter(consultation=consultation)
        .annotate(
            comment_count=Count(
                "comments", filter=Q(comments__status=Comment.Status.PUBLISHED), distinct=True
            ),
            agree=Count("votes", filter=Q(votes__value=1), distinct=True),
            disagree=Count("votes", filter=Q(votes__value=-1), distinct=True),
            passed=Count("votes", filter=Q(votes__value=0), distinct=True),
        )
        .order_by("id")
    )


def _counted(moment, watermark) -> int | None:
    """1 when a row written at `moment` was read by the report version whose input ended at
    `watermark` (its latest change), 0 when it came later; None without a report version."""
    if watermark is _NO_REPORT:
        return None
    if watermark is None:  # the version read no row of this kind
        return 0
    return 1 if moment is None or moment <= watermark else 0  # no date: as old as the data


_NO_REPORT = object()


def consultation_tables(consultation: ConsultationPage, report=None) -> list[Table]:
    """The tables of a closed consultation; results quote the published report version `report`
    (`selectors.report_published`), and responses and votes say whether it counted them."""
    scope = f"consultation:{consultation.pk}"
    respondent = pseudonymiser(scope=scope, domain="respondent")
    voter = pseudonymiser(scope=scope, domain="voter")
    author = pseudonymiser(scope=scope, domain="author")
    questions = consultation.question_list
    published_ids = {q.id for q in questions if not q.personal}

    tables = [
        Table("questions", "Questions", "The questionnaire.", QUESTION_COLUMNS).fill(
            {
                "id": q.id,
                "position": position,
                "kind": q.kind,
                "label": q.label,
                "choices": q.all_choices,
                "min_value": None if q.min_value is None else float(q.min_value),
                "max_value": None if q.max_value is None else float(q.max_value),
                "answers_published": 1 if q.id in published_ids else 0,
            }
            for position, q in enumerate(questions, start=1)
        )
    ]
    responses = Response.objects.submitted().filter(consultation=consultation)
    responses_read = report.responses_updated_at if report else _NO_REPORT
    response_rows = [
        {
            **row,
            "respondent_id": respondent(f"response:{row['id']}"),
            "in_report": _counted(row["submitted_at"], responses_read),
        }
        for row in responses.values(
            "id",
            *{"submitted_at", *[c.source for c in RESPONSE_COLUMNS]} - {"respondent_id", "in_report"},
        )
    ]
    response_rows.sort(key=lambda row: row["respondent_id"])  # not in the order they were sent
    tables.append(
        Table(
            "responses",
            "Responses",
            "One row per sent response (drafts are not contributions).",
            RESPONSE_COLUMNS,
        ).fill(response_rows)
    )
    answer_sources = ["response_id", *[c.source for c in ANSWER_COLUMNS if c.source != "respondent_id"]]
    answers = (
        loaders._sent_answers(consultation.pk)
        .filter(question_id__in=list(published_ids))
        .values(*answer_sources)
        .order_by()
        .iterator(chunk_size=loaders.CHUNK_SIZE)
    )
    order = {q.id: i for i, q in enumerate(questions)}
    answer_rows = [{**row, "respondent_id": respondent(f"response:{row['response_id']}")} for row in answers]
    answer_rows.sort(
        key=lambda r: (r["respondent_id"], order.get(r["question_id"], 0), r["position"] or 0, r["choice_id"])
    )
    tables.append(
        Table(
            "answers",
            "Answers",
            "One row per answer: a text, a number, or one chosen choice (several "
            "rows for a multiple choice, one per ranked choice for a ranking).",
            ANSWER_COLUMNS,
        ).fill(answer_rows)
    )

    statements = list(_published_statements(consultation))
    statement_ids = [s.pk for s in statements]
    tables.append(
        Table(
            "statements", "Statements", "Published statements participants voted on.", STATEMENT_COLUMNS
        ).fill(
            {
                **_fields(s),
                "author_pseudonym": author(s.author_id) if s.author_id else None,
                "comment_count": s.comment_count,
                "url": absolute(s.get_absolute_url()),
            }
            for s in statements
        )
    )
    computed = {"voter_id", "in_report"}
    vote_sources = [c.source for c in STATEMENT_VOTE_COLUMNS if c.source not in computed]
    votes_read = report.votes_updated_at if report else _NO_REPORT
    vote_rows = [
        {
            **row,
            "in_report": _counted(row["created_at"], votes_read),
            "voter_id": voter(f"user:{row['participant_id']}")
            if row["participant_id"]
            else voter(f"external:{row['external_participant_id']}")
            if row["external_participant_id"]
            else voter(f"vote:{row['id']}"),
        }
        for row in Vote.objects.filter(statement_id__in=statement_ids)
        .values("id", "participant_id", "external_participant_id", "created_at", *vote_sources)
        .order_by()
        .iterator(chunk_size=loaders.CHUNK_SIZE)
    ]
    vote_rows.sort(key=lambda r: (r["statement_id"], r["voter_id"]))
    tables.append(
        Table(
            "statement_votes",
            "Votes on statements",
            "One row per person and published statement: their current vote.",
            STATEMENT_VOTE_COLUMNS,
        ).fill(vote_rows)
    )

    ideas = (
        Idea.objects.published()
        .filter(consultation=consultation)
        .annotate(
            support_count=Count("supports", distinct=True),
            comment_count=Count(
                "comments", filter=Q(comments__status=Comment.Status.PUBLISHED), distinct=True
            ),
        )
        .order_by("id")
    )
    idea_ids = set()
    idea_rows = []
    for idea in ideas:
        idea_ids.add(idea.pk)
        idea_rows.append(
            {
                **_fields(idea),
                "author_pseudonym": author(idea.author_id) if idea.author_id else None,
                "support_count": idea.support_count,
                "comment_count": idea.comment_count,
                "url": absolute(idea.get_absolute_url()),
            }
        )
    tables.append(
        Table(
            "ideas",
            "Ideas",
            "Published ideas (Decidim's “proposals” columns where they overlap).",
            IDEA_COLUMNS,
        ).fill(idea_rows)
    )

    comments = (
        Comment.objects.filter(consultation=consultation, status=Comment.Status.PUBLISHED)
        .filter(Q(idea_id__in=idea_ids) | Q(statement_id__in=statement_ids))
        .order_by("id")
    )
    # A reply to a hidden or deleted comment is still shown on the site under its (masked) parent.
    comment_rows = []
    for comment in comments.values(
        "id", "created_at", "text", "author_id", "stance", "depth", "idea_id", "statement_id", "parent_id"
    ):
        on_idea = comment["idea_id"] is not None
        target = comment["idea_id"] if on_idea else comment["statement_id"]
        path = reverse("idea_detail" if on_idea else "statement_detail", args=[consultation.pk, target])
        comment_rows.append(
            {
                **comment,
                "locale": None,
                "author_pseudonym": author(comment["author_id"]) if comment["author_id"] else None,
                "commentable_id": target,
                "commentable_type": "idea" if on_idea else "statement",
                "url": absolute(path),
            }
        )
    tables.append(
        Table(
            "comments",
            "Comments",
            "Published comments on published ideas and statements (Decidim's comments columns).",
            COMMENT_COLUMNS,
        ).fill(comment_rows)
    )

    counts = {s.pk: (s.agree, s.disagree, s.passed) for s in statements}
    if report is None:
        results, hidden = consultation_figures(consultation, questions=questions)
        results_table = _results_table(results + figures.statement_figures(counts))
    else:
        quoted, hidden = report_figures(
            consultation, report, questions=questions, statement_ids=statement_ids
        )
        results_table = _results_table(figures.statement_figures(counts), report=report, report_rows=quoted)
    if hidden:
        results_table.description += (
            " Hidden to protect small groups (empty values; see “Small groups”): " + ", ".join(hidden) + "."
        )
    tables.append(results_table)
    return tables


def report_figures(consultation, report, *, questions, statement_ids) -> tuple[list, list[str]]:
    """The figures of the published report version that the open data lets anyone recompute: the
    questionnaire's (the summaries the outcome page and the report show), its participants and the
    votes it read (the API's `report.response_count` and `report.vote_count`); and the labels of the
    figures hidden to protect small groups.

    The votes it read include votes on statements that are not published (hidden by moderation, or
    awaiting it): statement_votes.csv leaves them out, so their number is given apart
    (`votes_unpublished`, counted here from the database) and `votes` is recomputed as the published
    votes it counted plus that number. A personal question is left out of the quoted figures (the
    version keeps it whole for the officials who read the report, and its written answers are in the
    version's `open_answers`, which is counted here again over the other questions); its totals are
    worked out over every sent response, with small groups hidden, as when there is no version — not
    over the responses the version counted, which `in_report` names: two datasets quoting two versions
    would otherwise give away the personal answers of the few responses between them."""
    published_ids = {q.id for q in questions if not q.personal}
    published = [q for q in report.report.questions if q.id in published_ids]
    summary = {
        "participants": report.response_count,
        # The figures are worked out over `summarise`'s results, the format the version stores them in.
        "questions": [q.to_data() for q in published],
        "open_answers": sum(q.written_answers for q in published),
    }
    read = Vote.objects.filter(statement__consultation=consultation)
    read = read.filter(created_at__lte=report.votes_updated_at) if report.votes_updated_at else read.none()
    unpublished = read.exclude(statement_id__in=statement_ids).count()
    subject = ("consultation", str(consultation.pk))
    personal, hidden = _personal_figures(consultation, questions)
    return [
        *figures.questionnaire_figures(consultation.pk, summary),
        *personal,
        (*subject, "votes", figures.fmt(report.vote_count)),
        (*subject, "votes_unpublished", figures.fmt(unpublished)),
    ], hidden


def consultation_figures(consultation, *, questions) -> tuple[list[figures.Figure], list[str]]:
    """The questionnaire's figures computed as the site computes them (from the database), when no
    report version is published yet, and the labels (`question/<id>/<measure>`) of those hidden to
    protect small groups."""
    summary = _summary_of(consultation, {q.id for q in questions if not q.personal})
    personal, hidden = _personal_figures(consultation, questions)
    return figures.questionnaire_figures(consultation.pk, summary) + personal, hidden


def _summary_of(consultation, ids: set[str], **options) -> dict:
    """`summarise` over the sent answers to the questions with these ids."""
    specs = [spec for spec in loaders.question_specs(consultation) if spec.id in ids]
    participants = Response.objects.submitted().filter(consultation=consultation).count()
    rows = (row for row in loaders.answer_rows(consultation.pk) if row.question_id in ids)
    return summarise(specs, rows, participants=participants, **options)


def _personal_figures(consultation, questions) -> tuple[list, list[str]]:
    """A personal question's figures (an age band, or a question its organiser marked personal): its
    totals over the sent responses, with every group of fewer than OPENDATA_SMALL_CELL people hidden and
    whatever would give it back (`disclosure.protect`); and the labels of the hidden figures."""
    personal = {q.id for q in questions if q.personal}
    if not personal:
        return [], []
    summary = _summary_of(consultation, personal, hide_small_groups=False)
    raw = figures.questionnaire_figures(consultation.pk, summary)
    for question in summary["questions"]:
        disclosure.protect(question, threshold=settings.OPENDATA_SMALL_CELL)
    shown = figures.questionnaire_figures(consultation.pk, summary)
    hidden = [f"{t}/{i}/{m}" for (t, i, m, v), after in zip(raw, shown, strict=True) if v != after[3]]
    # The consultation's own rows (participants, written answers) come from the other questions' summary.
    return [row for row in shown if row[0] == "question"], hidden


def consultation_dataset(consultation: ConsultationPage, report=None) -> Dataset:
    with translation.override(settings.LANGUAGE_CODE):
        tables = consultation_tables(consultation, report=report)
        homepage = absolute(consultation.url or "/")
        producer = consultation.organisation.name
        return dataset_files(
            slug=f"concerto-consultation-{consultation.pk}-open-data",
            title=f"{consultation.title} — open data",
            introduction=[
                *_introduction(producer, homepage, consultation.closes_at),
                "",
                _report_line(report),
            ],
            tables=tables,
            extra_files={},
            extra_readme={
                **README_NOTES,
                "Small groups": SMALL_GROUPS_NOTE.format(threshold=settings.OPENDATA_SMALL_CELL),
            },
            licence=licence_text(producer=producer, homepage=homepage),
            homepage=homepage,
            notes={},
        )


def _report_line(report) -> str:
    if report is None:
        return (
            "Report version: none published yet; results.csv gives the figures computed from these "
            "files' data when they were built."
        )
    return (
        f"Report version: {report.version}, compiled on {iso(report.compiled_at)} — the version the "
        "outcome page quotes (else the report at closing). results.csv quotes its figures; `in_report` "
        "in responses.csv and statement_votes.csv says what it counted."
    )


def _introduction(producer: str, homepage: str, closes_at) -> list[str]:
    return [
        f"Producer: {producer}. Page: {homepage}. Closed on {iso(closes_at)}.",
        "",
        "Licence: Licence Ouverte 2.0 (etalab-2.0), see LICENCE.md. Checksums: SHA256SUMS "
        "(`sha256sum -c SHA256SUMS`). Each table is given as CSV and as JSON (a list of objects with the "
        "same keys; empty CSV cells are `null`).",
        "",
        "CSV: UTF-8 without byte-order mark, comma separator, double quotes around values that need them, "
        "a header row. Dates and times in UTC, ISO 8601 (`2026-03-31T22:00:00Z`). Column names follow "
        "Decidim's open-data export where they overlap (`author/id`, `alignment`, `commentable_type`…).",
    ]


README_NOTES = {
    "Anonymisation": (
        "No e-mail address, name, pseudonym, IP address, date of birth or commune of residence is "
        "published. People appear as anonymised ids: an HMAC-SHA256 of an internal id with a key "
        "derived from the site's secret for this dataset and for one role (respondents, voters, "
        "authors), cut to 16 hexadecimal characters. An id is stable within this dataset, cannot be "
        "turned back into an account, and is different in every other dataset: a respondent cannot be "
        "linked to their votes, nor a public author to their votes or answers. The words written in "
        "the questionnaire are not published (they are neither public nor moderated): only whether a "
        "text was given. Only what the public site shows is exported: published statements, ideas and "
        "comments; nothing hidden by moderation, awaiting it, or deleted by its author."
    ),
    "Results": (
        "results.csv lists every published figure as (subject_type, subject_id, measure, value), and the "
        "report version it is quoted from (`report_version`, `report_compiled_at`). The report version is "
        "the one the consultation's outcome page pins (the API's `report`), else the report compiled at "
        "closing; the figures of the questionnaire and of participation are quoted from it, and "
        "`in_report` in responses.csv and statement_votes.csv says which rows it counted (a row sent or "
        "cast after it was compiled: 0). "
        "Questions (personal ones computed from the counted responses, with small groups hidden, see “Small "
        "groups”): `respondents`; choices: "
        "`choice:<id>:count` and `choice:<id>:percent` (share of the question's respondents, in %, one "
        "decimal), `other_answers` (texts written for “Other”); rankings: `choice:<id>:count`, "
        "`mean_rank`, `borda` (n − rank points for n choices), `first`; scales and numbers: `n`, `mean` "
        "(2 decimals), `median`, `min`/`max` (numbers) or `value:<v>:count` (scales); texts: "
        "`text_answers`. `consultation/participants` is the number of sent responses, `open_answers` the "
        "number of written answers, `votes` the number of votes on statements the report read — including "
        "votes on statements that are not published (hidden by moderation or awaiting it), which are not "
        "in statement_votes.csv: their number is `votes_unpublished`, given as is (it cannot be recomputed "
        "from these files; the recompute prints it as GIVEN and checks `votes` as the counted published "
        "votes plus it). Statements (computed from statement_votes.csv as the statements' pages show them, "
        "no report version): `agree`, `disagree`, `pass`, `votes` and the shares `agree_share`, "
        "`disagree_share`, `pass_share` (4 decimals). Budget votes: `ballots`, `spent`; projects: `votes`, "
        "`share`, `rank`, `selected`, `majority_grade` (see the method in docs/budgets.md). Recompute them "
        "with `python manage.py opendata_recompute <zip or folder>` (docs/opendata.md). "
        "Not in results.csv, because these files cannot give them: the report's opinion groups "
        "(they also read the votes on hidden statements), the themes of written answers (the texts are "
        "not published) and the confidence intervals. A response changed after the quoted version was "
        "compiled (possible only when it was compiled before closing) is published as it is now, and the "
        "recompute shows the difference."
    ),
}
# How a personal question's figures are published; the threshold is the setting OPENDATA_SMALL_CELL.
SMALL_GROUPS_NOTE = (
    "Personal questions (`answers_published` = 0 in questions.csv: an age band, or a question the "
    "organiser marked personal) are not in answers.csv; results.csv gives their totals only, with "
    "every group of fewer than {threshold} people hidden (an empty value; results.csv's description "
    "lists each hidden figure). When hiding one group would let it be worked out from the total "
    "minus the others, more groups are hidden, smallest first, until the hidden ones add up to at "
    "least {threshold} people; if no group is left to hide, the total is hidden, and every group "
    "with it, zeros included. What would give a hidden group back is hidden with it: its share, a "
    "scale's mean and median, a ranking's mean rank and Borda score; a number question's lowest and "
    "highest values (each one person's answer) are never published. These figures cannot be "
    "recomputed from the files: `opendata_recompute` says NOT RECOMPUTABLE for them. Times are no "
    "closer than needed: a response gives its ISO week (`submitted_week`), a statement, idea or "
    "comment its day."
)


# --- Calls -------------------------------------------------------------------------------------------

# The `dispositif-aide` schema (schema.data.gouv.fr, etalab/dispositif-aide v0.2.0), core fields in order.
DISPOSITIF_AIDE_FIELDS = [
    "id",
    "titre",
    "promesse",
    "description",
    "eligibilite",
    "types_aides",
    "porteurs",
    "programmes_parents",
    "url_source",
    "cibles",
    "eligibilite_geographique",
    "eligibilite_geographique_exclusions",
    "date_ouverture",
    "date_cloture",
    "date_mise_a_jour",
]
CIBLES = {  # our applicant types → the schema's targets, in the schema's order
    ApplicantType.COMPANY: "professionnels",
    ApplicantType.INDIVIDUAL: "particuliers",
    ApplicantType.ASSOCIATION: "associations",
    ApplicantType.PUBLIC_BODY: "secteur public",
}
GEO_PREFIX = {
    "region": "REG",
    "departement": "DEP",
    "epci": "EPCI",
    "commune": "COM",
    # A municipal arrondissement of Paris, Lyon or Marseille is not a commune: the COG (whose notation
    # the schema asks for) types it ARM. `COM-75101` would name no commune at all.
    "arrondissement": "ARM",
}
CORSICA = "REG-94"
FRANCE = "PAYS-99100"
DESCRIPTION_MAX = 5000


def geographic_code(territory) -> str:
    """The territory as the schema's P-GEO code (`^[A-Z]+-\\d+$`), typed as the COG types it (`REG`,
    `DEP`, `EPCI`, `COM`, and `ARM` for a municipal arrondissement: `ARM-75101`). Corsica's codes (2A,
    2B, 2A004…) do not match it: a Corsican département or commune is published as the region, REG-94
    (wider than the call's area; docs/decisions.md)."""
    if territory is None:
        return FRANCE
    code = f"{GEO_PREFIX[territory.kind]}-{territory.code}"
    if not code.split("-", 1)[1].isdigit():
        return CORSICA
    return code


def call_uuid(call: CallPage) -> str:
    """The call's stable id in the schema (a UUID derived from the site's address and the call's id)."""
    return str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}/calls/{call.pk}")
    )


def _eligibility(call: CallPage) -> str:
    lines = [line.strip(" •-*\t") for line in call.eligibility.splitlines() if line.strip(" •-*\t")]
    labels = dict(ApplicantType.choices)
    lines.append(
        "Peuvent candidater : " + ", ".join(str(labels[kind]).lower() for kind in call.applicant_types)
    )
    if call.min_amount is not None or call.max_amount is not None:
        low = f"{call.min_amount:.0f} €" if call.min_amount is not None else "—"
        high = f"{call.max_amount:.0f} €" if call.max_amount is not None else "—"
        lines.append(f"Montant par projet : de {low} à {high}")
    if call.territory_id:
        lines.append(f"Projets réalisés sur le territoire : {call.territory.name}")
    return "\n".join(f"• {line}" for line in lines)


def dispositif_aide_row(call: CallPage) -> dict:
    """The call as one row of the `dispositif-aide` core schema (exact field names and formats)."""
    description = "\n\n".join(
        part for part in (strip_tags(call.introduction or "").strip(), call.objectives.strip()) if part
    )
    porteurs = [{"nom": call.organisation.name, "siren": "", "roles": ["financeur", "instructeur"]}]
    return {
        "id": call_uuid(call),
        "titre": call.title,
        "promesse": "",
        "description": description[:DESCRIPTION_MAX],
        "eligibilite": _eligibility(call),
        "types_aides": "financement" if call.kind == CallKind.FUNDING else "information",
        "porteurs": json.dumps(porteurs, ensure_ascii=False),
        "programmes_parents": "",
        "url_source": absolute(call.url or "/"),
        "cibles": "|".join(CIBLES[kind] for kind in CIBLES if kind in call.applicant_types),
        "eligibilite_geographique": geographic_code(call.territory),
        "eligibilite_geographique_exclusions": "",
        "date_ouverture": iso(call.opens_at),
        "date_cloture": iso(call.closes_at),
        "date_mise_a_jour": iso(call.last_published_at or call.latest_revision_created_at or call.opens_at),
    }


DISPOSITIF_AIDE_TYPES = {
    "date_ouverture": "datetime",
    "date_cloture": "datetime",
    "date_mise_a_jour": "datetime",
}


def dispositif_aide_table(calls) -> Table:
    return Table(
        "dispositif-aide",
        "The call in the “dispositif-aide” schema",
        "The schema etalab/dispositif-aide v0.2.0 of schema.data.gouv.fr (core fields).",
        [
            Column(name, f"`{name}` of the schema.", type=DISPOSITIF_AIDE_TYPES.get(name, "string"))
            for name in DISPOSITIF_AIDE_FIELDS
        ],
    ).fill(dispositif_aide_row(call) for call in calls)


PROJECT_COLUMNS = [
    Column("id", "Identifier of the project.", "id", "integer"),
    Column("reference", "The dossier's reference.", "reference"),
    Column("title", "Title of the project.", "title"),
    Column("summary", "Its summary, as published.", "summary"),
    Column("organisation_name", "The applying organisation (empty for an individual).", "organisation_name"),
    Column(
        "amount_requested",
        "Amount requested (€).",
        "amount_requested",
        "number",
        lambda amount: figures.fmt(float(amount)),
    ),
    Column("territory/code", "INSEE code of where it takes place.", "territory_code"),
    Column("territory/name", "Name of where it takes place.", "territory_name"),
    Column("state", "Status: selected.", "status"),
    Column("url", "Its entry on the laureates' page.", "url"),
]
STATUS_COLUMNS = [
    Column("status", "Status of the dossiers (drafts are not counted).", "status"),
    Column("count", "Number of dossiers.", "count", "integer"),
]
BALLOT_COLUMNS = [
    Column("ballot_id", "Random id of the ballot (the same as in ballots.pb); never the voter.", "public_id"),
    Column(
        "project_id",
        "A project chosen (or graded) on it; empty for a ballot that chose nothing.",
        "project_id",
        "integer",
    ),
    Column("grade", "Majority judgment: the grade, 0 (to reject) to 6 (excellent).", "grade", "integer"),
    Column(
        "voting_method",
        "internet or paper.",
        "channel",
        value=lambda channel: "paper" if channel == Ballot.Channel.PAPER else "internet",
    ),
]


def _ballot_rows(vote: PublicVote, on_ballot: set[int]):
    graded = vote.method == Method.MAJORITY_JUDGMENT
    for public_id, method, choices in counted_ballots(vote, on_ballot):
        channel = Ballot.Channel.PAPER if method == "paper" else Ballot.Channel.ONLINE
        if not choices:
            yield {"public_id": public_id, "channel": channel, "project_id": None, "grade": None}
        for project_id, grade in choices:
            yield {
                "public_id": public_id,
                "channel": channel,
                "project_id": project_id,
                "grade": grade if graded else None,
            }


def call_tables(call: CallPage, moment=None) -> tuple[list[Table], dict[str, bytes], dict[str, str]]:
    moment = moment or timezone.now()
    tables = [dispositif_aide_table([call])]
    files: dict[str, bytes] = {}
    notes = {}
    laureates_url = absolute(reverse("calls_laureates", args=[call.pk]))
    if call.laureates_published_at:
        projects = Project.objects.laureates().filter(call=call).select_related("territory").order_by("id")
        tables.append(
            Table(
                "projects",
                "Selected projects",
                "The laureates, as the laureates' page shows them.",
                PROJECT_COLUMNS,
            ).fill(
                {
                    **_fields(p),
                    "organisation_name": ""
                    if p.applicant_type == ApplicantType.INDIVIDUAL
                    else p.organisation_name,
                    "territory_code": p.territory.code if p.territory_id else None,
                    "territory_name": p.territory.name if p.territory_id else None,
                    "url": f"{laureates_url}#project-{p.pk}",
                }
                for p in projects
            )
        )
    else:
        notes["laureates"] = "The selected projects are published with the laureates."
    if call.closes_at <= moment:
        counts = call.projects.submitted().values("status").annotate(count=Count("id")).order_by("status")
        tables.append(
            Table(
                "status_counts",
                "Dossiers by status",
                "How many dossiers the call received, by status.",
                STATUS_COLUMNS,
            ).fill(counts)
        )
    else:
        notes["call_closed"] = "The number of dossiers by status is published when the call closes."
    vote = PublicVote.objects.filter(call=call).first()
    results: list[figures.Figure] = []
    if vote is not None:
        if vote.phase(moment) == Phase.CLOSED:
            tally = vote_results(vote)
            tables.append(
                Table(
                    "ballots",
                    "Ballots of the public vote",
                    "The ballots as counted, the same as ballots.pb (Pabulib format): one row per project "
                    "chosen (approval) or graded (majority judgment: every project on the ballot, ungraded "
                    "ones with 0 as counted) on a ballot, and one row with an empty `project_id` for a "
                    "ballot that chose nothing. Choices of projects no longer on the ballot are left out, "
                    "as the count leaves them.",
                    BALLOT_COLUMNS,
                ).fill(_ballot_rows(vote, {project.id for project in tally.projects}))
            )
            out = io.StringIO()
            pabulib_write(vote, out)
            files["ballots.pb"] = out.getvalue().encode("utf-8")
            results = figures.budget_figures(vote.pk, tally)
        else:
            notes["vote_closed"] = (
                "The ballots and results of the public vote are published when voting closes."
            )
    tables.append(_results_table(results))
    return tables, files, notes


def call_dataset(call: CallPage) -> Dataset:
    with translation.override(settings.LANGUAGE_CODE):
        tables, files, notes = call_tables(call)
        homepage = absolute(call.url or "/")
        producer = call.organisation.name
        extra = {
            "dispositif-aide": (
                "dispositif-aide.csv follows the core schema etalab/dispositif-aide v0.2.0: `id` is a UUID "
                "derived from the site's address and the call's id; `porteurs` a JSON list; `types_aides` "
                "`financement` (calls for projects) or `information` (calls for field initiatives); "
                "`eligibilite_geographique` the call's territory (`PAYS-99100` when it has none; a municipal "
                "arrondissement as `ARM-` + its code; Corsica as "
                "`REG-94`, its département and commune codes not matching the schema's pattern)."
            ),
            "ballots.pb": (
                "The public vote in the Pabulib format (pabulib.org/format), as the budgets page publishes "
                "it: every ballot by its random id; neither age nor commune."
            ),
            **README_NOTES,
        }
        return dataset_files(
            slug=f"concerto-call-{call.pk}-open-data",
            title=f"{call.title} — open data",
            introduction=_introduction(producer, homepage, call.closes_at),
            tables=tables,
            extra_files=files,
            extra_readme=extra,
            licence=licence_text(producer=producer, homepage=homepage),
            homepage=homepage,
            notes=notes,
        )


def calls_dispositif_aide(calls) -> bytes:
    """Every published call as `dispositif-aide` CSV."""
    with translation.override(settings.LANGUAGE_CODE):
        return csv_bytes(dispositif_aide_table(calls))
