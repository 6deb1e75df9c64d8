"""Feeds of consultations and calls: RSS (Django's syndication framework) and iCalendar (each one's
opening and closing as events), for people and for aggregators."""

from datetime import timedelta

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from icalendar import Calendar, Event

from core.typography import written_date
from opendata.builders import absolute
from opendata.selectors import calls_public, consultations_public

# Feeds list what is open or to come, and what closed in the last RECENT_DAYS days.
RECENT_DAYS = 180
FEED_ITEMS = 100


def _recent(queryset):
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    return queryset.filter(closes_at__gte=since).order_by("-opens_at", "pk")[:FEED_ITEMS]


def _when(page) -> str:
    now = timezone.now()
    opens = written_date(page.opens_at, "DATETIME_FORMAT")
    closes = written_date(page.closes_at, "DATETIME_FORMAT")
    if now < page.opens_at:
        return _("Opens on %(opens)s, closes on %(closes)s.") % {"opens": opens, "closes": closes}
    if now < page.closes_at:
        return _("Open until %(closes)s.") % {"closes": closes}
    return _("Closed on %(closes)s.") % {"closes": closes}


class _PageFeed(Feed):
    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return f"{item.organisation.name} — {_when(item)}"

    def item_link(self, item):
        return item.url

    def item_pubdate(self, item):
        return item.first_published_at or item.opens_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_guid(self, item):
        return absolute(item.url or "/")


class ConsultationsFeed(_PageFeed):
    title = _lazy("Consultations")
    description = _lazy("Consultations open, to come, and recently closed.")

    def link(self):
        return reverse("opendata_catalogue")

    def items(self):
        return _recent(consultations_public())


class CallsFeed(_PageFeed):
    title = _lazy("Calls for projects")
    description = _lazy("Calls for projects open, to come, and recently closed.")

    def link(self):
        return reverse("opendata_catalogue")

    def items(self):
        return _recent(calls_public())


def _calendar(pages, *, kind: str, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Concerto//Open data//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    host = settings.WAGTAILADMIN_BASE_URL.split("://", 1)[-1].split("/", 1)[0]
    for page in pages:
        url = absolute(page.url or "/")
        for which, moment, label in (
            ("opens", page.opens_at, _("Opening: %(title)s")),
            ("closes", page.closes_at, _("Closing: %(title)s")),
        ):
            event = Event()
            event.add("uid", f"{kind}-{page.pk}-{which}@{host}")
            event.add("summary", label % {"title": page.title})
            event.add("dtstart", page.opens_at if which == "opens" else page.closes_at)
            event.add("dtend", moment + timedelta(minutes=30))
            event.add("dtstamp", page.last_published_at or page.opens_at)
            event.add("url", url)
            event.add("description", f"{page.organisation.name} — {url}")
            calendar.add_component(event)
    return calendar.to_ical()


def _ics(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def consultations_ics(request):
    return _ics(
        _calendar(_recent(consultations_public()), kind="consultation", name=_("Consultations")),
        "consultations.ics",
    )


def calls_ics(request):
    return _ics(_calendar(_recent(calls_public()), kind="call", name=_("Calls for projects")), "calls.ics")
