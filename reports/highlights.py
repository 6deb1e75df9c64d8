"""What an official should take away from a report version in thirty seconds ("À retenir"): who took
part, the opinion groups and what sets each apart, what every group agrees on, the main division, the
top themes of the written answers and the most supported ideas.

Read from the typed stored version (`reports/schema.py`) only, so the report page and an outcome page's
block say the same thing of the same version; the templates only lay it out.
"""

from dataclasses import dataclass, field

from consultations.models import Channel
from reports.schema import (
    ConsensusStatement,
    DivisiveStatement,
    Report,
    Representative,
    TopIdea,
)

# How many of each the first screen shows: more belongs to the sections below it.
TOP_THEMES = 5
TOP_IDEAS = 3
TOP_CONSENSUS = 3
THEME_KEYWORDS = 3  # an unnamed theme is called by its first keywords


@dataclass(frozen=True, kw_only=True)
class ChannelLine:
    """A channel and what came through it."""

    channel: str
    label: str
    responses: int = 0
    statements: int = 0
    votes: int = 0


@dataclass(frozen=True, kw_only=True)
class GroupLine:
    """An opinion group, its size, and the statement that sets it most apart (None when none does)."""

    id: int
    size: int
    apart: Representative | None = None


@dataclass(frozen=True, kw_only=True)
class ThemeLine:
    """A theme of the written answers to a question: its name (the officials', else its keywords)."""

    question_label: str
    name: str
    count: int
    share: float


@dataclass(frozen=True, kw_only=True)
class Highlights:
    participants: int
    people: int | None = None  # everyone who took part in any way; None: compiled before they were counted
    open_answers: int
    channels: list[ChannelLine] = field(default_factory=list)
    voters: int = 0
    clustered: int = 0
    groups: list[GroupLine] = field(default_factory=list)
    consensus: list[ConsensusStatement] = field(default_factory=list)
    division: DivisiveStatement | None = None
    themes: list[ThemeLine] = field(default_factory=list)
    ideas: list[TopIdea] = field(default_factory=list)
    has_statements: bool = False


def report_highlights(report: Report) -> Highlights:
    """The "À retenir" of `report`, computed from what the version stores (nothing is recomputed)."""
    return Highlights(
        participants=report.participants,
        people=report.people.total.people if report.people else None,
        open_answers=report.open_answers,
        channels=_channels(report),
        **_statements(report),
        themes=_themes(report),
        # An idea nobody supported is not a "most supported" one.
        ideas=[idea for idea in report.ideas.top if idea.supports][:TOP_IDEAS] if report.ideas else [],
    )


def channel_lines(report: Report) -> list[ChannelLine]:
    """What came through each channel, the method's channels first (with nothing, for a channel that
    brought nothing), then any other that brought something; [] before channels were counted."""
    counts = report.participation.channels if report.participation else None
    if counts is None:
        return []
    labels = dict(Channel.choices)
    order = (report.method.channels if report.method else []) or []
    seen = [*order, *(c for c in (*counts.responses, *counts.statements, *counts.votes) if c not in order)]
    return [
        ChannelLine(
            channel=channel,
            label=str(labels.get(channel, channel)),
            responses=counts.responses.get(channel, 0),
            statements=counts.statements.get(channel, 0),
            votes=counts.votes.get(channel, 0),
        )
        for channel in dict.fromkeys(seen)
    ]


def _channels(report: Report) -> list[ChannelLine]:
    """The channels something came through, for the first screen."""
    return [line for line in channel_lines(report) if line.responses or line.statements or line.votes]


def _statements(report: Report) -> dict:
    section = report.statements
    if section is None:
        return {}
    divisive = section.divisive or []
    divided = {row.id for row in divisive}
    return {
        "has_statements": True,
        "voters": section.participants,
        "clustered": section.clustered,
        "groups": [
            GroupLine(
                id=group.id,
                size=group.size,
                apart=group.representatives[0] if group.representatives else None,
            )
            for group in section.groups
        ],
        # A statement the groups are divided on is never shown as agreed by all.
        "consensus": [row for row in section.agreed() if row.id not in divided][:TOP_CONSENSUS],
        "division": divisive[0] if divisive else None,
    }


def _themes(report: Report) -> list[ThemeLine]:
    labels = {question.id: question.label for question in report.questions}
    lines = [
        ThemeLine(
            question_label=result.question_label or labels.get(result.question_id, ""),
            name=theme.label or ", ".join(theme.keywords[:THEME_KEYWORDS]),
            count=theme.count,
            share=theme.share,
        )
        for result in report.themes
        for theme in result.themes
    ]
    return sorted(lines, key=lambda line: -line.count)[:TOP_THEMES]
