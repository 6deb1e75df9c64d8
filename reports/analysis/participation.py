"""Who took part, and when. Plain Python: no Django import, so it runs and is tested alone."""

from collections.abc import Iterable
from datetime import date
from statistics import fmean, median

# Buckets of votes per participant; 7 is where the opinion-group method starts counting a person.
VOTE_BUCKETS = ((1, 1), (2, 6), (7, 19), (20, 49), (50, None))


def timeline(days: Iterable[tuple[date, int]]) -> list[dict]:
    """Responses sent per day, in order, with the running total (days without any are left out)."""
    rows, total = [], 0
    for day, count in sorted(days):
        total += count
        rows.append({"day": day.isoformat(), "responses": count, "total": total})
    return rows


def votes_per_participant(counts: Iterable[int]) -> dict:
    """How many votes each voter cast: mean, median and a distribution by buckets."""
    values = [count for count in counts if count > 0]
    buckets = [
        {
            "label": f"{low}" if low == high else (f"{low}–{high}" if high else f"{low}+"),
            "participants": sum(1 for value in values if value >= low and (high is None or value <= high)),
        }
        for low, high in VOTE_BUCKETS
    ]
    return {
        "voters": len(values),
        "votes": sum(values),
        "mean": round(fmean(values), 1) if values else None,
        "median": median(values) if values else None,
        "distribution": buckets,
    }


def by_territory(
    groups: dict[int, str], names: dict[str, str], *, participants: int, small_cell: int = 5
) -> list[dict]:
    """Participants by département, largest first. Départements with fewer than `small_cell` people are
    counted together in one unnamed row, so that no small group can be told; people who gave no commune
    are a row of their own."""
    counts: dict[str, int] = {}
    for code in groups.values():
        counts[code] = counts.get(code, 0) + 1
    rows = [
        {"code": code, "name": names.get(code, code), "participants": count}
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        if count >= small_cell
    ]
    small = sum(count for count in counts.values() if count < small_cell)
    if small:
        rows.append({"code": "", "name": "", "participants": small, "small": True})
    unknown = participants - len(groups)
    if unknown > 0:
        rows.append({"code": "", "name": "", "participants": unknown, "unknown": True})
    return rows


# What a person is counted for, in the order the report lists it (`schema.PeopleCounts`' fields).
KINDS = ("respondents", "voters", "statement_authors", "idea_authors", "supporters", "commenters")


def people(counts: Iterable[tuple[str, str, int]], *, channels: Iterable[str] = ()) -> dict:
    """Everyone who took part, in all and per channel (in the order of `channels`, then any other, in
    alphabetical order), each person once in each count however many ways and times they took part.

    `counts` are (channel, kind, people) rows, counted where the contributions are (the database: see
    `loaders.people_counts`): a channel "" is through any channel, a kind "" in any way, and a kind is
    one of `KINDS`. A person who took part through two channels counts in both, once in the total.
    """
    found: dict[str, dict[str, int]] = {}  # channel ("" any) → kind ("" any) → people
    for channel, kind, count in counts:
        found.setdefault(channel, {})[kind] = count

    def row(channel: str) -> dict:
        by_kind = found.get(channel, {})
        return {
            "channel": channel,
            "people": by_kind.get("", 0),
            **{kind: by_kind.get(kind, 0) for kind in KINDS},
        }

    order = [channel for channel in channels if channel in found]
    order += sorted(set(found) - set(order) - {""})
    return {"total": row(""), "channels": [row(channel) for channel in order]}
