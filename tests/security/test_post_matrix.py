"""Changes posted by people not entitled to make them are refused and change nothing: someone else's
comment, dossier, attachment, evaluation; moderation and decisions of another organisation."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from calls.models import Assignment, Attachment, Milestone, Project, StatusChange
from consultations.models import Comment, Follow, Idea, Statement, Support, Vote
from tests.security.scenario import PERSONAS, scenario_create
from tests.security.test_url_matrix import _client, _refused

pytestmark = pytest.mark.django_db


def fingerprint(scenario) -> dict:
    """What any of the posts below would change."""
    return {
        "comments": list(Comment.objects.order_by("pk").values_list("pk", "text", "status")),
        "statements": list(Statement.objects.order_by("pk").values_list("pk", "status", "moderation_reason")),
        "ideas": list(Idea.objects.order_by("pk").values_list("pk", "moderation_status", "status", "answer")),
        "votes": Vote.objects.count(),
        "supports": Support.objects.count(),
        "follows": Follow.objects.count(),
        "projects": list(Project.objects.order_by("pk").values_list("pk", "status", "title")),
        "attachments": Attachment.objects.count(),
        "milestones": list(Milestone.objects.order_by("pk").values_list("pk", "title")),
        "assignments": list(Assignment.objects.order_by("pk").values_list("pk", "has_conflict", "comment")),
        "status_changes": StatusChange.objects.count(),
        "memberships": Membership.objects.count(),
    }


def posts(s):
    """(address, data, the personas who may post it)."""
    c = s.consultation.pk
    return [
        (
            reverse("comment_edit", args=[c, s.comment.pk]),
            {"text": "Réécrit", "stance": "against"},
            {"participant"},
        ),
        (reverse("comment_delete", args=[c, s.comment.pk]), {}, {"participant"}),
        (reverse("statement_vote", args=[c, s.hidden_statement.pk]), {"choice": "agree"}, set()),
        (reverse("statement_vote", args=[c, s.pending_statement.pk]), {"choice": "agree"}, set()),
        (reverse("idea_support", args=[c, s.hidden_idea.pk]), {}, set()),
        (reverse("consultation_follow", args=[s.draft_consultation.pk]), {}, set()),
        (reverse("calls_project", args=[s.draft_dossier.pk]), {"title": "Volé"}, {"participant"}),
        (
            reverse("calls_attachment_delete", args=[s.draft_dossier.pk, s.draft_attachment.pk]),
            {},
            {"participant"},
        ),
        (
            reverse("calls_milestone_change", args=[s.submitted_dossier.pk, s.milestone.pk]),
            {"title": "Volé", "due_on": "2027-01-01", "progress": "50", "note": ""},
            set(),  # milestones follow laureates only
        ),
        (reverse("calls_evaluation_declare", args=[s.assignment.pk]), {"has_conflict": "yes"}, {"evaluator"}),
        (reverse("calls_evaluation_score", args=[s.assignment.pk]), {"comment": "Volé"}, {"evaluator"}),
        (
            reverse("consultations_moderate", args=["idea", s.hidden_idea.pk]),
            {"kind": "restore", "reason": "Volé"},
            {"moderator"},
        ),
        (
            reverse("consultations_statement_moderate", args=[s.pending_statement.pk]),
            {"kind": "publish", "reason": "Volé"},
            {"moderator"},
        ),
        (
            reverse("consultations_idea_answer", args=[s.idea.pk]),
            {"status": "accepted", "answer": "Volé"},
            set(),
        ),
        (reverse("consultations_idea_merge", args=[s.idea.pk]), {"into": s.hidden_idea.pk}, {"moderator"}),
        (
            reverse("consultations_moderation_bulk"),
            {
                "items": [f"statement:{s.pending_statement.pk}", f"idea:{s.idea.pk}"],
                "action": "hide",
                "reason": "Volé",
            },
            {"moderator"},
        ),
        (
            reverse("calls_admin_status", args=[s.submitted_dossier.pk]),
            {"status": "selected", "reason": "Volé"},
            set(),
        ),
        (reverse("feedback_report_compile", args=[c]), {}, set()),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_posts_of_people_not_entitled_are_refused_and_change_nothing(persona):
    scenario = scenario_create()
    client = _client(scenario, persona)
    failures = []
    for url, data, allowed in posts(scenario):
        if persona in allowed:
            continue
        before = fingerprint(scenario)
        response = client.post(url, data)
        if not _refused(response, url):
            failures.append(f"POST {url}: {response.status_code} {response.get('Location', '')}")
        changed = [key for key, value in fingerprint(scenario).items() if before[key] != value]
        if changed:
            failures.append(f"POST {url} changed {changed}")
    assert not failures, f"{persona}:\n  " + "\n  ".join(failures)


def test_the_matrix_is_not_vacuous():
    """The owner's own post goes through (so a refusal above is about the person, not the data)."""
    scenario = scenario_create()
    client = _client(scenario, "participant")
    url = reverse("comment_edit", args=[scenario.consultation.pk, scenario.comment.pk])
    response = client.post(url, {"text": "Réécrit par son auteur", "stance": "against"})
    assert response.status_code == 302
    assert Comment.objects.get(pk=scenario.comment.pk).text == "Réécrit par son auteur"
    assert isinstance(client, Client)
