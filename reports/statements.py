"""The statements part of a report: the opinion-group method run on the stored votes, turned into the
records of the report's format (ids, counts and texts; nothing that names a participant)."""

from dataclasses import replace

import numpy as np
from django.utils.translation import gettext_lazy as _

from consultations.models import Statement
from reports import loaders, opinion_map
from reports.analysis.opinion_groups import OpinionReport, VoteMatrix, analyse, group_counts
from reports.schema import (
    ConsensusRule,
    ConsensusStatement,
    DivisiveRule,
    DivisiveStatement,
    MajorityStatement,
    OpinionGroup,
    Parameters,
    Representative,
    Stability,
    Statements,
    UncertainStatement,
)

# Resamples of the stability badge (spec §12): ten re-runs on 90 % of the participants.
STABILITY_RESAMPLES = 10
SEED = 0

# Agreed across groups (ours): in every opinion group, at least CONSENSUS_MIN_AGREE percent of the members
# who voted on it agreed, with at least CONSENSUS_MIN_VOTES of them voting on it. Pol.is ranks every
# statement by its group-informed consensus and sets no bar, so a statement one group rejects can still be
# in its top five; the bar makes "every group agrees" true of each statement listed. Those that pass are
# ranked by that consensus, the five highest shown.
CONSENSUS_MIN_AGREE = 60
CONSENSUS_MIN_VOTES = 5

# Divisive (ours): the groups' agree rates differ by at least this much, each group having seen it
# at least DIVISIVE_MIN_SEEN times; the five widest gaps are shown. A statement agreed across groups is
# never divisive too.
DIVISIVE_GAP = 0.3
DIVISIVE_MIN_SEEN = 3

# The engine says in English why a part is absent; officials read it in their language.
ABSENT_REASONS = {
    "no votes": _("No vote yet."),
    "fewer than 2 participants or 2 statements": _("Fewer than 2 participants or 2 statements."),
    "no variation: every kept vote equals its statement's mean (e.g. only passes)": _(
        "The votes do not vary (for example, only passes): no map of opinions can be drawn."
    ),
    "fewer than 2 clustered participants": _("Fewer than 2 participants voted on enough statements (7)."),
    "all clustered participants are at the same point of the map": _(
        "Everyone voted alike: there is a single group."
    ),
    "k-means found a single group": _("The votes form a single group."),
    "no statement has a significant majority": _("No statement has a significant majority."),
    "no statement is passed by more than 30 % of its voters": _(
        "No statement was passed by more than three voters in ten."
    ),
}


def absent_reason(reason: str) -> str:
    return str(ABSENT_REASONS.get(reason, reason))


# The parts of the statements section that may be absent, and the stability badge, as officials read them
# (the report page and the export say the same).
ABSENT_PARTS = {
    "map": _("Map of opinions"),
    "groups": _("Opinion groups"),
    "majority": _("Majority"),
    "uncertainty": _("Uncertain statements"),
}
STABILITY_LABELS = {"stable": _("stable"), "moderate": _("moderate"), "fragile": _("fragile")}


def absent_parts(section: Statements) -> list[tuple[str, str]]:
    """(part, why it is absent) for each absent part, in words; no map is not said again when there are
    no groups."""
    return [
        (str(ABSENT_PARTS.get(part, part)), absent_reason(reason))
        for part, reason in section.absent.items()
        if part != "map" or "groups" not in section.absent
    ]


def stability_label(section: Statements) -> str:
    """The stability badge of the opinion groups in words; "" when the version has none."""
    if section.stability is None:
        return ""
    return str(STABILITY_LABELS.get(section.stability.badge, section.stability.badge))


def statements_section(consultation_id: int) -> Statements:
    rows = loaders.vote_rows(consultation_id)
    votes = VoteMatrix.from_triples(
        rows.participants, rows.statements, rows.values, zeroed_statement_ids=sorted(rows.hidden_statements)
    )
    report = analyse(votes, seed=SEED, resamples=STABILITY_RESAMPLES if len(rows) else 0)
    texts = dict(Statement.objects.filter(consultation_id=consultation_id).values_list("id", "text"))
    # The votes' indicators and each group's counts, made once for the consensus, the divisive
    # statements and the votes per statement.
    indicators = opinion_map.vote_indicators(votes)
    groups = group_counts(report.labels, report.k, *indicators) if report.k else None
    counts = _two_groups_counts(report, groups)
    consensus = _consensus(report, votes, counts)
    section = _section(
        report,
        texts,
        consensus=consensus,
        divisive=_divisive(report, votes, texts, counts, agreed=consensus),
    )
    return replace(
        section,
        opinion_map=opinion_map.map_of(report),
        statement_votes=opinion_map.statement_votes_of(
            report, votes, texts, indicators=indicators, groups=groups
        ),
    )


def _two_groups_counts(report: OpinionReport, groups) -> tuple[np.ndarray, np.ndarray] | None:
    """Each group's agrees and votes on each statement (k × m), or None without two groups."""
    if groups is None or report.k < 2:
        return None
    agree, _disagree, seen = groups
    return agree, seen


def _consensus(report: OpinionReport, votes: VoteMatrix, counts) -> list[int]:
    """The statements every group agrees on (`CONSENSUS_MIN_AGREE`, `CONSENSUS_MIN_VOTES`), highest
    group-informed consensus first, at most five; hidden statements are never listed."""
    if counts is None:
        return []
    agree, seen = counts
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(seen > 0, 100 * agree / np.maximum(seen, 1), 0.0)
    every_group = ((seen >= CONSENSUS_MIN_VOTES) & (share >= CONSENSUS_MIN_AGREE)).all(axis=0) & ~votes.zeroed
    ids = [int(votes.statement_ids[j]) for j in np.flatnonzero(every_group)]
    return sorted(ids, key=lambda statement_id: (-(report.gic_mean(statement_id) or 0), statement_id))[:5]


def _divisive(
    report: OpinionReport, votes: VoteMatrix, texts: dict[int, str], counts, *, agreed: list[int]
) -> list[DivisiveStatement]:
    """Statements the groups split on: the widest gaps between the groups' (smoothed) agree rates,
    leaving out those every group agrees on (`agreed`)."""
    if counts is None:
        return []
    agree, seen = counts
    rates = (agree + 1) / (seen + 2)  # the spec's +1/+2 smoothing (§6)
    gap = rates.max(axis=0) - rates.min(axis=0)
    eligible = (
        (seen.min(axis=0) >= DIVISIVE_MIN_SEEN)
        & ~votes.zeroed
        & (gap >= DIVISIVE_GAP)
        & ~np.isin(votes.statement_ids, np.asarray(agreed, dtype=np.int64))
    )
    order = [int(j) for j in np.argsort(-gap, kind="stable") if eligible[j]][:5]
    return [
        DivisiveStatement(
            id=int(votes.statement_ids[j]),
            text=texts.get(int(votes.statement_ids[j]), ""),
            gap=round(100 * float(gap[j])),
            groups=[round(100 * float(agree[g, j] / seen[g, j])) for g in range(report.k)],
        )
        for j in order
    ]


def _section(
    report: OpinionReport,
    texts: dict[int, str],
    *,
    consensus: list[int],
    divisive: list[DivisiveStatement],
) -> Statements:
    def text(statement_id) -> str:
        return texts.get(int(statement_id), "")

    def stat(row) -> MajorityStatement:
        return MajorityStatement(
            id=int(row.statement_id),
            text=text(row.statement_id),
            agrees=row.agrees,
            disagrees=row.disagrees,
            seen=row.seen,
            agree_percent=round(100 * row.agrees / row.seen) if row.seen else None,
            disagree_percent=round(100 * row.disagrees / row.seen) if row.seen else None,
        )

    stability = report.stability
    return Statements(
        participants=report.participants,
        statements=report.statements,
        votes=report.votes,
        clustered=int(report.clustered.sum()),
        hidden_statements=list(report.zeroed_statement_ids),
        majority_agree=[stat(row) for row in report.majority_agree],
        majority_disagree=[stat(row) for row in report.majority_disagree],
        uncertain=[
            UncertainStatement(
                id=int(statement_id), text=text(statement_id), pass_percent=round(100 * rate), passes=passes
            )
            for statement_id, rate, passes in report.uncertain
        ],
        groups=[
            OpinionGroup(
                id=group.id + 1,
                size=len(group.participant_ids),
                representatives=[
                    Representative(
                        id=int(item.statement_id),
                        text=text(item.statement_id),
                        direction=item.direction,
                        percent=round(100 * item.p_success),
                        rest_percent=round(item.rest_percent),
                        repness=round(item.repness, 2),
                    )
                    for item in group.representatives
                ],
            )
            for group in report.groups
        ],
        consensus=[
            ConsensusStatement(
                id=statement_id, text=text(statement_id), score=round(report.gic_mean(statement_id) or 0, 3)
            )
            for statement_id in consensus
        ],
        consensus_rule=ConsensusRule(min_agree_percent=CONSENSUS_MIN_AGREE, min_votes=CONSENSUS_MIN_VOTES),
        divisive_rule=DivisiveRule(min_gap_points=round(100 * DIVISIVE_GAP), min_votes=DIVISIVE_MIN_SEEN),
        absent=dict(report.absent),
        parameters=Parameters(seed=SEED, resamples=STABILITY_RESAMPLES, min_votes=7, significance=0.9),
        stability=Stability(
            badge=stability.badge,
            median_ari=round(stability.median_ari, 2),
            same_k_share=round(stability.same_k_share, 2),
        )
        if stability is not None
        else None,
        divisive=divisive,
    )
