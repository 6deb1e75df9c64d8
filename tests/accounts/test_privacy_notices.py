"""Privacy notices (per consultation and site-wide), retention, and no IPs or third parties."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from consultations.models import Response
from consultations.services.responses import responses_anonymise
from tests.accounts.test_privacy import rows_mentioning
from tests.factories import UserFactory, consultation_create, form_data

pytestmark = pytest.mark.django_db


def test_each_consultation_states_purpose_legal_basis_retention_and_rights(client, consultation):
    page = client.get(consultation.url).content.decode()
    assert "Vos données personnelles" in page
    assert "Recueillir vos avis pour éclairer la décision" in page
    assert "mission d’intérêt public" in page
    assert "restent liées à votre compte jusqu’au" in page
    assert 'href="/profile/"' in page
    assert consultation.organisation.name in page


def test_answers_lose_their_author_after_the_retention_period(organisation, participant):
    consultation = consultation_create(organisation=organisation)
    answers = {k.removeprefix("q_"): v for k, v in form_data(consultation).items()}
    from consultations.services.responses import response_submit

    response_submit(consultation=consultation, participant=participant, answers=answers)
    consultation.closes_at = timezone.now() - timedelta(days=1)
    consultation.save()
    assert responses_anonymise() == 0, "still within the retention period"
    assert responses_anonymise(now=consultation.anonymised_on + timedelta(days=1)) == 1
    response = Response.objects.get()
    assert response.participant is None
    assert response.answers.count() == 2


def test_the_site_wide_notice_is_linked_from_every_page(client):
    call_command("demo_load")
    home = client.get("/").content.decode()
    link = re.search(r'<a href="([^"]+)">Données personnelles</a>', home).group(1)
    notice = client.get(link).content.decode()
    assert "Vos droits" in notice


def test_no_ip_address_is_stored_and_no_third_party_is_called(client, consultation, participant):
    client.post(
        "/accounts/login/", {"login": participant.email, "password": "wrong"}, REMOTE_ADDR="203.0.113.7"
    )
    client.force_login(participant)
    page = client.get(consultation.url, REMOTE_ADDR="203.0.113.7").content.decode()
    client.post(consultation.url, form_data(consultation), REMOTE_ADDR="203.0.113.7")
    assert rows_mentioning("203.0.113.7") == []
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', page)
    assert external == [], "no tracker, font or script from elsewhere"


def test_drafts_are_deleted_rather_than_kept_without_their_author(organisation, participant):
    from consultations.services.responses import response_submit

    consultation = consultation_create(organisation=organisation)
    answers = {k.removeprefix("q_"): v for k, v in form_data(consultation).items()}
    response_submit(consultation=consultation, participant=participant, answers=answers)
    drafter = UserFactory()
    response_submit(consultation=consultation, participant=drafter, answers=answers, draft=True)
    gone = UserFactory()
    response_submit(consultation=consultation, participant=gone, answers=answers, draft=True)
    gone.delete()
    assert responses_anonymise() == 0
    assert Response.objects.filter(participant=None).count() == 0, "the orphaned draft is deleted"
    assert Response.objects.count() == 2
    consultation.closes_at = timezone.now() - timedelta(days=1)
    consultation.save()
    assert responses_anonymise(now=consultation.anonymised_on + timedelta(days=1)) == 1
    [kept] = Response.objects.all()
    assert (kept.status, kept.participant) == (Response.Status.SUBMITTED, None)
