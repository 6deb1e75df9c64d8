"""The report lists the most supported ideas and groups near-duplicates, for moderators to merge."""

import pytest
from django.urls import reverse

from consultations.models import Idea, Support
from reports import services
from reports.analysis.ideas import IdeaRow, near_duplicates, summarise_ideas
from tests.factories import OfficialFactory, UserFactory


def idea(pk, title, text="", supports=0):
    return IdeaRow(pk, title, text, supports, "received")


def test_ideas_saying_nearly_the_same_thing_are_grouped():
    groups = near_duplicates(
        [
            idea(1, "Un second écran pour le télétravail", "Fournir des écrans aux agents", 5),
            idea(2, "Des écrans en télétravail", "Un écran supplémentaire pour les agents", 2),
            idea(3, "Ouvrir la cantine le soir", "Pour les équipes de nuit", 9),
            idea(4, "Un second écran pour télétravailler", "", 1),
        ]
    )
    assert [[member["id"] for member in group["ideas"]] for group in groups] == [[1, 2, 4]]
    assert groups[0]["supports"] == 8


def test_no_groups_from_nothing_or_from_stop_words_only():
    assert near_duplicates([]) == []
    assert near_duplicates([idea(1, "le la les"), idea(2, "de des du")]) == []
    summary = summarise_ideas([idea(1, "Une idée", supports=3)])
    assert (summary["count"], summary["supports"], summary["duplicates"]) == (1, 3, [])


@pytest.mark.django_db
def test_the_report_shows_top_ideas_and_duplicates_without_hidden_or_merged_ones(client, consultation):
    consultation.ideas_enabled = True
    consultation.save_revision().publish()
    first = Idea.objects.create(
        consultation=consultation, title="Un second écran pour le télétravail", text="…"
    )
    Idea.objects.create(consultation=consultation, title="Des écrans pour le télétravail", text="…")
    Idea.objects.create(
        consultation=consultation, title="Un écran pour le télétravail", text="…", moderation_status="hidden"
    )
    Idea.objects.create(
        consultation=consultation, title="Un écran en télétravail", text="…", merged_into=first
    )
    for _ in range(3):
        Support.objects.create(idea=first, supporter=UserFactory())
    snapshot = services.report_compile(consultation=consultation, force=True)
    ideas = snapshot.data["ideas"]
    assert (ideas["count"], ideas["supports"]) == (2, 3)
    assert ideas["top"][0]["title"] == "Un second écran pour le télétravail"
    assert len(ideas["duplicates"]) == 1
    assert len(ideas["duplicates"][0]["ideas"]) == 2

    client.force_login(OfficialFactory(organisation=consultation.organisation))
    page = client.get(reverse("feedback_report_detail", args=[consultation.pk])).content.decode()
    assert "Idées proches les unes des autres" in page
    assert f'href="/admin/ideas/{first.pk}/merge/"' in page
    assert "<td>Reçue</td>" in page
