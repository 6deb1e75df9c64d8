"""What the top of a consultation's page says before anything else: what it asks, how long it takes, how
many people took part, and the one thing to do next ("Take part").

The time estimate adds, for each question, the seconds a person typically needs for its kind
(`SECONDS_BY_KIND`: a click for a yes/no, a few words for a short text, a paragraph for an open text),
rounded up to whole minutes, never less than one. The statements and ideas are open-ended (one votes on
as many as one likes): they are counted, not timed.

The people who took part are counted as the reports count them (reports/loaders.people_counts, which
this layer cannot import): each person once across answers sent, votes, statements, ideas, supports
and comments; an account once, and each paper form and each imported participant once. The count is
one SQL query, kept `FIGURES_SECONDS` in the cache: a large consultation's page does not count every
vote at each view, and the figure may lag by a minute, which nobody can notice.
"""

import math
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import BigIntegerField, Case, ExpressionWrapper, F, Q, When

from consultations.blocks import Question
from consultations.models import Comment, ConsultationPage, Idea, Response, Statement, Support, Vote

FIGURES_SECONDS = 60

# Seconds a person needs to answer a question of each kind (the rule of the time estimate).
SECONDS_BY_KIND = {
    "yes_no": 10,
    "single_choice": 15,
    "age_band": 10,
    "scale": 15,
    "number": 20,
    "multiple_choice": 25,
    "short_text": 40,
    "ranking": 45,
    "open_text": 120,
}
DEFAULT_SECONDS = 30


def questionnaire_minutes(questions: list[Question]) -> int:
    """About how many minutes the questionnaire takes (0 without questions)."""
    if not questions:
        return 0
    seconds = sum(SECONDS_BY_KIND.get(question.kind, DEFAULT_SECONDS) for question in questions)
    return max(1, math.ceil(seconds / 60))


@dataclass(frozen=True)
class Figures:
    """How many people took part, and how many published statements and ideas there are."""

    people: int = 0
    statements: int = 0
    ideas: int = 0


def _key(consultation_id: int) -> str:
    return f"consultations:figures:{consultation_id}"


def _person(account: str, other: str, tag: int):
    """A person as one number (as in reports/loaders.py): an account's id times three, else the id of
    `other` times three plus `tag` (1: a paper or imported response, 2: an imported participant)."""
    return Case(When(**{f"{account}__isnull": False}, then=F(account) * 3), default=F(other) * 3 + tag)


def _people_sql(consultation_id: int) -> tuple[str, list]:
    def person(queryset, expression):
        return queryset.order_by().values_list(ExpressionWrapper(expression, output_field=BigIntegerField()))

    sources = [
        person(
            Response.objects.submitted().filter(consultation_id=consultation_id),
            _person("participant_id", "id", 1),
        ),
        person(
            Vote.objects.filter(
                Q(participant__isnull=False) | Q(external_participant__isnull=False),
                statement__consultation_id=consultation_id,
            ),
            _person("participant_id", "external_participant_id", 2),
        ),
        person(
            Statement.objects.filter(consultation_id=consultation_id, author__isnull=False),
            F("author_id") * 3,
        ),
        person(
            Idea.objects.filter(consultation_id=consultation_id, author__isnull=False), F("author_id") * 3
        ),
        person(
            Support.objects.filter(idea__consultation_id=consultation_id, supporter__isnull=False),
            F("supporter_id") * 3,
        ),
        person(
            Comment.objects.filter(consultation_id=consultation_id, author__isnull=False), F("author_id") * 3
        ),
    ]
    compiled = [source.query.sql_with_params() for source in sources]
    # UNION (not UNION ALL): each person once, whatever they did.
    # The SQL is the ORM's own, compiled from the querysets above; every value stays a parameter.
    parts = (f"SELECT * FROM ({sql}) AS part{n}" for n, (sql, _params) in enumerate(compiled))  # noqa: S608
    sql = " UNION ".join(parts)
    return sql, [param for _sql, params in compiled for param in params]


def _count_sql(queryset) -> tuple[str, list]:
    sql, params = queryset.order_by().values_list("pk").query.sql_with_params()
    return f"SELECT COUNT(*) FROM ({sql}) AS counted", list(params)  # noqa: S608 (the ORM's SQL)


def consultation_figures(consultation: ConsultationPage) -> Figures:
    """The consultation's figures for the top of its page, in one query (then cached briefly)."""
    if consultation.pk is None:  # a preview of a page not saved yet
        return Figures()
    figures = cache.get(_key(consultation.pk))
    if figures is None:
        people_sql, people_params = _people_sql(consultation.pk)
        statements_sql, statements_params = _count_sql(
            Statement.objects.published().filter(consultation_id=consultation.pk)
        )
        ideas_sql, ideas_params = _count_sql(
            Idea.objects.published().filter(consultation_id=consultation.pk, merged_into=None)
        )
        sql = f"SELECT (SELECT COUNT(*) FROM ({people_sql}) AS people), ({statements_sql}), ({ideas_sql})"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [*people_params, *statements_params, *ideas_params])
            people, statements, ideas = cursor.fetchone()
        figures = Figures(people=people, statements=statements, ideas=ideas)
        cache.set(_key(consultation.pk), figures, FIGURES_SECONDS)
    return figures


def consultation_figures_forget(consultation_id: int) -> None:
    """The next page view counts again (tests, and after an import)."""
    cache.delete(_key(consultation_id))
