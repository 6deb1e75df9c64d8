"""The statements part of a report: the opinion-group method run on the stored votes, turned into the
records of the report's format (ids, counts and texts; nothing that names a participant)."""

from dataclasses import replace

import numpy as np
from django.utils.translation import gettext_lazy as _

from consultations.models import Statement
from reports import loaders, opinion_map
from reports.analysis.opinion_groups import OpinionReport, VoteMatrix, analyse, group_counts
from reports.schema import (
    ConsensusStatement,
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

# Divisive (ours): the groups' agree rates differ by at least this much, each group having seen it
# at least DIVISIVE_MIN_SEEN times; the five widest gaps are shown.
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


def statements_section(consultation_id: int) -> Statements:
    rows = loaders.vote_rows(consultation_id)
    votes = VoteMatrix.from_triples(
        rows.participants, rows.statements, rows.values, zeroed_statement_ids=sorted(rows.hidden_statements)
    )
    report = analyse(votes, seed=SEED, resamples=STABILITY_RESAMPLES if len(rows) else 0)
    texts = dict(Statement.objects.filter(consultation_id=consultation_id).values_list("id", "text"))
    section = _section(report, texts, divisive=_divisive(report, votes, texts))
    return replace(
        section,
        opinion_map=opinion_map.map_of(report),
        statement_votes=opinion_map.statement_votes_of(report, votes, texts),
    )


def _divisive(report: OpinionReport, votes: VoteMatrix, texts: dict[int, str]) -> list[DivisiveStatement]:
    """Statements the groups split on: the widest gaps between the groups' (smoothed) agree rates."""
    if not report.k or report.k < 2:
        return []
    agree, _disagree, seen = group_counts(
        report.labels,
        report.k,
        votes.indicator("agree"),
        votes.indicator("disagree"),
        votes.indicator("seen"),
    )
    rates = (agree + 1) / (seen + 2)  # the spec's +1/+2 smoothing (§6)
    gap = rates.max(axis=0) - rates.min(axis=0)
    eligible = (seen.min(axis=0) >= DIVISIVE_MIN_SEEN) & ~votes.zeroed & (gap >= DIVISIVE_GAP)
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
    report: OpinionReport, texts: dict[int, str], *, divisive: list[DivisiveStatement]
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

    consensus = sorted(
        ((report.gic_mean(statement_id), statement_id) for statement_id in report.gic),
        key=lambda pair: (-(pair[0] or 0), pair[1]),
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
            ConsensusStatement(id=int(statement_id), text=text(statement_id), score=round(score, 3))
            for score, statement_id in consensus[:5]
            if score
        ]
        if report.k
        else [],
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
