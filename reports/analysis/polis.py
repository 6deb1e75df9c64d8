"""Read a conversation in the Pol.is export format into the opinion-groups engine's input.

Plain Python, no Django import: used by the tests, the benchmark and an import command. The format is
described in `shared/data/polis/README.md`. The final matrix comes from `participants-votes.csv` (every export
has it; the vote log `votes.csv` is missing from some). Statements are zeroed when moderated out or meta
(spec §1).
Pol.is's own results (group ids, group-informed consensus) are kept apart, as references to compare with.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reports.analysis.opinion_groups import VoteMatrix

# Columns of participants-votes.csv that are not statement ids; located by name because `xid` is optional.
_PARTICIPANT_COLUMNS = {"participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"}


@dataclass(frozen=True)
class Statement:
    id: int
    body: str
    moderated: int  # 1 accepted, 0 awaiting, -1 moderated out
    is_meta: bool
    group_informed_consensus: float | None  # Pol.is's value, newer exports only


@dataclass(frozen=True)
class PolisConversation:
    votes: VoteMatrix
    statements: dict[int, Statement]
    group_ids: dict[int, int]  # participant id → Pol.is group, clustered participants only
    groups: int | None  # Pol.is's k, from summary.csv

    def polis_labels(self) -> np.ndarray:
        """Pol.is's group of each row of `votes` (-1 when Pol.is did not cluster the participant)."""
        return np.array([self.group_ids.get(int(p), -1) for p in self.votes.participant_ids], dtype=np.int64)


def load_conversation(folder) -> PolisConversation:
    """Read `comments.csv`, `participants-votes.csv` and `summary.csv` of one exported conversation."""
    folder = Path(folder)
    statements = {}
    with open(folder / "comments.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            gic = row.get("group-informed-consensus")
            statement = Statement(
                id=int(row["comment-id"]),
                body=row["comment-body"],
                moderated=int(row["moderated"]),
                is_meta=row.get("is-meta", "false").strip().lower() == "true",
                group_informed_consensus=float(gic) if gic else None,
            )
            statements[statement.id] = statement

    people, items, values, group_ids = [], [], [], {}
    with open(folder / "participants-votes.csv", newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        pid, gid = header.index("participant"), header.index("group-id")
        columns = [(i, int(name)) for i, name in enumerate(header) if name not in _PARTICIPANT_COLUMNS]
        for row in reader:
            participant = int(row[pid])
            if row[gid] != "":
                group_ids[participant] = int(row[gid])
            for i, statement in columns:
                cell = row[i] if i < len(row) else ""
                if cell != "":
                    people.append(participant)
                    items.append(statement)
                    values.append(int(float(cell)))

    zeroed = [s.id for s in statements.values() if s.moderated == -1 or s.is_meta]
    votes = VoteMatrix.from_triples(people, items, values, zeroed_statement_ids=zeroed)
    return PolisConversation(votes, statements, group_ids, _summary_groups(folder / "summary.csv"))


def _summary_groups(path: Path) -> int | None:
    if not path.exists():
        return None
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.reader(f):
            if len(row) >= 2 and row[0] == "groups":
                return int(row[1])
    return None
