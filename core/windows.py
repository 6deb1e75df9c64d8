"""Time windows: what opens at one moment and closes at a later one (a consultation, a call, a public
vote), and where such a window stands at a given moment.

One rule everywhere: a window is open from its opening moment included to its closing moment excluded,
upcoming before, closed from its closing moment on. The models keep their own `opens_at` and `closes_at`
fields (each with its own label and help); they share the behaviour through `TimeWindow`, and their
querysets through `TimeWindowQuerySet`.
"""

from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.query import PageQuerySet

from core.typography import written_date


class Phase(models.TextChoices):
    UPCOMING = "upcoming", _("Not open yet")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


CLOSES_BEFORE_OPENS = _("The closing date must come after the opening date.")


def moment_written(moment: datetime) -> str:
    """`moment` as a person reads it in a reason ("it opens on …"): local time, the language's format."""
    return written_date(moment, "DATETIME_FORMAT")


def in_phase(phase: Phase, moment: datetime) -> Q:
    """The condition that a window is in `phase` at `moment`, for a query (`TimeWindow.phase` in SQL)."""
    if phase == Phase.UPCOMING:
        return Q(opens_at__gt=moment)
    if phase == Phase.OPEN:
        return Q(opens_at__lte=moment, closes_at__gt=moment)
    return Q(closes_at__lte=moment)


class TimeWindow:
    """A model with `opens_at` and `closes_at` date-time fields, declared by the model itself."""

    opens_at: datetime
    closes_at: datetime

    def phase(self, moment: datetime | None = None) -> Phase:
        moment = moment or timezone.now()
        if moment < self.opens_at:
            return Phase.UPCOMING
        if moment >= self.closes_at:
            return Phase.CLOSED
        return Phase.OPEN

    def is_open(self, moment: datetime | None = None) -> bool:
        return self.phase(moment) == Phase.OPEN

    def window_errors(self) -> dict:
        """The window's mistakes, by field, for the model's `clean()` to raise with its own: a closing
        moment that does not come after the opening one."""
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            return {"closes_at": CLOSES_BEFORE_OPENS}
        return {}


def window_panel(*more) -> MultiFieldPanel:
    """The editors' "Calendar" section: the opening and closing moments side by side, then `more`."""
    return MultiFieldPanel(
        [FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]), *more], heading=_("Calendar")
    )


class TimeWindowQuerySet(models.QuerySet):
    def in_phase(self, phase: Phase, moment: datetime):
        return self.filter(in_phase(phase, moment))

    def open_at(self, moment: datetime):
        return self.in_phase(Phase.OPEN, moment)


class TimeWindowPageQuerySet(TimeWindowQuerySet, PageQuerySet):
    """Pages with a time window: open ones are live too (a draft is open to nobody)."""

    def open_at(self, moment: datetime):
        return super().open_at(moment).live()
