"""The format of a compiled report (`ReportSnapshot.data`), as typed records.

The compile builds a `Report` and stores `report.to_data()`; every reader reads the stored data through
`Report.from_data` (`ReportSnapshot.report`), never the dict itself. Plain Python, no Django import, like
`analysis/`, whose results (dicts) the compile turns into these records with `from_data`.

Versions of the format, in `FORMAT` and in the data's "format" key:

- 1, the versions stored before this module: no "format" key. Parts were added to it over time without
  a number (cross-tables and themes, the method card and participation, ideas, statements, divisive
  statements, the themes' thresholds, participation by territory and by channel). A part a version
  lacks reads as None or empty, and the pages show nothing for it, as they always did.
- 2: the same records, with `"format": 2`. Optional parts added since, absent from the versions
  compiled before them: `people` (everyone who took part, by channel), the method's `audiences` (each
  channel's own), the statements' `consensus_rule`.

`to_data()` writes every field but the optional ones (`metadata=OPTIONAL`) at their default: the keys
that older versions lack, or that only some records have (a hidden choice's `suppressed`). So
`Report.from_data(data).to_data()` gives back what was stored, with the current format number. Reading
is lenient: a missing key reads as its field's default (ids, and the records always written whole such
as a test's figures, have none).
"""

import types
import typing
from dataclasses import dataclass, field, fields
from functools import cache
from typing import Self

from core.exceptions import RetryLater

FORMAT = 2
FORMATS = (1, 2)


class UnknownFormat(RetryLater, ValueError):
    """Data written by a newer version of the compile than this code reads: during a deployment, a
    process of the previous version reading a version the new one compiled. Pages answer 503, asking to
    come back in a minute (core/errors.py)."""


# The metadata of a field written only when it is not its default: older versions lack the key, or only
# some records have it.
OPTIONAL = {"optional": True}


@dataclass(frozen=True, kw_only=True)
class Record:
    """A part of the report: read from its stored dict and written back to it, key by key (the fields
    of the dataclass, in their order)."""

    @classmethod
    def from_data(cls, data: dict) -> Self:
        return cls(**{name: _read(kind, data[name]) for name, kind in _field_types(cls) if name in data})

    def to_data(self) -> dict:
        data = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.metadata.get("optional") and value == f.default:
                continue
            data[f.name] = _write(value)
        return data


@cache
def _field_types(cls) -> tuple[tuple[str, object], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in fields(cls))


@cache
def _holds_records(kind) -> bool:
    if isinstance(kind, type) and issubclass(kind, Record):
        return True
    return any(_holds_records(arg) for arg in typing.get_args(kind))


def _read(kind, value):
    """`value` as stored, turned into `kind` (a record, a list of them, or a plain value)."""
    if value is None or not _holds_records(kind):  # plain values (a theme's answer ids) are kept as read
        return value
    origin = typing.get_origin(kind)
    if origin in (types.UnionType, typing.Union):
        [kind] = [arg for arg in typing.get_args(kind) if arg is not types.NoneType]  # one record type
        return _read(kind, value)
    if origin is list:
        [item] = typing.get_args(kind)
        return [_read(item, element) for element in value]
    return kind.from_data(value)


def _write(value):
    if isinstance(value, Record):
        return value.to_data()
    if isinstance(value, list):
        return [_write(element) for element in value]
    if isinstance(value, dict):
        return {key: _write(element) for key, element in value.items()}
    return value


# Questions (`analysis/questionnaire.summarise`) ------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Choice(Record):
    """A choice's count and share of the people who answered the question, with its 95 % Wilson
    interval, all in percent; None when hidden (a demographic group under 5) or nobody answered."""

    id: str
    label: str = ""
    count: int | None = 0
    percent: float | None = 0.0
    ci_low: float | None = None
    ci_high: float | None = None
    suppressed: bool = field(default=False, metadata=OPTIONAL)


@dataclass(frozen=True, kw_only=True)
class RankedChoice(Record):
    id: str
    label: str = ""
    count: int = 0
    mean_rank: float | None = None
    borda: int = 0
    first: int = 0


@dataclass(frozen=True, kw_only=True)
class ScaleValue(Record):
    value: int
    count: int = 0
    percent: float = 0.0


@dataclass(frozen=True, kw_only=True)
class Question(Record):
    """One question's figures. Which figures depends on the kind of question, hence a record per shape,
    told apart by the keys stored (as `summarise` writes them): `ChoiceQuestion`, `RankingQuestion`,
    `ScaleQuestion`, `NumberQuestion`, `TextQuestion`."""

    id: str
    kind: str = ""
    label: str = ""
    respondents: int = 0

    @classmethod
    def from_data(cls, data: dict) -> "Question":
        if cls is not Question:
            return super().from_data(data)
        if "ranking" in data:
            return RankingQuestion.from_data(data)
        if "choices" in data:
            return ChoiceQuestion.from_data(data)
        if "distribution" in data:
            return ScaleQuestion.from_data(data)
        if "n" in data:
            return NumberQuestion.from_data(data)
        return TextQuestion.from_data(data)

    @property
    def written_answers(self) -> int:
        """How many texts were written for it (counted in the report's `open_answers`)."""
        return 0


@dataclass(frozen=True, kw_only=True)
class ChoiceQuestion(Question):
    """A single or multiple choice, a yes/no or an age band."""

    choices: list[Choice] = field(default_factory=list)
    unknown_choices: int = 0  # answers naming a choice the question no longer has
    other_answers: int = 0  # texts written for "Other"

    @property
    def written_answers(self) -> int:
        return self.other_answers


@dataclass(frozen=True, kw_only=True)
class RankingQuestion(Question):
    ranking: list[RankedChoice] = field(default_factory=list)  # best first


@dataclass(frozen=True, kw_only=True)
class ScaleQuestion(Question):
    n: int = 0
    mean: float | None = None
    median: float | None = None
    distribution: list[ScaleValue] = field(default_factory=list)  # every value of the scale


@dataclass(frozen=True, kw_only=True)
class NumberQuestion(Question):
    """A number, or a scale whose ends were not known."""

    n: int = 0
    mean: float | None = None
    median: float | None = None
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True, kw_only=True)
class TextQuestion(Question):
    """A short or long text (or a choice question that has no choices)."""

    answers: int = 0

    @property
    def written_answers(self) -> int:
        return self.answers


# Cross-tables (`analysis/crosstabs`) -------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class StatisticalTest(Record):
    """Pearson's chi-square (`pearson_chi_square`) or Kruskal–Wallis (`kruskal_wallis`), Holm-adjusted
    across the report's `tests`."""

    method: str
    statistic: float
    dof: int
    p_value: float
    min_expected: float | None = field(default=None, metadata=OPTIONAL)  # chi-square only
    people: int
    p_adjusted: float
    tests: int
    significant: bool


@dataclass(frozen=True, kw_only=True)
class CrosstabChoice(Record):
    id: str
    label: str = ""


@dataclass(frozen=True, kw_only=True)
class Cell(Record):
    count: int | None = None
    percent: float | None = None
    suppressed: bool = False


@dataclass(frozen=True, kw_only=True)
class CrosstabRow(Record):
    """A group: its code (or `_pooled`, `_unknown`), its name, its people (None when under 5 or hidden)."""

    key: str
    label: str | None = None
    total: int | None = None
    cells: list[Cell] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class NumericRow(Record):
    key: str
    label: str | None = None
    total: int | None = None
    mean: float | None = None
    median: float | None = None
    small: bool = False  # under 5 people (else hidden so that the small ones cannot be worked out)


@dataclass(frozen=True, kw_only=True)
class Crosstab(Record):
    """One question crossed with one grouping of the participants (`territory`, or
    `age_band:<question id>`): `ChoiceCrosstab` or `NumericCrosstab`."""

    question_id: str  # "<question id>:<choice id>" for a choice of a multiple choice
    question_label: str = ""
    # "choices", "first_choice" or "numeric"; None in versions compiled before rankings, scales and
    # numbers were crossed (a "choices" table).
    kind: str | None = field(default=None, metadata=OPTIONAL)
    grouping: str = ""
    grouping_label: str = ""
    groups_compared: int = 0
    hidden: bool = False
    test: StatisticalTest | None = None
    skipped: str | None = None  # why there is no test

    @classmethod
    def from_data(cls, data: dict) -> "Crosstab":
        if cls is not Crosstab:
            return super().from_data(data)
        return (NumericCrosstab if data.get("kind") == "numeric" else ChoiceCrosstab).from_data(data)


@dataclass(frozen=True, kw_only=True)
class ChoiceCrosstab(Crosstab):
    choices: list[CrosstabChoice] = field(default_factory=list)
    rows: list[CrosstabRow] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class NumericCrosstab(Crosstab):
    kind: str | None = "numeric"
    rows: list[NumericRow] = field(default_factory=list)


# Themes of written answers (`analysis/themes`, `analysis/theme_corrections`) ---------------------------


@dataclass(frozen=True, kw_only=True)
class Quote(Record):
    answer_id: int
    text: str = ""


@dataclass(frozen=True, kw_only=True)
class Theme(Record):
    id: str
    label: str | None = field(default=None, metadata=OPTIONAL)  # the officials' name for it
    keywords: list[str] = field(default_factory=list)
    count: int = 0
    share: float = 0.0  # percent of the analysed answers
    quotes: list[Quote] = field(default_factory=list)
    answer_ids: list[int] = field(default_factory=list)
    merged: list[str] | None = field(default=None, metadata=OPTIONAL)  # the themes officials merged into it
    official: bool = field(
        default=False, metadata=OPTIONAL
    )  # made by officials (an answer moved into a theme they named)


@dataclass(frozen=True, kw_only=True)
class ThemeCorrections(Record):
    applied: int = 0
    stale: list[int] = field(default_factory=list)  # ids of the corrections whose theme or answer has gone


@dataclass(frozen=True, kw_only=True)
class QuestionThemes(Record):
    """The themes of one long-text question's answers, or why there are none (`reason`)."""

    question_id: str
    question_label: str = ""
    answers: int = 0
    analysed: int = 0
    english: int = 0
    truncated: int = 0
    # The thresholds of that version; None in versions compiled before they were stored.
    min_answers: int | None = field(default=None, metadata=OPTIONAL)
    max_analysed_chars: int | None = field(default=None, metadata=OPTIONAL)
    unassigned: list[int] = field(default_factory=list)
    reason: str | None = None
    themes: list[Theme] = field(default_factory=list)
    corrections: ThemeCorrections | None = field(
        default=None, metadata=OPTIONAL
    )  # when officials corrected them


# Who took part (`analysis/participation`) ---------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ConsultationInfo(Record):
    title: str = ""
    opens_at: str = ""  # ISO 8601
    closes_at: str = ""


@dataclass(frozen=True, kw_only=True)
class ChannelCounts(Record):
    """Contributions by channel (`online`, `paper`, `polis`); channels with none are left out."""

    responses: dict[str, int] = field(default_factory=dict)
    statements: dict[str, int] = field(default_factory=dict)
    votes: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Day(Record):
    day: str  # ISO 8601 date
    responses: int = 0
    total: int = 0


@dataclass(frozen=True, kw_only=True)
class VoteBucket(Record):
    label: str = ""
    participants: int = 0


@dataclass(frozen=True, kw_only=True)
class VotesPerVoter(Record):
    voters: int = 0
    votes: int = 0
    mean: float | None = None
    median: float | None = None
    distribution: list[VoteBucket] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class TerritoryRow(Record):
    """A département, or the small ones together (`small`), or the people who gave none (`unknown`)."""

    code: str = ""
    name: str = ""
    participants: int = 0
    small: bool = field(default=False, metadata=OPTIONAL)
    unknown: bool = field(default=False, metadata=OPTIONAL)


@dataclass(frozen=True, kw_only=True)
class Participation(Record):
    channels: ChannelCounts | None = field(
        default=None, metadata=OPTIONAL
    )  # None: compiled before channels were counted
    timeline: list[Day] = field(default_factory=list)
    votes: VotesPerVoter = field(default_factory=VotesPerVoter)
    territories: list[TerritoryRow] | None = field(
        default=None, metadata=OPTIONAL
    )  # None: compiled before they were counted


@dataclass(frozen=True, kw_only=True)
class PeopleCounts(Record):
    """The people who took part through one channel (or through any, `channel` ""): each person once in
    `people`, however many ways they took part, and in each kind of contribution they made (the fields
    after `people`, in `analysis/participation.KINDS`' order)."""

    channel: str = ""
    people: int = 0
    respondents: int = 0  # sent the questionnaire (a paper form is one person)
    voters: int = 0  # voted on a statement (an imported Pol.is participant is one person)
    statement_authors: int = 0
    idea_authors: int = 0
    supporters: int = 0  # supported an idea
    commenters: int = 0


@dataclass(frozen=True, kw_only=True)
class People(Record):
    """Everyone who took part (`analysis/participation.people`): in all, and by channel (a person who
    took part through two channels is in both rows, once in `total`)."""

    total: PeopleCounts = field(default_factory=PeopleCounts)
    channels: list[PeopleCounts] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class ChannelAudience(Record):
    """Who could take part through a channel: for `online`, the consultation's audience (`signed_in`,
    `territory` with the territory's name, `invited`); `paper` and `polis` have their own (the people
    given a paper form; the participants of the Pol.is conversation)."""

    channel: str
    audience: str = ""
    territory: str = field(default="", metadata=OPTIONAL)


@dataclass(frozen=True, kw_only=True)
class Moderation(Record):
    statements_pending: int = 0
    statements_hidden: int = 0
    ideas_hidden: int = 0
    comments_hidden: int = 0


@dataclass(frozen=True, kw_only=True)
class Method(Record):
    """What a reader needs to judge the figures."""

    opens_at: str = ""
    closes_at: str = ""
    compiled_at: str = ""
    channels: list[str] = field(default_factory=list)
    audience: str = ""
    statement_moderation: str = ""
    votes: int = 0
    moderation: Moderation = field(default_factory=Moderation)
    small_cell: int = 0
    # Each channel's own audience; None: compiled before they were stated (`audience` is the online one).
    audiences: list[ChannelAudience] | None = field(default=None, metadata=OPTIONAL)


# Ideas (`analysis/ideas`) --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class IdeaRef(Record):
    id: int
    title: str = ""
    supports: int = 0


@dataclass(frozen=True, kw_only=True)
class TopIdea(IdeaRef):
    status: str = ""


@dataclass(frozen=True, kw_only=True)
class IdeaGroup(Record):
    """Ideas worded nearly alike, for moderators to merge."""

    ideas: list[IdeaRef] = field(default_factory=list)
    supports: int = 0


@dataclass(frozen=True, kw_only=True)
class Ideas(Record):
    count: int = 0
    supports: int = 0
    top: list[TopIdea] = field(default_factory=list)
    duplicates: list[IdeaGroup] = field(default_factory=list)


# Statements and opinion groups (`statements.py`) ----------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class StatementRef(Record):
    id: int
    text: str = ""


@dataclass(frozen=True, kw_only=True)
class MajorityStatement(StatementRef):
    agrees: int = 0
    disagrees: int = 0
    seen: int = 0
    agree_percent: int | None = None
    disagree_percent: int | None = None


@dataclass(frozen=True, kw_only=True)
class UncertainStatement(StatementRef):
    pass_percent: int = 0
    passes: int = 0


@dataclass(frozen=True, kw_only=True)
class Representative(StatementRef):
    """A statement a group voted on differently from everyone else."""

    direction: str = "agree"  # or "disagree"
    percent: int = 0
    rest_percent: int = 0
    repness: float = 0.0


@dataclass(frozen=True, kw_only=True)
class OpinionGroup(Record):
    id: int  # from 1
    size: int = 0
    representatives: list[Representative] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class ConsensusStatement(StatementRef):
    score: float = 0.0


@dataclass(frozen=True, kw_only=True)
class ConsensusRule(Record):
    """What "agreed across groups" required in that version: in every opinion group, at least
    `min_agree_percent` of the members who voted on the statement agreed, with at least `min_votes`
    of them voting on it."""

    min_agree_percent: int
    min_votes: int


@dataclass(frozen=True, kw_only=True)
class DivisiveRule(Record):
    """What "divisive" required in that version: the groups' agree shares differ by at least
    `min_gap_points` points, each group having voted on the statement at least `min_votes` times."""

    min_gap_points: int
    min_votes: int


# The rule of every version compiled before it was stored with them (it had not changed until then).
DIVISIVE_RULE_BEFORE_STORED = DivisiveRule(min_gap_points=30, min_votes=3)


@dataclass(frozen=True, kw_only=True)
class DivisiveStatement(StatementRef):
    gap: int = 0
    groups: list[int] = field(default_factory=list)  # each group's agree share, in percent


@dataclass(frozen=True, kw_only=True)
class Stability(Record):
    badge: str  # stable, moderate or fragile
    median_ari: float
    same_k_share: float


@dataclass(frozen=True, kw_only=True)
class Parameters(Record):
    seed: int
    resamples: int
    min_votes: int
    significance: float


@dataclass(frozen=True, kw_only=True)
class VoteCounts(Record):
    """Agrees, disagrees and passes on one statement, of everyone or of one opinion group."""

    agrees: int = 0
    disagrees: int = 0
    passes: int = 0

    @property
    def seen(self) -> int:
        return self.agrees + self.disagrees + self.passes


@dataclass(frozen=True, kw_only=True)
class StatementVotes(StatementRef):
    """How everyone, and each opinion group, voted on one statement (a statement hidden by moderation
    is left out)."""

    everyone: VoteCounts = field(default_factory=VoteCounts)
    groups: list[VoteCounts] = field(default_factory=list)  # in the order of `Statements.groups`


@dataclass(frozen=True, kw_only=True)
class MapGroup(Record):
    """An opinion group on the map: where its people sit, the outline around them (a convex hull, in
    order) and where its name is written, in the map's coordinates ([x, y])."""

    id: int  # as `OpinionGroup.id`, from 1
    size: int = 0
    centre: list[float] = field(default_factory=list)
    outline: list[list[float]] = field(default_factory=list)
    label: list[float] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class OpinionMap(Record):
    """The map of opinions: the people placed in an opinion group, on the two principal components of
    the votes (`analysis/opinion_groups`, §4). Anonymous: below a few hundred people each mark is a
    position (rounded) shared by `count` people of a group; above, the map is cut into a square grid of
    side `cell` and each mark is a group's people in one square, at their mean position. No mark names
    anyone. Empty (no groups) when no map could be drawn: too few votes."""

    x_range: list[float] = field(default_factory=list)  # [lowest, highest]
    y_range: list[float] = field(default_factory=list)
    binned: bool = False
    cell: float | None = None
    marks: list[list[float]] = field(default_factory=list)  # [x, y, group id, count]
    groups: list[MapGroup] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class Statements(Record):
    participants: int = 0
    statements: int = 0
    votes: int = 0
    clustered: int = 0
    hidden_statements: list[int] = field(default_factory=list)
    majority_agree: list[MajorityStatement] = field(default_factory=list)
    majority_disagree: list[MajorityStatement] = field(default_factory=list)
    uncertain: list[UncertainStatement] = field(default_factory=list)
    groups: list[OpinionGroup] = field(default_factory=list)
    consensus: list[ConsensusStatement] = field(default_factory=list)
    absent: dict[str, str] = field(default_factory=dict)  # part → the engine's reason (in English)
    parameters: Parameters | None = None
    stability: Stability | None = field(default=None, metadata=OPTIONAL)  # None: no resampling (no votes)
    divisive: list[DivisiveStatement] | None = field(
        default=None, metadata=OPTIONAL
    )  # None: compiled before they were found
    # None: compiled before the rule, when `consensus` was the five highest group-informed consensus
    # scores whatever each group's share (a statement could then be divisive too).
    consensus_rule: ConsensusRule | None = field(default=None, metadata=OPTIONAL)
    # None: compiled before the rule was stored with the version (DIVISIVE_RULE_BEFORE_STORED).
    divisive_rule: DivisiveRule | None = field(default=None, metadata=OPTIONAL)
    opinion_map: OpinionMap | None = field(
        default=None, metadata=OPTIONAL
    )  # None: compiled before the map was stored
    statement_votes: list[StatementVotes] | None = field(
        default=None, metadata=OPTIONAL
    )  # None: compiled before the votes of each group were stored

    def agreed(self) -> list[ConsensusStatement]:
        """The statements agreed across groups. A version compiled before the rule (`consensus_rule`)
        listed the five highest scores whatever each group's share: those it also lists as divisive are
        left out, so that no statement is read as both."""
        if self.consensus_rule is not None:
            return self.consensus
        split = {row.id for row in self.divisive or []}
        return [row for row in self.consensus if row.id not in split]

    def texts(self) -> dict[int, str]:
        """Every statement the section quotes, by id: those it lists, and since the votes of each group
        were stored, every statement voted on and not hidden at compile time (`statement_votes`)."""
        quoted = [
            *(self.statement_votes or []),
            *self.majority_agree,
            *self.majority_disagree,
            *self.uncertain,
            *self.consensus,
            *(self.divisive or []),
            *(item for group in self.groups for item in group.representatives),
        ]
        return {item.id: item.text for item in quoted}


# The report ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Report(Record):
    """One version of a consultation's report."""

    participants: int = 0
    questions: list[Question] = field(default_factory=list)
    open_answers: int = 0  # texts written (long and short), "Other" texts included
    orphaned_answers: int = 0  # answers to questions no longer in the questionnaire
    crosstabs: list[Crosstab] = field(default_factory=list)
    themes: list[QuestionThemes] = field(default_factory=list)
    consultation: ConsultationInfo | None = field(default=None, metadata=OPTIONAL)
    participation: Participation | None = field(default=None, metadata=OPTIONAL)
    method: Method | None = field(default=None, metadata=OPTIONAL)
    ideas: Ideas | None = field(default=None, metadata=OPTIONAL)  # when the consultation collects ideas
    statements: Statements | None = field(
        default=None, metadata=OPTIONAL
    )  # when it puts statements to the vote
    # Everyone who took part, in any way; None: compiled before they were counted (the headline then
    # shows `participants`, the people who sent the questionnaire).
    people: People | None = field(default=None, metadata=OPTIONAL)

    @classmethod
    def from_data(cls, data: dict) -> Self:
        """The report stored as `data`, in any format this code knows."""
        number = data.get("format", 1)
        if number not in FORMATS:
            raise UnknownFormat(f"report format {number!r}: this code reads formats {FORMATS}")
        return super().from_data(data)

    def to_data(self) -> dict:
        """The report as the compile stores it, in the current format."""
        return {"format": FORMAT, **super().to_data()}

    def question(self, question_id: str) -> Question | None:
        return next((question for question in self.questions if question.id == question_id), None)

    def themes_of(self, question_id: str) -> QuestionThemes | None:
        return next((result for result in self.themes if result.question_id == question_id), None)

    def crosstabs_of(self, question_id: str) -> list[Crosstab]:
        """The question's cross-tables: its own, and one per choice for a multiple choice."""
        prefix = f"{question_id}:"
        return [
            table
            for table in self.crosstabs
            if table.question_id == question_id or table.question_id.startswith(prefix)
        ]
