"""After `manage.py demo_load`, every section of the site has content, and every printed account signs in
with the demo password and holds its role."""

import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Membership, User
from budgets.models import Ballot, PublicVote
from calls.models import Assignment, CallPage, Project, Score
from cms.models import NewsPage, OutcomePage
from commons.models import Initiative, Reuse
from consultations.models import ConsultationPage, Idea

pytestmark = pytest.mark.django_db

PASSWORD = "concerto-demo-2026"


@pytest.fixture
def demo(capsys):
    call_command("demo_load")
    return capsys.readouterr().out


def test_every_section_has_content(demo, client):
    now = timezone.now()
    open_consultation = ConsultationPage.objects.get(slug="teletravail-services-publics")
    assert open_consultation.opens_at < now < open_consultation.closes_at
    assert Idea.objects.filter(consultation=open_consultation).exclude(status="received").count() == 3

    closed = ConsultationPage.objects.exclude(imported_from="").get()
    assert closed.live
    assert closed.closes_at < now
    assert closed.report_snapshots.exists()
    outcome = OutcomePage.objects.live().get(consultation=closed)
    page = client.get(outcome.url).content.decode()
    assert "CC BY 4.0" in page
    assert "The Computational Democracy Project" in page
    assert closed.report_snapshots.get().report.statements.opinion_map.groups

    assert CallPage.objects.live().filter(opens_at__lt=now, closes_at__gt=now).exists()
    jury = CallPage.objects.get(slug="appel-quartiers-fertiles")
    assert jury.closes_at < now
    assert set(jury.projects.values_list("status", flat=True)) == {Project.Status.IN_EVALUATION}
    assert Assignment.objects.filter(project__call=jury).count() == 8
    assert Score.objects.filter(assignment__project__call=jury).exists()

    vote = PublicVote.objects.get()
    assert vote.is_open()
    assert vote.call.laureates_published_at
    assert Ballot.objects.filter(vote=vote).count() >= 10
    assert client.get(vote.get_absolute_url()).status_code == 200

    initiatives = Initiative.objects.published()
    assert initiatives.count() >= 10
    assert Reuse.objects.values("territory").distinct().count() >= 3
    assert client.get(initiatives.first().get_absolute_url()).status_code == 200
    assert NewsPage.objects.live().count() >= 3


def test_a_second_run_changes_nothing(demo):
    models = (ConsultationPage, OutcomePage, CallPage, Project, Assignment, Ballot, Initiative, Reuse, User)
    before = {model: model.objects.count() for model in models}
    call_command("demo_load")
    assert {model: model.objects.count() for model in models} == before


def test_every_printed_account_signs_in_with_its_role(demo, client):
    accounts = re.findall(r"^\s+(\w+):\s+(\S+@\S+) / " + PASSWORD, demo, flags=re.M)
    roles = {role for role, _email in accounts}
    expected = {"Administrator", "Official", "Editor", "Moderator", "Evaluator", "Applicant", "Participant"}
    assert roles >= expected
    for role, email in accounts:
        client.logout()
        assert client.login(email=email, password=PASSWORD), email
        user = User.objects.get(email=email)
        memberships = set(user.memberships.values_list("role", flat=True))
        checks = {
            "Administrator": user.is_superuser,
            "Official": Membership.Role.OFFICIAL in memberships,
            "Editor": user.groups.filter(name="Editors").exists(),
            "Moderator": Membership.Role.MODERATOR in memberships,
            "Evaluator": Assignment.objects.filter(evaluator=user).exists(),
            "Applicant": Project.objects.filter(applicant=user).exists(),
            "Participant": user.responses.exists() and not user.is_staff,
        }
        assert checks[role], (role, email)
