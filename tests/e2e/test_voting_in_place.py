"""With JavaScript, votes and supports update the page in place, by keyboard, and are really stored."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from consultations.models import Idea, Statement, Support, Vote
from tests.factories import PASSWORD, UserFactory, consultation_create

pytestmark = pytest.mark.e2e


def sign_in(page, base_url: str, user, next_url: str):
    page.goto(f"{base_url}{reverse('account_login')}?next={next_url}")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base_url}{next_url}")


def test_voting_on_the_statement_card_without_reloading(
    transactional_db, django_db_serialized_rollback, live_server, new_page
):
    consultation = consultation_create(statements_enabled=True)
    first = Statement.objects.create(consultation=consultation, text="Plus de pistes cyclables")
    Statement.objects.create(consultation=consultation, text="Moins de voitures en ville")
    person = UserFactory()
    page = new_page()
    sign_in(page, live_server.url, person, consultation.url)
    page.evaluate("window.notReloaded = true")

    card = page.locator("#statement-deck")
    assert "Plus de pistes cyclables" in card.inner_text()
    page.get_by_role("button", name="D’accord", exact=True).focus()
    page.keyboard.press("Enter")

    page.locator("#statement-deck legend", has_text="Moins de voitures en ville").wait_for()
    assert page.evaluate("window.notReloaded") is True, "the page was not reloaded"
    assert page.evaluate("document.activeElement.tagName") == "LEGEND", "focus moves to the new statement"
    assert "Vous avez voté sur 1 des 2 propositions" in card.inner_text()
    expect(page.locator("#live-status")).to_have_text("Votre vote est enregistré.")
    assert Vote.objects.get(statement=first, participant=person).value == 1


def test_supporting_an_idea_in_place(transactional_db, django_db_serialized_rollback, live_server, new_page):
    consultation = consultation_create(ideas_enabled=True)
    idea = Idea.objects.create(consultation=consultation, title="Un jardin partagé", text="Rue des Lilas")
    person = UserFactory()
    page = new_page()
    ideas_url = reverse("idea_list", args=[consultation.pk])
    sign_in(page, live_server.url, person, ideas_url)
    page.evaluate("window.notReloaded = true")

    page.get_by_role("button", name="Soutenir cette idée").click()
    withdraw = page.get_by_role("button", name="Retirer mon soutien")
    withdraw.wait_for()
    expect(page.locator(f"#idea-{idea.pk} [data-supports]")).to_have_text("1 soutien")
    assert Support.objects.filter(idea=idea, supporter=person).exists()

    withdraw.click()
    page.get_by_role("button", name="Soutenir cette idée").wait_for()
    expect(page.locator(f"#idea-{idea.pk} [data-supports]")).to_have_text("0 soutien")
    assert not Support.objects.filter(idea=idea, supporter=person).exists()
    assert page.evaluate("window.notReloaded") is True


def test_similar_ideas_are_suggested_while_typing(
    transactional_db, django_db_serialized_rollback, live_server, new_page
):
    consultation = consultation_create(ideas_enabled=True)
    Idea.objects.create(
        consultation=consultation, title="Des bancs sur la place du marché", text="Pour s’asseoir"
    )
    person = UserFactory()
    page = new_page()
    sign_in(page, live_server.url, person, reverse("idea_create", args=[consultation.pk]))
    page.get_by_label("Titre de votre idée").press_sequentially("Plus de bancs place du marché", delay=20)
    suggestions = page.locator("#similar-ideas")
    expect(suggestions).to_contain_text("Des bancs sur la place du marché")
    expect(suggestions.get_by_role("link", name="Des bancs sur la place du marché")).to_be_visible()
    assert not Idea.objects.filter(title__startswith="Plus de bancs").exists(), "nothing is sent yet"
