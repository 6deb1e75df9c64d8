"""The back office's first screen: what waits for the person who opens the Wagtail admin.

Panels (Wagtail `Component`s, registered by `construct_homepage_panels` in cms/wagtail_hooks.py), each
shown to the roles it concerns (cms/permissions.py `Desk`) and filled from the rows those roles may
handle, narrowed by each app's own rules (consultations, calls: the person's organisations only):

- contributions to moderate (moderators): the moderation queue's "needs a decision";
- ideas to answer (officials): published ideas without the organisation's answer, by consultation;
- dossiers to review (officials): dossiers to check, evaluations pending, evaluated and awaiting a
  decision, by call;
- the duty to report back (officials, editors): consultations closing in the next 14 days, and those
  closed without a published outcome page, with the days since closing;
- reports compiled since the last visit (officials): the last visit is kept per person (`DashboardVisit`);
- participation (officials): how many people took part in each of their latest consultations.

Each panel reads a fixed number of queries whatever the volume (lists are cut to `LIST_LENGTH`, with
the total), and says so plainly when nothing waits.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Min, OuterRef, Q
from wagtail.admin.ui.components import Component

from calls.models import Assignment, Project
from calls.permissions import managed_calls
from cms.models import DashboardVisit, OutcomePage
from cms.permissions import Desk, report_back_consultations
from consultations import selectors as consultation_selectors
from consultations.models import Visibility
from consultations.permissions import (
    answerable_ideas,
    moderated_comments,
    moderated_ideas,
    moderated_statements,
    reportable_consultations,
)
from core.windows import Phase
from reports.loaders import people_by_consultation
from reports.models import ReportSnapshot
from reports.selectors import with_latest_report

# Rows shown in each list of a panel (the panel says how many there are in all).
LIST_LENGTH = 8
# "Closing soon": within this many days.
CLOSING_SOON = timedelta(days=14)
# The dashboard opened again within this time is the same visit: what is new stays new during a visit.
VISIT_GAP = timedelta(minutes=30)
# The last visit is written at most this often (one UPDATE per person every few minutes, not per page).
SEEN_REFRESH = timedelta(minutes=5)
# On a first visit, "new" reports are those of the last days.
FIRST_VISIT_WINDOW = timedelta(days=7)


# Last visit ---------------------------------------------------------------------------------------------


def dashboard_visit_record(*, user, moment: datetime) -> datetime | None:
    """Note that `user` opened the dashboard at `moment`; return since when things count as new for
    them: the last time they looked before this visit began, or None on their first visit.

    A visit is a series of openings less than `VISIT_GAP` apart, so that reloading the page does not
    empty the list of what is new. One read, and a write at most every `SEEN_REFRESH`.
    """
    visit = DashboardVisit.objects.filter(user=user).first()
    if visit is None:
        try:
            with transaction.atomic():
                DashboardVisit.objects.create(user=user, seen_at=moment)
        except IntegrityError:  # opened twice at once: the other request wrote the first visit
            pass
        return None
    since = visit.new_since
    if moment - visit.seen_at >= VISIT_GAP:
        since = visit.seen_at  # a new visit: new is what came after the last look
        DashboardVisit.objects.filter(pk=visit.pk).update(seen_at=moment, new_since=since)
    elif moment - visit.seen_at >= SEEN_REFRESH:
        DashboardVisit.objects.filter(pk=visit.pk).update(seen_at=moment)
    return since


# Reads ------------------------------------------------------------------------------------------------


@dataclass
class Listed:
    """The first rows of a list, and how many there are in all."""

    rows: list
    total: int
    # How many of the total the rows show, when a row stands for several (ideas by consultation).
    shown: int | None = None

    @property
    def more(self) -> int:
        return max(0, self.total - (len(self.rows) if self.shown is None else self.shown))


def moderation_waiting(*, user) -> Listed:
    """The contributions of the moderator's organisations that need a decision, as the moderation queue
    orders them (most reported, then longest waiting): the first ones, and how many (≤ 8 queries)."""
    rows = consultation_selectors.moderation_queue_rows(
        statements=moderated_statements(user),
        ideas=moderated_ideas(user),
        comments=moderated_comments(user),
        show=consultation_selectors.QUEUE_DECIDE,
    )
    first = list(rows[:LIST_LENGTH])
    total = len(first) if len(first) < LIST_LENGTH else rows.count()
    return Listed(consultation_selectors.moderation_queue_items(first), total)


def ideas_to_answer(*, user) -> Listed:
    """Published ideas of the official's consultations that have no answer from the organisation yet,
    counted by consultation, the one waiting longest first (2 queries)."""
    waiting = answerable_ideas(user).filter(
        answered_at__isnull=True, merged_into__isnull=True, moderation_status=Visibility.PUBLISHED
    )
    rows = list(
        waiting.order_by()
        .values("consultation_id", "consultation__title")
        .annotate(count=Count("pk"), oldest=Min("created_at"))
        .order_by("oldest", "consultation_id")[:LIST_LENGTH]
    )
    shown = total = sum(row["count"] for row in rows)
    if len(rows) == LIST_LENGTH:
        total = waiting.count()
    return Listed(rows, total, shown)


_IN_EVALUATION = (Project.Status.ELIGIBLE, Project.Status.IN_EVALUATION)


def dossiers_to_review(*, user) -> Listed:
    """The official's calls with dossiers to act on: submitted and not yet checked, evaluations still
    pending, or evaluated and awaiting a decision; the call closed first, first (2 queries)."""
    # An evaluator's score still to come (not excused by a conflict of interest), or one given.
    pending = Exists(
        Assignment.objects.filter(
            project=OuterRef("pk"), scored_at__isnull=True, evaluator__isnull=False
        ).exclude(has_conflict=True)
    )
    scored = Exists(
        Assignment.objects.filter(project=OuterRef("pk"), scored_at__isnull=False, has_conflict=False)
    )
    to_check = Q(status=Project.Status.SUBMITTED)
    in_evaluation = Q(status__in=_IN_EVALUATION)
    projects = Project.objects.filter(
        to_check | in_evaluation, call__in=managed_calls(user).order_by().values("pk")
    )
    rows = list(
        projects.order_by()
        .values("call_id", "call__title", "call__closes_at")
        .annotate(
            to_check=Count("pk", filter=to_check),
            being_evaluated=Count("pk", filter=in_evaluation & Q(pending)),
            to_decide=Count("pk", filter=in_evaluation & ~Q(pending) & Q(scored)),
            to_assign=Count("pk", filter=in_evaluation & ~Q(pending) & ~Q(scored)),
        )
        .order_by("call__closes_at", "call_id")[: LIST_LENGTH + 1]
    )
    total = len(rows)
    if total > LIST_LENGTH:
        total = projects.values("call_id").distinct().count()
    return Listed(rows[:LIST_LENGTH], total)


def _page_fields():
    return ("pk", "title", "path", "depth", "url_path", "live", "opens_at", "closes_at", "organisation__name")


def closing_soon(*, user, desk: Desk, moment: datetime) -> Listed:
    """Open consultations of the person's organisations (every one for the site's editors) that close
    within `CLOSING_SOON`, the soonest first (2 queries at most)."""
    consultations = (
        report_back_consultations(user, desk=desk)
        .live()
        .filter(opens_at__lte=moment, closes_at__gt=moment, closes_at__lte=moment + CLOSING_SOON)
    )
    rows = list(consultations.only(*_page_fields()).order_by("closes_at", "pk")[:LIST_LENGTH])
    for row in rows:
        row.days_left = (row.closes_at - moment).days
    total = len(rows) if len(rows) < LIST_LENGTH else consultations.count()
    return Listed(rows, total)


def closed_without_outcome(*, user, desk: Desk, moment: datetime) -> Listed:
    """Published consultations that have closed and have no published outcome page yet (the duty to
    report back), those waiting longest first, with the days since closing and their latest report
    (3 queries at most)."""
    consultations = (
        report_back_consultations(user, desk=desk)
        .live()
        .filter(closes_at__lte=moment)
        .exclude(Exists(OutcomePage.objects.live().filter(consultation=OuterRef("pk"))))
    )
    rows = list(
        with_latest_report(consultations.only(*_page_fields())).order_by("closes_at", "pk")[:LIST_LENGTH]
    )
    readable = set()
    if rows:
        readable = set(
            reportable_consultations(user)
            .filter(pk__in=[row.pk for row in rows])
            .values_list("pk", flat=True)
        )
    for row in rows:
        row.days_closed = (moment - row.closes_at).days
        row.report_readable = row.pk in readable
    total = len(rows) if len(rows) < LIST_LENGTH else consultations.count()
    return Listed(rows, total)


def reports_compiled_since(*, user, since: datetime) -> Listed:
    """Report versions compiled after `since` for the official's consultations, newest first, without
    their data (2 queries at most)."""
    snapshots = ReportSnapshot.objects.filter(
        consultation__in=reportable_consultations(user).order_by().values("pk"), compiled_at__gt=since
    )
    rows = list(
        snapshots.select_related("consultation")
        .only("pk", "version", "compiled_at", "people_count", "response_count", "consultation__title")
        .order_by("-compiled_at", "-pk")[:LIST_LENGTH]
    )
    total = len(rows) if len(rows) < LIST_LENGTH else snapshots.count()
    return Listed(rows, total)


def participation(*, user, moment: datetime) -> Listed:
    """The official's published consultations that have opened, the open ones and the latest closed
    first, each with how many people took part so far (3 queries at most)."""
    consultations = reportable_consultations(user).live().filter(opens_at__lte=moment)
    rows = list(consultations.only(*_page_fields()).order_by("-closes_at", "-pk")[:LIST_LENGTH])
    people = people_by_consultation([row.pk for row in rows])
    for row in rows:
        row.people = people[row.pk]
        row.is_open = row.phase(moment) == Phase.OPEN
    total = len(rows) if len(rows) < LIST_LENGTH else consultations.count()
    return Listed(rows, total)


# Panels -----------------------------------------------------------------------------------------------


class DashboardPanel(Component):
    """A panel of the dashboard, for one person (their `desk`) at one `moment`."""

    name = ""
    order = 100
    template_name = ""

    class Media:
        css = {"all": ["cms/css/dashboard.css"]}

    def __init__(self, *, user, desk: Desk, moment: datetime):
        self.user, self.desk, self.moment = user, desk, moment

    def content(self) -> dict:
        return {}

    def get_context_data(self, parent_context=None):
        return {"desk": self.desk, "moment": self.moment, **self.content()}


class ModerationPanel(DashboardPanel):
    name = "concerto_moderation"
    order = 100
    template_name = "cms/admin/dashboard/moderation.html"

    def content(self):
        return {"waiting": moderation_waiting(user=self.user)}


class IdeasPanel(DashboardPanel):
    name = "concerto_ideas"
    order = 110
    template_name = "cms/admin/dashboard/ideas.html"

    def content(self):
        return {"waiting": ideas_to_answer(user=self.user)}


class DossiersPanel(DashboardPanel):
    name = "concerto_dossiers"
    order = 120
    template_name = "cms/admin/dashboard/dossiers.html"

    def content(self):
        return {"calls": dossiers_to_review(user=self.user)}


class ReportBackPanel(DashboardPanel):
    name = "concerto_report_back"
    order = 130
    template_name = "cms/admin/dashboard/report_back.html"

    def content(self):
        return {
            "closing": closing_soon(user=self.user, desk=self.desk, moment=self.moment),
            "closed": closed_without_outcome(user=self.user, desk=self.desk, moment=self.moment),
            "closing_days": CLOSING_SOON.days,
        }


class NewReportsPanel(DashboardPanel):
    name = "concerto_new_reports"
    order = 140
    template_name = "cms/admin/dashboard/new_reports.html"

    def __init__(self, *, since: datetime | None, **kwargs):
        super().__init__(**kwargs)
        self.since = since

    def content(self):
        since = self.since or self.moment - FIRST_VISIT_WINDOW
        return {
            "reports": reports_compiled_since(user=self.user, since=since),
            "since": since,
            "first_visit": self.since is None,
            "window_days": FIRST_VISIT_WINDOW.days,
        }


class ParticipationPanel(DashboardPanel):
    name = "concerto_participation"
    order = 150
    template_name = "cms/admin/dashboard/participation.html"

    def content(self):
        return {"consultations": participation(user=self.user, moment=self.moment)}


class NothingPanel(DashboardPanel):
    """For staff without a role in an organisation: say that nothing waits here, and why."""

    name = "concerto_nothing"
    order = 100
    template_name = "cms/admin/dashboard/nothing.html"


def dashboard_panels(*, user, desk: Desk, since: datetime | None, moment: datetime) -> list[DashboardPanel]:
    """The panels of `user`'s dashboard, by role."""
    common = {"user": user, "desk": desk, "moment": moment}
    panels: list[DashboardPanel] = []
    if desk.moderates:
        panels.append(ModerationPanel(**common))
    if desk.officiates:
        panels += [IdeasPanel(**common), DossiersPanel(**common)]
    if desk.reports_back:
        panels.append(ReportBackPanel(**common))
    if desk.officiates:
        panels += [NewReportsPanel(since=since, **common), ParticipationPanel(**common)]
    if not panels:
        panels.append(NothingPanel(**common))
    return panels
