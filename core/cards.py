"""What a card in a list shows (config/templates/includes/card.html): the status words and their style,
shared by every list of the site (sections, home page, search, votes, commons).

The status of each kind of thing is decided once, where its facts are read: consultations, calls and
outcome pages in `cms/cards.py`, public votes in `budgets/selectors.py`. This module is the vocabulary
they share; it reads nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.utils.translation import pgettext_lazy


class CardStatus(models.TextChoices):
    """Where a consultation, a call or a vote stands, in the words of a card (in French, words that agree
    with any of them: "En cours", "Participation close"...)."""

    OPEN = "open", pgettext_lazy("card status", "Open")
    UPCOMING = "upcoming", pgettext_lazy("card status", "Upcoming")
    CLOSED = "closed", pgettext_lazy("card status", "Closed")
    ANALYSED = "analysed", pgettext_lazy("card status", "Analysed")
    OUTCOME = "outcome", pgettext_lazy("card status", "Outcome published")
    EVALUATION = "evaluation", pgettext_lazy("card status", "Under evaluation")
    LAUREATES = "laureates", pgettext_lazy("card status", "Laureates published")
    RESULTS = "results", pgettext_lazy("card status", "Results published")


# The card's style (the shell's concerto.css styles these five): what is open stands out, what is over
# never looks open.
STATUS_STYLE = {
    CardStatus.OPEN: "status-open",
    CardStatus.UPCOMING: "status-upcoming",
    CardStatus.CLOSED: "status-closed",
    CardStatus.EVALUATION: "status-closed",
    CardStatus.ANALYSED: "status-analysed",
    CardStatus.OUTCOME: "status-outcome",
    CardStatus.LAUREATES: "status-outcome",
    CardStatus.RESULTS: "status-outcome",
}

# Lists put what one can take part in first, then what is coming, then the rest.
STATUS_RANK = {CardStatus.OPEN: 0, CardStatus.UPCOMING: 1}


class Figure:
    """What a card's count counts (the card's template words it)."""

    PARTICIPANTS = "participants"
    DOSSIERS = "dossiers"
    BALLOTS = "ballots"
    REUSES = "reuses"


@dataclass
class Card:
    """One card: a consultation, a call, a vote, an outcome page, an initiative, or any search result."""

    kind: str
    title: str
    url: str
    status: CardStatus | None = None
    # A status that is not one of CardStatus (an initiative's stage, an idea's status), as its words.
    status_text: str = ""
    organisation: str = ""
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    published_at: datetime | None = None
    count: int | None = None
    count_of: str = Figure.PARTICIPANTS
    summary: str = ""
    # The title is always the organisations' words, in the content language (French); the summary too,
    # unless it is the interface's own words (a voting method).
    summary_is_content: bool = True
    image_url: str = ""
    kind_label: str = ""
    extra: str = ""  # one more line of meta (a territory, a theme)
    themes: list[tuple[str, str]] = field(default_factory=list)  # (name, address of its list)
    figures: object = None  # an outcome page's figures from its report version (cms.cards.ReportFigures)

    @property
    def status_label(self) -> str:
        return str(self.status.label) if self.status else self.status_text

    @property
    def status_style(self) -> str:
        return STATUS_STYLE.get(self.status, "status-closed") if self.status else ""

    @property
    def rank(self) -> int:
        return STATUS_RANK.get(self.status, 2)
