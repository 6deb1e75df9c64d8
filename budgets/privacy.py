"""What public votes hold about a person, for "Download my data". Deleting the account keeps the
ballot (it counts), without its voter (`Ballot.voter` is set to null)."""

from accounts.privacy import register_exporter
from budgets.models import Ballot


@register_exporter("budget_ballots")
def ballots_export(user) -> list[dict]:
    exported = []
    ballots = (
        Ballot.objects.filter(voter=user)
        .select_related("vote__call", "commune")
        .prefetch_related("choices__project")
    )
    for ballot in ballots:
        exported.append(
            {
                "call": ballot.vote.call.title,
                "ballot": ballot.public_id,
                "birth_year": ballot.birth_year,
                "commune": ballot.commune.name,
                "choices": [
                    {
                        "project": choice.project.title,
                        **({"grade": choice.grade} if choice.grade is not None else {}),
                    }
                    for choice in ballot.choices.all()
                ],
                "updated_at": ballot.updated_at.isoformat(),
            }
        )
    return exported
