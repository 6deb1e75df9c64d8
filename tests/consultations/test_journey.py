"""A participant's way through a consultation without JavaScript: the summary at the top and its one
"Take part" button, sign-in links that bring the person back where they were, and every action's
confirmation shown in the section acted on (the redirect's #anchor), not at the top of the page."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from consultations.models import Comment, Follow, Idea, Response, Statement, Support, Vote
from consultations.summary import consultation_figures, consultation_figures_forget
from tests.factories import (
    EVERY_KIND,
    UserFactory,
    consultation_create,
    form_data,
    outcome_create,
)

pytestmark = pytest.mark.django_db
LOGIN = reverse("account_login")


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def summary(response):
    return soup(response).select_one(".consultation-summary")


def sign_in_next(href: str) -> str:
    """Where the sign-in link `href` brings the person back to."""
    parts = urlsplit(href)
    assert parts.path == LOGIN, href
    return parse_qs(parts.query)["next"][0]


def confirmed_in(client, location: str, anchor: str, text: str) -> None:
    """The page at `location` shows `text` as the focusable confirmation inside the element `#anchor`,
    and nowhere else (not at the top of the page among the messages)."""
    assert location.endswith(f"#{anchor}"), location
    page = soup(client.get(location.split("#")[0]))
    section = page.find(id=anchor)
    assert section is not None, f"#{anchor} is on the page"
    note = section.select_one("[data-confirmation]")
    assert note is not None, f"the confirmation is inside #{anchor}"
    assert text in note.get_text()
    assert note["tabindex"] == "-1"
    assert note.has_attr("autofocus")
    assert not page.select(".messages"), "not repeated at the top"
    again = soup(client.get(location.split("#")[0]))
    assert not again.select("[data-confirmation]"), "shown once"


# The summary at the top


def test_the_summary_says_what_is_asked_how_long_and_how_many_took_part(en, organisation):
    consultation = consultation_create(
        organisation=organisation, questions=EVERY_KIND, statements_enabled=True, ideas_enabled=True
    )
    someone, other, third = UserFactory(), UserFactory(), UserFactory()
    statement = Statement.objects.create(consultation=consultation, author=someone, text="Plus de bus")
    Statement.objects.create(consultation=consultation, text="En attente", status=Statement.Status.PENDING)
    Vote.objects.create(statement=statement, participant=someone, value=1)
    Vote.objects.create(statement=statement, participant=other, value=-1)
    idea = Idea.objects.create(consultation=consultation, author=someone, title="Un abri", text="…")
    Support.objects.create(idea=idea, supporter=third)
    Response.objects.create(
        consultation=consultation, participant=other, status="submitted", submitted_at=timezone.now()
    )
    Response.objects.create(consultation=consultation, status="submitted", submitted_at=timezone.now())
    Response.objects.create(consultation=consultation, participant=UserFactory(), status="draft")

    text = " ".join(summary(en.get(consultation.url)).get_text().split())
    assert "Open until" in text
    # 8 questions: 40 + 15 + 25 + 10 + 15 + 45 + 20 + 120 seconds (consultations/summary.py), 5 minutes.
    assert "8 questions" in text
    assert "about 5 minutes" in text
    assert "1 statement to vote on" in text, "published statements only"
    assert "1 idea proposed" in text
    # someone (statement, vote, idea), other (vote, answer), third (support), a paper form; not a draft.
    assert "4 people took part" in text


def test_a_visitor_is_asked_to_sign_in_and_brought_back_to_the_questionnaire(en, consultation):
    take_part = summary(en.get(consultation.url)).find("a", string="Take part")
    assert sign_in_next(take_part["href"]) == f"{consultation.url}#questionnaire"


def test_take_part_goes_to_the_first_thing_left_to_do(en, user, organisation):
    consultation = consultation_create(organisation=organisation, statements_enabled=True)
    en.force_login(user)
    assert summary(en.get(consultation.url)).find("a", string="Take part")["href"] == (
        f"{consultation.url}#questionnaire"
    )
    Response.objects.create(
        consultation=consultation, participant=user, status="submitted", submitted_at=timezone.now()
    )
    assert summary(en.get(consultation.url)).find("a", string="Take part")["href"] == (
        f"{consultation.url}#statements"
    ), "answered: the statements come next"

    ideas_only = consultation_create(organisation=organisation, title="Idées", ideas_enabled=True)
    Response.objects.create(
        consultation=ideas_only, participant=user, status="submitted", submitted_at=timezone.now()
    )
    assert summary(en.get(ideas_only.url)).find("a", string="Take part")["href"] == reverse(
        "idea_list", args=[ideas_only.pk]
    ), "answered, no statements: the ideas come next"


def test_a_closed_consultation_says_so_and_links_to_what_came_of_it(en, user, organisation):
    consultation = consultation_create(
        organisation=organisation, opens_in=timedelta(days=-30), closes_in=timedelta(days=-3)
    )
    en.force_login(user)
    top = summary(en.get(consultation.url))
    assert "Closed on" in top.get_text()
    assert top.find("a", string="Take part") is None
    assert "Open until" not in top.get_text()
    assert "has not been published yet" in top.get_text()

    outcome = outcome_create(consultation, title="Ce que nous avons retenu")
    top = summary(en.get(consultation.url))
    assert top.find("a", string="See what came of it")["href"] == outcome.url


def test_an_upcoming_consultation_has_no_take_part_button(en, organisation):
    consultation = consultation_create(organisation=organisation, opens_in=timedelta(days=2))
    top = summary(en.get(consultation.url))
    assert "Opens on" in top.get_text()
    assert top.find("a", string="Take part") is None


def test_the_people_count_is_cached_then_counted_again_when_forgotten(en, consultation, user):
    assert "0 people took part" in summary(en.get(consultation.url)).get_text()
    Response.objects.create(
        consultation=consultation, participant=user, status="submitted", submitted_at=timezone.now()
    )
    consultation_figures_forget(consultation.pk)
    assert "1 person took part" in summary(en.get(consultation.url)).get_text()


def test_the_figures_are_one_query_then_none_while_cached(consultation, django_assert_num_queries):
    with django_assert_num_queries(1):
        first = consultation_figures(consultation)
    with django_assert_num_queries(0):
        assert consultation_figures(consultation) == first


# Sign-in links that bring the person back


def test_every_sign_in_link_of_the_consultation_page_brings_the_visitor_back(en, organisation):
    consultation = consultation_create(organisation=organisation, statements_enabled=True)
    page = soup(en.get(consultation.url))
    questionnaire = page.find(id="questionnaire").find("a", string="Sign in")
    assert sign_in_next(questionnaire["href"]) == f"{consultation.url}#questionnaire"
    signup = page.find(id="questionnaire").find("a", string="Create an account")
    assert parse_qs(urlsplit(signup["href"]).query)["next"][0] == f"{consultation.url}#questionnaire"
    statements = page.find(id="statements").find("a")
    assert "Sign in to vote" in statements.get_text()
    assert sign_in_next(statements["href"]) == f"{consultation.url}#statements"


def test_the_ideas_list_invites_visitors_to_sign_in_and_propose(en, forum, idea):
    page = soup(en.get(reverse("idea_list", args=[forum.pk])))
    propose = page.find("a", string="Sign in to propose an idea")
    assert sign_in_next(propose["href"]) == reverse("idea_create", args=[forum.pk])
    support = page.find(id=f"idea-{idea.pk}").find("a", string="Sign in to support this idea")
    assert sign_in_next(support["href"]) == f"{reverse('idea_list', args=[forum.pk])}#idea-{idea.pk}"


def test_the_ideas_list_invites_participants_with_a_button_and_nobody_once_closed(en, user, forum, idea):
    en.force_login(user)
    page = soup(en.get(reverse("idea_list", args=[forum.pk])))
    assert page.find("a", string="Propose an idea")["href"] == reverse("idea_create", args=[forum.pk])
    forum.closes_at = timezone.now() - timedelta(minutes=1)
    forum.save_revision().publish()
    en.logout()
    en.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # signing out forgets the client's cookies
    page = soup(en.get(reverse("idea_list", args=[forum.pk])))
    assert page.find("a", string="Propose an idea") is None
    assert page.find("a", string="Sign in to propose an idea") is None
    assert page.find("a", string="Sign in to support this idea") is None
    assert "Ideas were taken until" in page.get_text()


def test_an_idea_page_has_its_support_button_and_for_visitors_a_sign_in_link(en, user, forum, idea):
    url = idea.get_absolute_url()
    page = soup(en.get(url))
    link = page.find(id="support").find("a", string="Sign in to support this idea")
    assert sign_in_next(link["href"]) == f"{url}#support"
    assert "0 supports" in page.find(id="support").get_text()
    comment_link = page.find(id="comments").find("a", string="Sign in to comment.")
    assert sign_in_next(comment_link["href"]) == f"{url}#comments"

    en.force_login(user)
    page = soup(en.get(url))
    assert page.find(id="support").find("button", string="Support this idea") is not None
    response = en.post(
        reverse("idea_support", args=[forum.pk, idea.pk]), {"supporting": "1", "from": "detail"}
    )
    assert response.status_code == 302
    confirmed_in(en, response["Location"], "support", "Your support is recorded.")
    box = soup(en.get(url)).find(id="support")
    assert "1 support" in box.get_text()
    assert box.find("button", string="Withdraw my support")["aria-pressed"] == "true"
    response = en.post(
        reverse("idea_support", args=[forum.pk, idea.pk]), {"supporting": "0", "from": "detail"}
    )
    confirmed_in(en, response["Location"], "support", "Your support is withdrawn.")
    assert not Support.objects.filter(idea=idea, supporter=user).exists()


def test_posting_signed_out_goes_to_sign_in_and_back_to_the_same_place(en, forum, idea):
    response = en.post(
        reverse("idea_support", args=[forum.pk, idea.pk]), {"supporting": "1", "from": "detail"}
    )
    assert sign_in_next(response["Location"]) == f"{idea.get_absolute_url()}#support"
    response = en.post(idea.get_absolute_url(), {"text": "Oui", "stance": "for"})
    assert sign_in_next(response["Location"]) == f"{idea.get_absolute_url()}#comments"
    response = en.get(reverse("statement_create", args=[forum.pk]))
    assert sign_in_next(response["Location"]) == reverse("statement_create", args=[forum.pk])
    response = en.get(reverse("idea_create", args=[forum.pk]))
    assert sign_in_next(response["Location"]) == reverse("idea_create", args=[forum.pk])


# Confirmations where the person is


def test_answers_sent_and_draft_saved_are_confirmed_in_the_questionnaire(en, user, consultation):
    en.force_login(user)
    response = en.post(consultation.url, {**form_data(consultation), "action": "draft"})
    confirmed_in(en, response["Location"], "questionnaire", "Your draft is saved.")
    response = en.post(consultation.url, {**form_data(consultation), "action": "send"})
    confirmed_in(en, response["Location"], "questionnaire", "Thank you, your answers are saved.")
    response = en.post(consultation.url, {**form_data(consultation, choice=1), "action": "send"})
    confirmed_in(en, response["Location"], "questionnaire", "Your answers are updated.")


def test_a_published_statement_and_a_vote_are_confirmed_in_the_statements(en, user, forum):
    en.force_login(user)
    response = en.post(reverse("statement_create", args=[forum.pk]), {"text": "Des navettes le soir"})
    confirmed_in(en, response["Location"], "statements", "your statement is published")
    other = Statement.objects.create(consultation=forum, author=UserFactory(), text="Plus de bancs")
    response = en.post(reverse("statement_vote", args=[forum.pk, other.pk]), {"value": "1"})
    confirmed_in(en, response["Location"], "statements", "Your vote is recorded.")


def test_a_vote_from_the_list_is_confirmed_in_its_row(en, user, forum):
    en.force_login(user)
    statement = Statement.objects.create(consultation=forum, author=UserFactory(), text="Plus de bancs")
    response = en.post(
        reverse("statement_vote", args=[forum.pk, statement.pk]), {"value": "-1", "from": "list", "page": "1"}
    )
    assert response["Location"].startswith(reverse("statement_list", args=[forum.pk]) + "#")
    confirmed_in(en, response["Location"], f"statement-{statement.pk}", "Your vote is recorded.")


def test_a_proposed_idea_is_confirmed_on_its_page(en, user, forum):
    en.force_login(user)
    response = en.post(
        reverse("idea_create", args=[forum.pk]),
        {"title": "Un composteur collectif", "text": "Dans la cour.", "confirmed": "1"},
    )
    idea = Idea.objects.get(title="Un composteur collectif")
    assert response["Location"] == f"{idea.get_absolute_url()}#idea"
    confirmed_in(en, response["Location"], "idea", "your idea is published")


def test_a_support_from_the_list_is_confirmed_on_its_card(en, user, forum, idea):
    en.force_login(user)
    response = en.post(reverse("idea_support", args=[forum.pk, idea.pk]), {"supporting": "1", "page": "1"})
    confirmed_in(en, response["Location"], f"idea-{idea.pk}", "Your support is recorded.")


def test_comments_posted_edited_and_deleted_are_confirmed_beside_the_comment(en, user, forum, idea):
    en.force_login(user)
    response = en.post(idea.get_absolute_url(), {"text": "Bonne idée", "stance": "for"})
    comment = Comment.objects.get(author=user)
    confirmed_in(en, response["Location"], f"comment-{comment.pk}", "your comment is published")
    response = en.post(
        reverse("comment_edit", args=[forum.pk, comment.pk]), {"text": "Très bonne idée", "stance": "for"}
    )
    confirmed_in(en, response["Location"], f"comment-{comment.pk}", "Your comment is updated.")
    response = en.post(reverse("comment_delete", args=[forum.pk, comment.pk]))
    confirmed_in(en, response["Location"], f"comment-{comment.pk}", "Your comment is deleted.")


def test_a_report_is_confirmed_where_the_reported_item_is(en, user, forum, idea):
    en.force_login(user)
    response = en.post(
        reverse("contribution_report", args=[forum.pk, "idea", idea.pk]), {"reason": "spam", "details": ""}
    )
    confirmed_in(en, response["Location"], "report", "the moderators will look at it")
    comment = Comment.objects.create(
        consultation=forum, idea=idea, author=UserFactory(), text="Hors sujet", stance="neutral"
    )
    response = en.post(
        reverse("contribution_report", args=[forum.pk, "comment", comment.pk]),
        {"reason": "spam", "details": ""},
    )
    confirmed_in(en, response["Location"], f"comment-{comment.pk}", "the moderators will look at it")


def test_follow_and_unfollow_are_confirmed_beside_the_button(en, user, consultation):
    en.force_login(user)
    url = reverse("consultation_follow", args=[consultation.pk])
    confirmed_in(en, en.post(url, {"following": "1"})["Location"], "follow", "You follow this consultation")
    assert Follow.objects.filter(user=user, consultation=consultation).exists()
    confirmed_in(en, en.post(url, {"following": "0"})["Location"], "follow", "You no longer follow")


def test_a_confirmation_is_only_shown_on_its_own_page(en, user, forum):
    en.force_login(user)
    en.post(reverse("statement_create", args=[forum.pk]), {"text": "Des navettes le soir"})
    other = soup(en.get(reverse("idea_list", args=[forum.pk])))
    assert not other.select("[data-confirmation]")
    assert soup(en.get(forum.url)).select("#statements [data-confirmation]"), "still kept for its page"
