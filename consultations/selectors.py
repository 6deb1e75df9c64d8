"""Reads of the consultation domain."""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import CharField, Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.territories import search_key
from consultations.blocks import OTHER, Question
from consultations.models import (
    Answer,
    Comment,
    ConsultationPage,
    Idea,
    Report,
    Response,
    Stance,
    Statement,
    Support,
    Vote,
)

# Words too common to tell two ideas apart.
STOP_WORDS = {
    "a",
    "au",
    "aux",
    "avec",
    "ce",
    "ces",
    "dans",
    "de",
    "des",
    "du",
    "elle",
    "en",
    "et",
    "il",
    "ils",
    "je",
    "la",
    "le",
    "les",
    "leur",
    "mais",
    "ne",
    "nous",
    "on",
    "ou",
    "par",
    "pas",
    "plus",
    "pour",
    "qu",
    "que",
    "qui",
    "sa",
    "se",
    "ses",
    "son",
    "sur",
    "ta",
    "te",
    "un",
    "une",
    "vos",
    "votre",
    "vous",
    "y",
    "the",
    "of",
    "and",
    "to",
    "in",
    "for",
}


def response_of(*, consultation: ConsultationPage, participant) -> Response | None:
    """The participant's response to the consultation, with its answers, or None."""
    if not participant.is_authenticated:
        return None
    return (
        Response.objects.filter(consultation=consultation, participant=participant)
        .prefetch_related("answers")
        .first()
    )


def answers_by_question(response: Response | None, questions: list[Question] | None = None) -> dict:
    """A response's answers, keyed by question id, in the shape `ResponseForm.answers()` gives them.

    Answers to questions removed since are left out (they stay stored, and reports count them apart).
    """
    if response is None:
        return {}
    if questions is None:
        questions = response.consultation.question_list
    kinds = {question.id: question.kind for question in questions}
    rows: dict[str, list] = {}
    for answer in sorted(response.answers.all(), key=lambda a: (a.position or 0, a.pk)):
        if answer.question_id in kinds:
            rows.setdefault(answer.question_id, []).append(answer)
    given = {}
    for question_id, answers in rows.items():
        values = [
            answer.number
            if answer.number is not None
            else (OTHER, answer.text)
            if answer.choice_id == OTHER
            else answer.choice_id or answer.text
            for answer in answers
        ]
        given[question_id] = values if kinds[question_id] in ("multiple_choice", "ranking") else values[0]
    return given


# How long the vote counts that order the statements may lag behind the votes (see `statement_deck`).
DECK_COUNTS_SECONDS = 30


def _deck_key(consultation_id: int) -> str:
    return f"consultations:deck:{consultation_id}"


def _published_vote_counts(consultation_id: int) -> dict[int, int]:
    """{statement id: number of votes} of the consultation's published statements, cached briefly.

    Counting every vote of a large consultation on each page view would cost more than everything else
    on the page; the order it gives may lag by DECK_COUNTS_SECONDS, which nobody can notice.
    """
    counts = cache.get(_deck_key(consultation_id))
    if counts is None:
        counts = dict(
            Statement.objects.published()
            .filter(consultation_id=consultation_id)
            .annotate(vote_count=Count("votes"))
            .values_list("id", "vote_count")
        )
        cache.set(_deck_key(consultation_id), counts, DECK_COUNTS_SECONDS)
    return counts


def statement_deck_forget(consultation_id: int) -> None:
    """A statement was published or hidden: the next page view sees it at once."""
    cache.delete(_deck_key(consultation_id))


@dataclass(frozen=True)
class StatementDeck:
    """Where a participant is in the statements of a consultation."""

    next_statement: Statement | None
    voted: int
    total: int


def statement_deck(*, consultation: ConsultationPage, participant) -> StatementDeck:
    """The next statement to show — one the participant has not voted on, the least voted first — and
    how many they voted on. A constant number of queries, whatever the number of statements and votes.
    """
    counts = _published_vote_counts(consultation.pk)
    mine = set(
        Vote.objects.filter(participant=participant, statement__consultation=consultation).values_list(
            "statement_id", flat=True
        )
    )
    unseen = sorted(
        (count, statement_id) for statement_id, count in counts.items() if statement_id not in mine
    )
    next_statement = None
    if unseen:
        # Hidden since the counts were read: take the next one rather than show it.
        candidates = [statement_id for _count, statement_id in unseen[:20]]
        found = Statement.objects.published().in_bulk(candidates)
        next_statement = next((found[pk] for pk in candidates if pk in found), None)
    return StatementDeck(next_statement=next_statement, voted=len(mine & counts.keys()), total=len(counts))


# What a vote reads of its statement and consultation: the rule of `vote_statement`, and the page to go
# back to. In one query, for the hottest write path.
VOTE_FIELDS = (
    "status",
    "consultation__live",
    "consultation__opens_at",
    "consultation__closes_at",
    "consultation__statements_enabled",
    "consultation__url_path",
    "consultation__audience",
    "consultation__audience_territory",
)


def statements_to_vote_on():
    """Statements with their consultation, reduced to what a vote reads (`VOTE_FIELDS`), in one query."""
    return Statement.objects.select_related("consultation").only(*VOTE_FIELDS)


def statements_with_my_votes(*, consultation: ConsultationPage, participant, ids) -> list[Statement]:
    """Published statements among `ids`, with their counts (`agree`, `disagree`, `passed`), the
    participant's own vote and their number of comments, in two queries.

    The counts come from one grouped query over the page's votes rather than a join of every vote
    onto its statement: with the join, PostgreSQL also worked out each statement's comments once per
    vote (a statement with 200 votes: 200 times), 16 ms of database time for a page of 50 statements.
    """
    mine = Vote.objects.filter(statement=OuterRef("pk"), participant=participant).values("value")[:1]
    statements = list(
        Statement.objects.published()
        .filter(consultation=consultation, pk__in=ids)
        .annotate(my_vote=Subquery(mine), comment_count=_comment_count("statement"))
        .order_by("id")
    )
    counts = {(statement_id, value): n for statement_id, value, n in _vote_counts([s.pk for s in statements])}
    for statement in statements:
        statement.agree = counts.get((statement.pk, 1), 0)
        statement.disagree = counts.get((statement.pk, -1), 0)
        statement.passed = counts.get((statement.pk, 0), 0)
    return statements


def _vote_counts(statement_ids: list[int]):
    """(statement id, value, number of votes) for these statements."""
    return (
        Vote.objects.filter(statement_id__in=statement_ids)
        .values_list("statement_id", "value")
        .annotate(n=Count("id"))
        .order_by()
    )


def _words(text: str) -> set[str]:
    return {word for word in search_key(text).split() if len(word) > 2 and word not in STOP_WORDS}


def ideas_similar_to(
    *, consultation: ConsultationPage, title: str, text: str = "", limit: int = 3
) -> list[Idea]:
    """Existing ideas of the consultation that share the most meaningful words with a new one."""
    wanted = _words(f"{title} {title} {text}")
    if not wanted:
        return []
    scored = []
    # Hidden and merged ideas are not offered: their supports would not count.
    candidates = Idea.objects.published().filter(consultation=consultation, merged_into=None)
    for idea_id, idea_title, idea_text in candidates.values_list("id", "title", "text"):
        words = _words(f"{idea_title} {idea_text[:500]}")
        overlap = len(wanted & words) / len(wanted | words) if words else 0
        if overlap >= 0.2:
            scored.append((overlap, idea_id))
    best = [idea_id for _score, idea_id in sorted(scored, reverse=True)[:limit]]
    found = Idea.objects.in_bulk(best)
    return [found[idea_id] for idea_id in best]


def ideas_with_supports(*, consultation: ConsultationPage, viewer):
    """The consultation's ideas with their support counts and whether the viewer supports each."""
    mine = Support.objects.filter(
        idea=OuterRef("pk"), supporter=viewer.pk if viewer.is_authenticated else None
    )
    # Counts as subqueries, not a join of every support onto its idea: with the join, PostgreSQL grouped
    # the supports and worked out each idea's comments and the viewer's support once per support.
    supports = (
        Support.objects.filter(idea=OuterRef("pk")).order_by().values("idea").annotate(count=Count("pk"))
    )
    return (
        Idea.objects.filter(consultation=consultation)
        .visible_to(viewer)
        .select_related("merged_into")
        .annotate(
            support_count=Coalesce(Subquery(supports.values("count"), output_field=IntegerField()), 0),
            supported=Exists(mine),
            comment_count=_comment_count("idea"),
        )
        .order_by("-support_count", "-created_at")
    )


def _comment_count(field: str):
    """The number of published comments on each row, as a subquery (one query for the whole list)."""
    published = (
        Comment.objects.filter(**{field: OuterRef("pk")}, status=Comment.Status.PUBLISHED)
        .order_by()
        .values(field)
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(published, output_field=IntegerField()), 0)


# How the top-level comments of a thread can be sorted (replies always read oldest first).
COMMENT_ORDERS = ("oldest", "newest", "most_replies")


@dataclass
class ThreadNode:
    """A comment as its thread shows it: the replies below it and, at the last level, whom it answers."""

    comment: Comment
    replies: list["ThreadNode"] = field(default_factory=list)
    replying_to: Comment | None = None
    # What the viewer may do with it (permissions.comment_actions), set by the view.
    actions: dict = field(default_factory=dict)

    def reply_count(self) -> int:
        """Replies below it, at every level."""
        return sum(1 + reply.reply_count() for reply in self.replies)


def comment_thread(*, target: Idea | Statement, order: str = "oldest", stance: str = "") -> list[ThreadNode]:
    """The comments on an idea or a statement as a tree, in two queries whatever their number.

    `order` sorts the top-level comments (oldest, newest, or most replies first; replies always read
    oldest first); `stance` keeps the
    top-level comments of that stance, with all their replies. Hidden and deleted comments stay in
    the tree (the template shows a placeholder, or the hidden text to its own author) so that their
    replies keep their context. Replies deeper than the last level are shown at the last level,
    saying which comment they answer.
    """
    field_name = "idea" if isinstance(target, Idea) else "statement"
    comments = list(
        Comment.objects.filter(**{field_name: target}).select_related("author").order_by("created_at", "id")
    )
    for comment in comments:  # already loaded: spare a query per comment
        setattr(comment, field_name, target)
        comment.consultation = target.consultation
    by_id = {comment.pk: ThreadNode(comment) for comment in comments}
    roots = []
    for comment in comments:
        node = by_id[comment.pk]
        parent = by_id.get(comment.parent_id)
        if parent is None:
            roots.append(node)
            continue
        if parent.comment.depth == comment.depth:  # beyond the last level: beside the comment it answers
            node.replying_to = parent.comment
            parent = by_id.get(parent.comment.parent_id) or parent
        parent.replies.append(node)
    if stance in Stance.values:
        roots = [node for node in roots if node.comment.stance == stance]
    if order == "newest":
        roots.reverse()
    elif order == "most_replies":  # the liveliest discussions first; ties oldest first (a stable sort)
        roots.sort(key=lambda node: -node.reply_count())
    return roots


def stance_counts(*, target: Idea | Statement) -> dict[str, int]:
    """Published comments on the item per stance."""
    field_name = "idea" if isinstance(target, Idea) else "statement"
    rows = (
        Comment.objects.filter(**{field_name: target}, status=Comment.Status.PUBLISHED)
        .values("stance")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = dict.fromkeys(Stance.values, 0)
    counts.update({row["stance"]: row["count"] for row in rows})
    return counts


def open_reports_prefetch() -> Prefetch:
    """The open reports of each row, for the moderation queue (count and reasons, one query per kind)."""
    return Prefetch(
        "reports",
        queryset=Report.objects.filter(resolved_at=None).order_by("created_at"),
        to_attr="open_reports",
    )


# What the moderation queue shows: what needs a decision (pending statements, reported items; the
# default), what is hidden, or everything.
QUEUE_DECIDE, QUEUE_HIDDEN, QUEUE_ALL = "decide", "hidden", "all"
QUEUE_SHOWS = (QUEUE_DECIDE, QUEUE_HIDDEN, QUEUE_ALL)
_QUEUE_KINDS = {"statement": Statement, "idea": Idea, "comment": Comment}


def _queue_part(queryset, kind: str, show: str):
    status = "moderation_status" if kind == "idea" else "status"
    open_reports = Report.objects.filter(**{kind: OuterRef("pk")}, resolved_at=None)
    count = open_reports.order_by().values(kind).annotate(count=Count("pk")).values("count")
    if show == QUEUE_DECIDE:
        needs_decision = Exists(open_reports)
        if kind == "statement":
            needs_decision |= Q(status=Statement.Status.PENDING)
        queryset = queryset.filter(needs_decision)
    elif show == QUEUE_HIDDEN:
        queryset = queryset.filter(**{status: "hidden"})
    elif kind == "comment":  # a comment its author deleted has nothing left to moderate
        queryset = queryset.exclude(status=Comment.Status.DELETED)
    return (
        queryset.order_by()
        .annotate(
            row_kind=Value(kind, output_field=CharField()),
            row_reports=Coalesce(Subquery(count, output_field=IntegerField()), 0),
        )
        .values_list("row_kind", "pk", "created_at", "row_reports")
    )


def moderation_queue_rows(*, statements, ideas, comments, show: str = QUEUE_DECIDE):
    """The statements, ideas and comments of the moderator's querysets that `show` asks for, as one list
    of `(kind, id, created_at, open report count)` in one query, so that it pages as one list: most
    reported first then the longest waiting for a decision, newest first otherwise.

    Read a page of it with `moderation_queue_items`."""
    parts = [
        _queue_part(queryset, kind, show)
        for kind, queryset in (("statement", statements), ("idea", ideas), ("comment", comments))
    ]
    rows = parts[0].union(*parts[1:], all=True)
    if show == QUEUE_DECIDE:
        return rows.order_by("-row_reports", "created_at", "row_kind", "pk")
    return rows.order_by("-created_at", "row_kind", "-pk")


def moderation_queue_items(rows) -> list:
    """The contributions of a page of `moderation_queue_rows`, in its order, each with `kind` and
    `report_count` set: a query per kind present and one for its open reports, whatever the page size."""
    wanted: dict[str, list[int]] = {}
    for kind, pk, _created_at, _count in rows:
        wanted.setdefault(kind, []).append(pk)
    found = {}
    for kind, pks in wanted.items():
        queryset = _QUEUE_KINDS[kind].objects.filter(pk__in=pks).select_related("consultation", "author")
        if kind == "idea":
            queryset = queryset.select_related("merged_into")
        if kind == "comment":
            queryset = queryset.select_related("idea", "statement")
        for item in queryset.prefetch_related(open_reports_prefetch()):
            found[kind, item.pk] = item
    items = []
    for kind, pk, _created_at, count in rows:
        item = found.get((kind, pk))
        if item is not None:  # gone since the page was counted
            item.kind, item.report_count, item.queue_key = kind, count, f"{kind}:{pk}"
            item.queue_status = item.moderation_status if kind == "idea" else item.status
            items.append(item)
    return items


@dataclass
class ConsultationContributions:
    """One person's contributions to one consultation, and the published outcome pages of it."""

    consultation: ConsultationPage
    response: Response | None = None
    statements: list[Statement] = field(default_factory=list)
    ideas: list[Idea] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    # The ideas of others the person supports, with their status and the organisation's answer.
    supported: list[Idea] = field(default_factory=list)
    votes: int = 0
    outcomes: list = field(default_factory=list)


def consultations_contributed_to(*, user) -> list[int]:
    """The ids of the consultations where the person contributed anything, latest closing first."""
    ids: set[int] = set()
    for model, owner in (
        (Response, "participant"),
        (Statement, "author"),
        (Idea, "author"),
        (Comment, "author"),
    ):
        ids.update(model.objects.filter(**{owner: user}).values_list("consultation_id", flat=True))
    ids.update(Vote.objects.filter(participant=user).values_list("statement__consultation_id", flat=True))
    ids.update(_supported_by(user).values_list("consultation_id", flat=True))
    return list(
        ConsultationPage.objects.filter(pk__in=ids).order_by("-closes_at", "-pk").values_list("pk", flat=True)
    )


def _supported_by(user):
    """The ideas `user` supports that everyone may read (a hidden idea is its author's only)."""
    supported = Support.objects.filter(supporter=user).values("idea_id")
    return Idea.objects.published().filter(pk__in=supported).exclude(author=user)


def contributions_of(*, user, consultation_ids=None) -> list[ConsultationContributions]:
    """Everything a person contributed, by consultation (latest closing first), with what became of it;
    in the consultations with these ids only, if given (a page of them).

    A fixed number of queries whatever the number of contributions: one per kind (the ideas supported
    are one), one for the
    consultations, one for their outcome pages, one for the ids of their written answers (which the
    outcome pages' `cited` ids are compared with).
    """
    by_consultation: dict[int, ConsultationContributions] = {}
    rows = {
        "response": Response.objects.filter(participant=user).order_by("-updated_at"),
        "statements": Statement.objects.filter(author=user).order_by("-created_at"),
        "ideas": Idea.objects.filter(author=user).select_related("merged_into").order_by("-created_at"),
        "comments": Comment.objects.filter(author=user)
        .exclude(status=Comment.Status.DELETED)
        .select_related("idea", "statement")
        .order_by("-created_at"),
        "supported": _supported_by(user)
        .select_related("merged_into")
        .annotate(support_count=Count("supports", distinct=True))
        .order_by("-created_at"),
    }
    mine = Vote.objects.filter(participant=user)
    if consultation_ids is not None:
        rows = {
            name: queryset.filter(consultation_id__in=consultation_ids) for name, queryset in rows.items()
        }
        mine = mine.filter(statement__consultation_id__in=consultation_ids)
    found: dict[str, list] = {name: list(queryset) for name, queryset in rows.items()}
    votes = dict(
        mine.values_list("statement__consultation_id")
        .annotate(count=Count("id"))
        .values_list("statement__consultation_id", "count")
    )
    ids = {item.consultation_id for items in found.values() for item in items} | set(votes)
    # The outcome pages' model belongs to the site (cms), reached through the relation it declares.
    outcome_model = ConsultationPage._meta.get_field("outcome_pages").related_model
    consultations = ConsultationPage.objects.filter(pk__in=ids).prefetch_related(
        Prefetch(
            "outcome_pages",
            queryset=outcome_model.objects.live().public().order_by("-first_published_at"),
            to_attr="published_outcomes",
        )
    )
    for consultation in consultations:
        by_consultation[consultation.pk] = ConsultationContributions(
            consultation=consultation,
            votes=votes.get(consultation.pk, 0),
            outcomes=consultation.published_outcomes,
        )
    for name, items in found.items():
        for item in items:
            entry = by_consultation.get(item.consultation_id)
            if entry is None:  # a consultation deleted from the page tree
                continue
            if name == "response":
                entry.response = item
            else:
                getattr(entry, name).append(item)
    # Written answers of theirs that an outcome page may quote (the themes quote answers by id).
    answer_ids: dict[int, list[int]] = {}
    for answer_id, response_id in (
        Answer.objects.filter(
            response__in=[entry.response for entry in by_consultation.values() if entry.response]
        )
        .filter(response__status=Response.Status.SUBMITTED)
        .exclude(text="")
        .values_list("id", "response_id")
    ):
        answer_ids.setdefault(response_id, []).append(answer_id)
    for entry in by_consultation.values():
        for statement in entry.statements:
            statement.quoted_by = [
                page for page in entry.outcomes if page.cites(statement_ids=[statement.pk])
            ]
        if entry.response is not None:
            mine = answer_ids.get(entry.response.pk, [])
            entry.response.quoted_by = [page for page in entry.outcomes if page.cites(answer_ids=mine)]
    return sorted(
        by_consultation.values(),
        key=lambda entry: (entry.consultation.closes_at, entry.consultation.pk),
        reverse=True,
    )
