"""A consultation's life, as the public sees it: announced, open, closed, analysed, outcome published,
follow-up — each stage following from facts, and follow-up updates reaching the followers."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from consultations.models import ConsultationUpdate, Follow, Stage
from consultations.tasks import digest_send_task
from reports.services import report_compile
from tests.consultations.test_notifications import publish_outcome
from tests.factories import UserFactory, consultation_create
from tests.reports.test_reports import answer

pytestmark = pytest.mark.django_db


def current_stage(client, consultation) -> str:
    html = client.get(consultation.url).content.decode()
    marked = html.split('aria-current="step">', 1)[1]
    return marked.split("<span", 1)[0].strip()


def test_the_calendar_gives_the_first_stages(client, organisation):
    consultation = consultation_create(organisation=organisation, opens_in=timedelta(days=2))
    assert current_stage(client, consultation) == "Annoncée"
    assert consultation.stage(consultation.opens_at) == Stage.OPEN
    assert consultation.stage(consultation.closes_at) == Stage.CLOSED
    consultation.unpublish()
    assert consultation.stage() == Stage.DRAFT
    assert client.get(consultation.url).status_code == 404, "a draft is not public"


def test_a_closed_consultation_is_analysed_then_reported_back_then_followed_up(client, organisation):
    consultation = consultation_create(organisation=organisation)
    answer(consultation)
    while_open = report_compile(consultation=consultation)
    consultation.closes_at = while_open.compiled_at + timedelta(microseconds=1)
    consultation.save_revision().publish()
    assert current_stage(client, consultation) == "Clôturée", "a compile before closing is no analysis"

    assert report_compile(consultation=consultation, force=True) is not None  # the compile at closing
    assert current_stage(client, consultation) == "Analysée"

    publish_outcome(consultation, "Ce que nous avons retenu")
    assert current_stage(client, consultation) == "Résultats publiés"

    ConsultationUpdate.objects.create(
        consultation=consultation, published_on=date.today(), title="Les travaux commencent", text="En mars."
    )
    page = client.get(consultation.url).content.decode()
    assert current_stage(client, consultation) == "Suivi"
    assert "Les travaux commencent" in page
    assert "Ce qui s’est passé ensuite" in page


def test_follow_up_updates_reach_followers_in_their_digest(organisation):
    consultation = consultation_create(organisation=organisation, opens_in=timedelta(days=-30))
    follower = UserFactory(language="fr")
    Follow.objects.create(user=follower, consultation=consultation)
    since = (timezone.now() - timedelta(days=7)).isoformat()
    # Entered weeks after the fact: it is news when it is published, whatever its date.
    consultation.updates.add(
        ConsultationUpdate(
            published_on=date.today() - timedelta(days=40), title="Le budget est voté", text="…"
        )
    )
    assert not digest_send_task.run(follower.pk, since), "a draft is nobody's news yet"
    consultation.save_revision().publish()
    assert digest_send_task.run(follower.pk, since, timezone.now().isoformat())
    assert "Le budget est voté" in mail.outbox[0].body

    # Published again from the editor (a typo fixed): not sent a second time.
    edited = type(consultation).objects.get(pk=consultation.pk).get_latest_revision_as_object()
    edited.title = "Nouveau titre"
    edited.save_revision().publish()
    assert ConsultationUpdate.objects.filter(consultation=consultation).count() == 1
    digest_send_task.run(follower.pk, since, (timezone.now() + timedelta(days=7)).isoformat())
    assert not any("Le budget est voté" in message.body for message in mail.outbox[1:])


def test_an_update_cannot_be_dated_in_the_future(organisation):
    consultation = consultation_create(organisation=organisation, opens_in=timedelta(days=-30))
    update = ConsultationUpdate(
        consultation=consultation, published_on=date.today() + timedelta(days=2), title="Bientôt", text="…"
    )
    with pytest.raises(ValidationError) as refused:
        update.full_clean()
    assert "published_on" in refused.value.message_dict


def article(client, consultation) -> str:
    """The consultation page in English, without the site's header and footer."""
    client.cookies["django_language"] = "en"
    html = client.get(consultation.url).content.decode()
    return html[html.index("<article>") : html.rindex("</article>")]


def test_a_page_shows_only_the_sections_the_consultation_has(client, organisation):
    statements_only = consultation_create(organisation=organisation, statements_enabled=True)
    statements_only.questions = []
    statements_only.save_revision().publish()
    shown = article(client, statements_only)
    assert "Questionnaire" not in shown, "no heading without questions"
    assert "Statements to vote on" in shown
    assert "Sign in to vote" in shown, "open: visitors are invited to sign in"

    closed = consultation_create(
        organisation=organisation,
        opens_in=timedelta(days=-20),
        closes_in=timedelta(days=-10),
        statements_enabled=True,
        ideas_enabled=True,
    )
    shown = article(client, closed)
    assert "Questionnaire" in shown
    assert "Answers are no longer accepted." in shown
    for invitation in ("Sign in", "Create an account", "Statements to vote on", "propose yours"):
        assert invitation not in shown, invitation
    assert "Voting closed on" not in shown, "no statements were written: no section"
    assert 'id="ideas-title"' not in shown, "no ideas were proposed: no section"


def test_the_retention_date_is_a_promise_only_while_it_is_to_come(client, organisation):
    consultation = consultation_create(
        organisation=organisation, opens_in=timedelta(days=-20), closes_in=timedelta(days=-10)
    )
    assert "Your answers stay linked to your account until" in article(client, consultation)
    consultation.retention_months = 0
    consultation.save_revision().publish()
    shown = article(client, consultation)
    assert "stay linked" not in shown
    assert "the answers are kept without any link to the people who gave them" in shown
