"""The back office's first screen: each person sees what waits for them, in their organisations only,
says so when nothing does, remembers their last visit, and costs the same queries whatever the volume."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from calls.models import Assignment, Project
from cms.dashboard import FIRST_VISIT_WINDOW, SEEN_REFRESH, VISIT_GAP, dashboard_visit_record
from cms.models import DashboardVisit
from consultations.models import Comment, Idea, Report, Statement, Vote
from reports.models import ReportSnapshot
from tests.calls.conftest import call_create, project_create
from tests.factories import (
    AdministratorFactory,
    EditorFactory,
    ModeratorFactory,
    OfficialFactory,
    OrganisationEditorFactory,
    OrganisationFactory,
    UserFactory,
    consultation_create,
    outcome_create,
)

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
PANELS = {
    "moderation": 'id="dashboard-moderation-section"',
    "ideas": 'id="dashboard-ideas-section"',
    "dossiers": 'id="dashboard-dossiers-section"',
    "report_back": 'id="dashboard-report-back-section"',
    "new_reports": 'id="dashboard-new-reports-section"',
    "participation": 'id="dashboard-participation-section"',
    "nothing": 'id="dashboard-nothing-section"',
}


def organisation_world(name: str) -> dict:
    """An organisation with something in every panel: an open consultation closing in five days with an
    idea to answer (and one answered), a reported comment and a statement awaiting approval; one closed
    ten days ago without an outcome page and one closed with it; a call with a dossier to check, one
    being evaluated and one evaluated; a report compiled an hour ago."""
    organisation = OrganisationFactory(name=f"Organisation {name}")
    author = UserFactory()
    open_one = consultation_create(
        organisation=organisation,
        title=f"Consultation ouverte {name}",
        closes_in=5 * DAY,
        ideas_enabled=True,
        statements_enabled=True,
    )
    idea = Idea.objects.create(
        consultation=open_one, author=author, title=f"Idée sans réponse {name}", text="…"
    )
    Idea.objects.create(
        consultation=open_one,
        author=author,
        title=f"Idée répondue {name}",
        text="…",
        status=Idea.Status.ACCEPTED,
        answer="Oui.",
        answered_at=timezone.now(),
    )
    comment = Comment.objects.create(
        consultation=open_one, idea=idea, author=author, text=f"Commentaire signalé {name}", stance="for"
    )
    Report.objects.create(comment=comment, reporter=UserFactory(), reason="offensive")
    Statement.objects.create(
        consultation=open_one, author=author, text=f"Proposition à approuver {name}", status="pending"
    )
    voter = UserFactory()
    statement = Statement.objects.create(
        consultation=open_one, author=author, text=f"Proposition publiée {name}"
    )
    Vote.objects.create(statement=statement, participant=voter, value=1)
    closed = consultation_create(
        organisation=organisation,
        title=f"Consultation close sans restitution {name}",
        opens_in=-30 * DAY,
        closes_in=-10 * DAY,
    )
    reported = consultation_create(
        organisation=organisation,
        title=f"Consultation restituée {name}",
        opens_in=-30 * DAY,
        closes_in=-5 * DAY,
    )
    outcome_create(reported, title=f"Restitution {name}")
    call = call_create(organisation=organisation, title=f"Appel {name}")
    applicant, evaluator = UserFactory(), UserFactory()
    project_create(call, applicant, status=Project.Status.SUBMITTED, title=f"Dossier à vérifier {name}")
    evaluated = project_create(call, applicant, status=Project.Status.IN_EVALUATION, title=f"Évalué {name}")
    Assignment.objects.create(
        project=evaluated, evaluator=evaluator, has_conflict=False, scored_at=timezone.now()
    )
    pending = project_create(call, applicant, status=Project.Status.IN_EVALUATION, title=f"En cours {name}")
    Assignment.objects.create(project=pending, evaluator=evaluator, has_conflict=False)
    ReportSnapshot.objects.create(consultation=open_one, version=1, response_count=0, people_count=3, data={})
    return {
        "organisation": organisation,
        "open": open_one,
        "closed": closed,
        "reported": reported,
        "call": call,
        "titles": [
            open_one.title,
            closed.title,
            call.title,
            f"Commentaire signalé {name}",
            f"Proposition à approuver {name}",
        ],
    }


@pytest.fixture
def world():
    return {"A": organisation_world("Alpha"), "B": organisation_world("Bêta")}


def dashboard(user, language="en") -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def shown(page: str) -> set[str]:
    return {panel for panel, mark in PANELS.items() if mark in page}


def panel(page: str, name: str) -> str:
    """The HTML of one panel of the dashboard ("" when it is not shown)."""
    start = page.find(PANELS[name])
    return page[start : page.index("</section>", start)] if start >= 0 else ""


def panels(page: str) -> str:
    """The HTML of every panel of ours (not Wagtail's menus, which link to its own reports)."""
    return "".join(panel(page, name) for name in PANELS)


def test_an_official_sees_what_waits_in_their_organisation_and_nothing_of_another(world):
    official = OfficialFactory(organisation=world["A"]["organisation"])
    page = dashboard(official)

    assert shown(page) == {"ideas", "dossiers", "report_back", "new_reports", "participation"}
    a = world["A"]
    report_back = panel(page, "report_back")
    assert a["open"].title in report_back, "closing in five days"
    assert "Consultation close sans restitution Alpha" in report_back
    assert "Consultation restituée Alpha" not in report_back, "its outcome page is published"
    assert "Consultation restituée Alpha" in panel(page, "participation")
    assert "Appel Alpha" in page
    for title in world["B"]["titles"]:
        assert title not in page, title
    assert "Organisation Bêta" not in page
    # Each item links to where it is handled.
    assert "/admin/ideas/" in page
    assert f"/admin/calls/{a['call'].pk}/?status=submitted" in page
    assert f"/admin/reports/{a['open'].pk}/?version=1" in page
    assert f"/admin/reports/{a['closed'].pk}/" in page
    assert f"/admin/pages/{a['open'].pk}/edit/" in page


def test_the_official_of_the_other_organisation_sees_the_mirror_image(world):
    page = dashboard(OfficialFactory(organisation=world["B"]["organisation"]))
    assert world["B"]["open"].title in page
    assert "Appel Bêta" in page
    for title in world["A"]["titles"]:
        assert title not in page, title


def test_panels_give_the_counts_of_what_waits(world):
    page = dashboard(OfficialFactory(organisation=world["A"]["organisation"]))
    assert "1 published idea has no answer from your organisation yet." in page
    assert "Idée répondue" not in page
    # The call's row: one dossier to check, one evaluation pending, one evaluated to decide.
    row = page[page.index("Appel Alpha") : page.index("</tr>", page.index("Appel Alpha"))]
    assert row.count('class="dashboard-figure"') == 4
    assert '?status=submitted">1</a>' in row
    assert f'/admin/calls/{world["A"]["call"].pk}/ranking/">1</a>' in row
    assert "1 closed consultation has no published outcome page" in page
    assert "(10 days ago)" in page
    assert "in 4 days" in page or "in 5 days" in page


def test_participation_counts_each_person_once_with_figures_written_for_the_reader(world):
    page = dashboard(OfficialFactory(organisation=world["A"]["organisation"]))
    # Open consultation: the idea author (also author of the comment and statements) and the voter.
    participation = page[page.index(PANELS["participation"]) :]
    row = participation[participation.index(world["A"]["open"].title) :]
    assert 'class="dashboard-figure">2</td>' in row[: row.index("</tr>")]
    # Thousands grouped as the reader's language writes them.
    ReportSnapshot.objects.filter(consultation=world["A"]["open"]).update(people_count=14283)
    french = dashboard(OfficialFactory(organisation=world["A"]["organisation"]), language="fr")
    assert "14\u202f283" in french


def test_a_moderator_sees_the_contributions_of_their_organisation_to_moderate_only(world):
    moderator = ModeratorFactory(organisation=world["A"]["organisation"])
    page = dashboard(moderator)
    assert shown(page) == {"moderation"}
    assert "Commentaire signalé Alpha" in page
    assert "Proposition à approuver Alpha" in page
    assert "2 contributions wait for a decision" in page
    assert "1 open report" in page
    assert "awaiting approval" in page
    assert "Commentaire signalé Bêta" not in page
    assert "Proposition à approuver Bêta" not in page
    assert "/admin/moderation/" in page


def test_a_site_editor_sees_the_duty_to_report_back_of_every_organisation_and_no_participation_data(world):
    editor = EditorFactory()
    page = panels(dashboard(editor))
    assert shown(page) == {"report_back"}
    for world_of in world.values():
        assert world_of["open"].title in page
        assert world_of["closed"].title in page
    assert "/admin/pages/add/cms/outcomepage/" in page
    # Reports are for the organisations' officials: no link to them, no figures.
    assert "/admin/reports/" not in page
    assert "Idée sans réponse" not in page
    assert "Appel Alpha" not in page


def test_an_organisation_editor_sees_their_organisation_s_duty_to_report_back(world):
    editor = OrganisationEditorFactory(organisation=world["A"]["organisation"])
    page = panels(dashboard(editor))
    assert shown(page) == {"report_back"}
    assert world["A"]["closed"].title in page
    assert world["B"]["closed"].title not in page
    assert "/admin/reports/" not in page


def test_an_administrator_sees_every_panel_for_every_organisation(world):
    page = dashboard(AdministratorFactory())
    assert shown(page) == set(PANELS) - {"nothing"}
    for world_of in world.values():
        for title in world_of["titles"]:
            assert title in page, title
    assert "/admin/pages/add/cms/outcomepage/" in page


def test_staff_without_a_role_are_told_that_nothing_waits_for_them(world):
    staff = UserFactory(is_staff=True, is_superuser=False)
    staff.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    page = dashboard(staff)
    assert shown(page) == {"nothing"}
    assert "Nothing waits for you here" in page


def test_empty_panels_say_so_plainly():
    organisation = OrganisationFactory()
    official = OfficialFactory(organisation=organisation)
    page = dashboard(official)
    assert shown(page) == {"ideas", "dossiers", "report_back", "new_reports", "participation"}
    for sentence in (
        "No idea waits for an answer",
        "No dossier waits for you",
        "No open consultation closes in that time.",
        "Every closed consultation has its outcome page.",
        "No report has been compiled since",
        "None of your organisations' consultations has opened yet.",
    ):
        assert sentence in page, sentence
    assert "Nothing to moderate" in dashboard(ModeratorFactory(organisation=organisation))


def test_the_default_site_summary_is_left_to_administrators(world):
    official_page = dashboard(OfficialFactory(organisation=world["A"]["organisation"]))
    assert "w-summary" not in official_page
    assert "w-summary" in dashboard(AdministratorFactory())


# The last visit --------------------------------------------------------------------------------------


def test_the_last_visit_is_remembered_per_visit_not_per_reload():
    user = UserFactory()
    start = timezone.now()
    assert dashboard_visit_record(user=user, moment=start) is None, "first visit"
    assert DashboardVisit.objects.get(user=user).seen_at == start

    # Reloads within the visit: still the first visit; the time seen is written every few minutes only.
    assert dashboard_visit_record(user=user, moment=start + SEEN_REFRESH / 2) is None
    assert DashboardVisit.objects.get(user=user).seen_at == start
    later = start + SEEN_REFRESH + timedelta(seconds=1)
    assert dashboard_visit_record(user=user, moment=later) is None
    assert DashboardVisit.objects.get(user=user).seen_at == later

    # Back after a break: new is what came after the last look, and stays new during this visit.
    back = later + VISIT_GAP + timedelta(minutes=1)
    assert dashboard_visit_record(user=user, moment=back) == later
    assert dashboard_visit_record(user=user, moment=back + timedelta(minutes=10)) == later
    assert dashboard_visit_record(user=user, moment=back + timedelta(minutes=20)) == later
    # The next visit starts from the end of that one.
    assert dashboard_visit_record(user=user, moment=back + timedelta(hours=5)) == back + timedelta(minutes=20)


def test_reports_compiled_since_the_last_visit_are_listed_and_older_ones_are_not():
    organisation = OrganisationFactory()
    official = OfficialFactory(organisation=organisation)
    consultation = consultation_create(organisation=organisation, title="Consultation suivie")
    old = ReportSnapshot.objects.create(consultation=consultation, version=1, response_count=0, data={})
    ReportSnapshot.objects.filter(pk=old.pk).update(compiled_at=timezone.now() - 3 * DAY)
    DashboardVisit.objects.create(user=official, seen_at=timezone.now() - 2 * DAY)

    page = dashboard(official)  # a new visit: since two days ago
    assert "Reports compiled since your last visit" in page
    assert "No report has been compiled since" in page
    assert "?version=1" not in page

    ReportSnapshot.objects.create(consultation=consultation, version=2, response_count=0, data={})
    page = dashboard(official)  # the same visit: still since two days ago
    assert f"/admin/reports/{consultation.pk}/?version=2" in page
    assert "?version=1" not in page
    assert DashboardVisit.objects.get(user=official).new_since < timezone.now() - DAY


def test_a_first_visit_lists_the_reports_of_the_last_days():
    organisation = OrganisationFactory()
    official = OfficialFactory(organisation=organisation)
    consultation = consultation_create(organisation=organisation, title="Consultation suivie")
    recent = ReportSnapshot.objects.create(consultation=consultation, version=1, response_count=0, data={})
    ReportSnapshot.objects.filter(pk=recent.pk).update(compiled_at=timezone.now() - 2 * DAY)
    old = ReportSnapshot.objects.create(consultation=consultation, version=2, response_count=0, data={})
    ReportSnapshot.objects.filter(pk=old.pk).update(compiled_at=timezone.now() - FIRST_VISIT_WINDOW - DAY)
    page = dashboard(official)
    assert f"Reports compiled in the last {FIRST_VISIT_WINDOW.days} days" in page
    assert "?version=1" in page
    assert "?version=2" not in page


# The cost --------------------------------------------------------------------------------------------


def crowd(organisation, size: int) -> None:
    """`size` consultations, ideas, reported comments, dossiers and report versions more."""
    author = UserFactory()
    call = call_create(organisation=organisation, title=f"Appel {size}")
    for n in range(size):
        consultation = consultation_create(
            organisation=organisation,
            title=f"Consultation {size}-{n}",
            opens_in=-10 * DAY,
            closes_in=(n % 3 - 1) * 4 * DAY,
        )
        idea = Idea.objects.create(consultation=consultation, author=author, title=f"Idée {n}", text="…")
        comment = Comment.objects.create(
            consultation=consultation, idea=idea, author=author, text="…", stance="for"
        )
        Report.objects.create(comment=comment, reporter=UserFactory(), reason="spam")
        ReportSnapshot.objects.create(consultation=consultation, version=1, response_count=0, data={})
        project_create(call, author, status=Project.Status.SUBMITTED, title=f"Dossier {n}")


# Queries of /admin/ (Wagtail's page and every panel of ours): about 40 for anyone, whatever the volume.
QUERY_BOUND = 45


def test_the_dashboard_costs_a_bounded_number_of_queries_whatever_the_volume(django_assert_max_num_queries):
    """A list that is full (`LIST_LENGTH` rows, as at size 12) adds one query for its total; nothing else
    grows with the number of consultations, ideas, reports, contributions or dossiers."""
    costs = {}
    for size in (2, 12):
        organisation = OrganisationFactory()
        crowd(organisation, size)
        people = {
            "administrator": AdministratorFactory(),
            "official": OfficialFactory(organisation=organisation),
            "moderator": ModeratorFactory(organisation=organisation),
        }
        for role, person in people.items():
            client = Client()
            client.force_login(person)
            client.get("/admin/")  # the first visit writes its row
            with django_assert_max_num_queries(QUERY_BOUND) as captured:
                response = client.get("/admin/")
            assert response.status_code == 200
            costs[role, size] = len(captured)
    for role in ("administrator", "official", "moderator"):
        assert costs[role, 12] - costs[role, 2] <= len(PANELS), costs


def test_the_ideas_page_the_panel_links_to_lists_unanswered_ideas_first(world):
    """Also on PostgreSQL, which sorts NULLs last in ascending order."""
    client = Client()
    client.force_login(OfficialFactory(organisation=world["A"]["organisation"]))
    page = client.get("/admin/ideas/").content.decode()
    assert page.index("Idée sans réponse Alpha") < page.index("Idée répondue Alpha")
