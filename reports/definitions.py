"""The words that define a report's figures, read alike on the report page and in its files."""

from django.utils.translation import gettext_lazy as _

from reports.schema import Report

# Versions that count everyone who took part (`Report.people`).
PARTICIPANT = _(
    "A participant is a person who took part in any way: sent the questionnaire (drafts are not counted), "
    "voted on a statement, proposed a statement or an idea, supported an idea or commented, whatever "
    "moderation decided since. Each person is counted once, however many ways they took part; someone who "
    "took part through two channels is in each channel’s row and once in the total. A paper form counts as "
    "one person, and so does each participant of an imported Pol.is conversation. The contributions of "
    "deleted accounts, other than their questionnaires, can no longer be told apart and are not counted. "
    "Shares are of the people who answered the question. A voter is a person who voted on at least one "
    "statement."
)
# Versions compiled before, which counted the people who sent the questionnaire.
RESPONDENT = _(
    "A participant is a person who sent the questionnaire; drafts are not counted. Shares are of the people "
    "who answered the question. A voter is a person who voted on at least one statement."
)


def participant_definition(report: Report) -> str:
    """What "participant" means in `report`, as the version counted them."""
    return str(PARTICIPANT if report.people else RESPONDENT)


def participants(report: Report) -> int:
    """The version's count of participants under that definition."""
    return report.people.total.people if report.people else report.participants
