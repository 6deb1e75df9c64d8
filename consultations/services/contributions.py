"""What the services on statements, ideas and comments share."""

from consultations.models import Comment, Idea, Statement


def target_field(item) -> str:
    """The name of the foreign key that points at `item` in reports and the moderation log."""
    return {Statement: "statement", Idea: "idea", Comment: "comment"}[type(item)]
