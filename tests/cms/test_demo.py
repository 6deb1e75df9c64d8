"""`manage.py demo_load` builds the French demo, and a second run creates nothing twice."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Page

from accounts.models import Organisation, User
from calls.models import CallPage, Project, StatusChange
from cms.models import AccessibilityStatementPage, NewsPage, OutcomePage, StandardPage
from consultations.models import Answer, ConsultationPage, Idea, Response, Statement, Support, Vote
from reports.models import ReportSnapshot

pytestmark = pytest.mark.django_db

MODELS = [
    Organisation,
    User,
    ConsultationPage,
    Response,
    Answer,
    ReportSnapshot,
    OutcomePage,
    Statement,
    Vote,
    Idea,
    Support,
    CallPage,
    Project,
    StatusChange,
    StandardPage,
    NewsPage,
    AccessibilityStatementPage,
]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_the_demo_is_complete_and_idempotent(client, capsys):
    call_command("demo_load")
    first = counts()
    consultation = ConsultationPage.objects.get(slug="teletravail-services-publics")
    assert consultation.responses.count() == 24
    assert consultation.report_snapshots.count() == 1
    assert (consultation.statements.count(), consultation.ideas.count()) == (5, 3)
    assert Vote.objects.filter(statement__consultation=consultation).count() > 50
    assert set(Project.objects.filter(call__slug="appel-tiers-lieux").values_list("status", flat=True)) == {
        "submitted",
        "eligible",
        "in_evaluation",
    }
    assert "admin@concerto.localhost / concerto-demo-2026" in capsys.readouterr().out

    kinds = {question.kind for question in consultation.question_list}
    assert kinds >= {
        "single_choice",
        "open_text",
        "short_text",
        "yes_no",
        "multiple_choice",
        "scale",
        "ranking",
        "number",
    }
    assert any(question.section for question in consultation.question_list)
    report = {question.kind: question for question in consultation.report_snapshots.get().questions}
    assert report["scale"].n == 24
    assert report["ranking"].ranking[0].borda > 0
    assert report["multiple_choice"].other_answers > 0
    # Everyone who took part, each once: the 24 agents answered, voted, proposed, supported, commented.
    people = consultation.report_snapshots.get().report.people.total
    assert (people.people, people.respondents, people.idea_authors, people.supporters) == (24, 24, 3, 12)
    # A statement the groups split on (the demo's "Deux jours de télétravail…", 0 % and 80 % of its
    # groups agreeing) is never listed as agreed across them too.
    section = consultation.report_snapshots.get().report.statements
    consensus, divisive = ({row.id for row in rows} for rows in (section.consensus, section.divisive))
    assert divisive
    assert not consensus & divisive

    call_command("demo_load")
    assert counts() == first

    outcome = OutcomePage.objects.get(consultation=consultation)
    page = client.get(outcome.url).content.decode()
    assert 'data-figure="participants">24<' in page
    assert "Le télétravail dans les services publics après la crise" in client.get("/").content.decode()
    assert client.login(email="agente@demo.concerto.localhost", password="concerto-demo-2026")

    # Every page type of the public site is in the demo, and renders.
    for model in apps.get_app_config("cms").get_models():
        if issubclass(model, Page):
            pages = model.objects.live()
            assert pages.exists(), model.__name__
            assert client.get(pages.first().url).status_code == 200, model.__name__
    assert NewsPage.objects.filter(image__isnull=False).exclude(image_alt="").exists()


def test_the_demo_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("demo_load")
    assert not User.objects.exists()
