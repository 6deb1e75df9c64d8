"""What the services on statements, ideas and comments share."""

from consultations.events import contributions_changed
from consultations.models import Comment, Idea, Statement


def target_field(item) -> str:
    """The name of the foreign key that points at `item` in reports and the moderation log."""
    return {Statement: "statement", Idea: "idea", Comment: "comment"}[type(item)]


def opendata_changed(consultation_id: int, *, withdraw: bool = False) -> None:
    """A closed consultation's open data shows what the site shows: opendata rebuilds it (queued in this
    transaction); what was hidden is withdrawn from it at once (docs/opendata.md)."""
    contributions_changed.announce(consultation_id=consultation_id, withdraw=withdraw)
