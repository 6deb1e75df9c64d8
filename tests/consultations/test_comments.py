"""Comments on ideas and statements: threads of bounded depth, stances, an edit window, deletion by
the author with a placeholder, escaped plain text, and a constant number of queries per thread."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.services import account_delete
from consultations.models import COMMENT_MAX_LENGTH, Comment, Follow, Idea, Statement
from tests.factories import UserFactory, consultation_create

pytestmark = pytest.mark.django_db


def idea_url(idea):
    return f"/consultations/{idea.consultation_id}/ideas/{idea.pk}/"


def post_comment(client, idea, text="Bonne idée.", stance="for", **extra):
    return client.post(idea_url(idea), {"text": text, "stance": stance, **extra})


def comment(idea, author=None, text="Un avis.", stance="neutral", parent=None, **fields):
    depth = min(parent.depth + 1, 2) if parent else 0
    return Comment.objects.create(
        consultation=idea.consultation,
        idea=idea,
        author=author or UserFactory(),
        text=text,
        stance=stance,
        parent=parent,
        depth=depth,
        **fields,
    )


def test_a_participant_comments_and_follows_the_consultation(en, idea, participant):
    en.force_login(participant)
    posted = post_comment(en, idea, "Oui, et un clavier aussi.", "for")
    saved = Comment.objects.get()
    assert posted.status_code == 302
    assert posted["Location"] == f"{idea_url(idea)}#comment-{saved.pk}", "back to the comment"
    assert (saved.author, saved.stance, saved.depth) == (participant, "for", 0)
    assert Follow.objects.filter(user=participant, consultation=idea.consultation).exists()
    page = en.get(idea_url(idea)).content.decode()
    assert "Oui, et un clavier aussi." in page
    assert f'id="comment-{saved.pk}"' in page


def test_comments_work_on_statements_too(en, forum, participant):
    statement = Statement.objects.create(
        consultation=forum, author=UserFactory(), text="Deux jours suffisent."
    )
    en.force_login(participant)
    url = f"/consultations/{forum.pk}/statements/{statement.pk}/"
    assert en.post(url, {"text": "Trois, plutôt.", "stance": "against"}).status_code == 302
    assert "Trois, plutôt." in en.get(url).content.decode()
    listing = en.get(f"/consultations/{forum.pk}/statements/").content.decode()
    assert "1 comment" in listing


def test_a_script_in_a_comment_is_shown_as_text(en, idea, participant):
    en.force_login(participant)
    post_comment(en, idea, '<script>alert("x")</script><b>gras</b>')
    page = en.get(idea_url(idea)).content.decode()
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;gras&lt;/b&gt;" in page
    assert Comment.objects.get().text == '<script>alert("x")</script><b>gras</b>', "stored as typed"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"text": "", "stance": "for"}, "text", "Write your comment before sending it."),
        ({"text": "   \n ", "stance": "for"}, "text", "Write your comment before sending it."),
        ({"text": "x" * (COMMENT_MAX_LENGTH + 1), "stance": "for"}, "text", "at most 2000 characters"),
        ({"text": "Bien.", "stance": "maybe"}, "stance", "Choose for, against or neutral."),
        ({"text": "Bien."}, "stance", "Choose for, against or neutral."),
    ],
)
def test_bad_comments_are_refused_next_to_the_field_and_kept(en, idea, participant, data, field, message):
    en.force_login(participant)
    refused = en.post(idea_url(idea), data)
    assert refused.status_code == 400
    assert field in refused.context["form"].errors
    assert message in refused.content.decode()
    if data.get("text", "").strip():
        assert data["text"][:50] in refused.content.decode(), "what was typed comes back"
    assert not Comment.objects.exists()


def test_replies_nest_three_levels_then_stay_at_the_last_one(en, idea, participant):
    en.force_login(participant)
    top = comment(idea, text="Niveau zéro")
    post_comment(en, idea, "Niveau un", parent=top.pk)
    one = Comment.objects.get(text="Niveau un")
    post_comment(en, idea, "Niveau deux", parent=one.pk)
    two = Comment.objects.get(text="Niveau deux")
    post_comment(en, idea, "Encore plus bas", parent=two.pk)
    deeper = Comment.objects.get(text="Encore plus bas")
    assert [one.depth, two.depth, deeper.depth] == [1, 2, 2]
    assert deeper.parent == two, "it still says which comment it answers"
    page = en.get(idea_url(idea)).content.decode()
    assert f'href="#comment-{two.pk}"' in page, "shown beside it, with a link to the comment it answers"
    assert page.count('class="comment-replies"') == 2, "two nested levels under the top comment"


def test_a_reply_to_a_comment_of_another_item_is_refused(en, idea, participant):
    other = Idea.objects.create(consultation=idea.consultation, author=UserFactory(), title="Autre", text="…")
    elsewhere = comment(other)
    en.force_login(participant)
    for parent in (elsewhere.pk, "abc", 999999):
        refused = post_comment(en, idea, "Réponse égarée", parent=parent)
        assert refused.status_code == 400
        assert "You can only reply to a comment on the same item." in refused.content.decode()
        assert "Réponse égarée" in refused.content.decode()
    assert not Comment.objects.filter(text="Réponse égarée").exists()


def test_the_author_edits_within_the_window_and_it_shows_as_edited(en, idea, participant):
    mine = comment(idea, author=participant, text="Premier jet", stance="neutral")
    en.force_login(participant)
    edit_url = f"/consultations/{idea.consultation_id}/comments/{mine.pk}/edit/"
    assert "Premier jet" in en.get(edit_url).content.decode()
    assert en.post(edit_url, {"text": "Version corrigée", "stance": "for"}).status_code == 302
    mine.refresh_from_db()
    assert (mine.text, mine.stance) == ("Version corrigée", "for")
    page = en.get(idea_url(idea)).content.decode()
    assert "Version corrigée" in page
    assert "edited" in page

    refused = en.post(edit_url, {"text": "", "stance": "for"})
    assert refused.status_code == 400
    mine.refresh_from_db()
    assert mine.text == "Version corrigée"


def test_editing_after_the_window_or_someone_elses_comment_is_refused(en, idea, participant):
    old = comment(idea, author=participant, text="Ancien")
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    other = comment(idea, text="Pas à moi")
    en.force_login(participant)
    late = en.post(
        f"/consultations/{idea.consultation_id}/comments/{old.pk}/edit/",
        {"text": "Trop tard", "stance": "for"},
    )
    assert late.status_code == 403
    assert "The time to edit this comment is over" in late.content.decode()
    theirs = en.post(
        f"/consultations/{idea.consultation_id}/comments/{other.pk}/edit/", {"text": "Pris", "stance": "for"}
    )
    assert theirs.status_code == 403
    assert "Only its author can edit this comment." in theirs.content.decode()
    assert set(Comment.objects.values_list("text", flat=True)) == {"Ancien", "Pas à moi"}


def test_deleting_leaves_a_placeholder_and_the_replies(en, idea, participant):
    mine = comment(idea, author=participant, text="À retirer")
    reply = comment(idea, text="Réponse qui reste", parent=mine)
    en.force_login(participant)
    url = f"/consultations/{idea.consultation_id}/comments/{mine.pk}/delete/"
    assert en.post(url).status_code == 302
    mine.refresh_from_db()
    assert (mine.status, mine.text) == (Comment.Status.DELETED, "")
    page = en.get(idea_url(idea)).content.decode()
    assert "Comment deleted by its author." in page
    assert "À retirer" not in page
    assert "Réponse qui reste" in page
    assert f'id="comment-{reply.pk}"' in page

    others = en.post(f"/consultations/{idea.consultation_id}/comments/{reply.pk}/delete/")
    assert others.status_code == 403
    assert Comment.objects.get(pk=reply.pk).status == Comment.Status.PUBLISHED


def test_sorting_and_the_stance_filter(en, idea):
    first = comment(idea, text="Premier pour", stance="for")
    second = comment(idea, text="Second contre", stance="against")
    comment(idea, text="Réponse neutre", stance="neutral", parent=second)
    Comment.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=1))

    oldest = en.get(idea_url(idea)).content.decode()
    assert oldest.index("Premier pour") < oldest.index("Second contre")
    newest = en.get(idea_url(idea), {"order": "newest"}).content.decode()
    assert newest.index("Second contre") < newest.index("Premier pour")
    against = en.get(idea_url(idea), {"stance": "against"}).content.decode()
    assert "Second contre" in against
    assert "Réponse neutre" in against, "with its replies"
    assert "Premier pour" not in against
    assert "For: 1 · Against: 1 · Neutral: 1" in oldest
    discussed = en.get(idea_url(idea), {"order": "most_replies"}).content.decode()
    assert discussed.index("Second contre") < discussed.index("Premier pour"), "the one with a reply first"
    # Unknown values fall back to the default rather than failing.
    assert en.get(idea_url(idea), {"order": "'; drop", "stance": "x"}).status_code == 200


def test_visitors_read_but_must_sign_in_and_closed_consultations_take_no_comment(
    en, organisation, participant
):
    closed = consultation_create(
        organisation=organisation,
        ideas_enabled=True,
        opens_in=timedelta(days=-5),
        closes_in=timedelta(days=-1),
    )
    idea = Idea.objects.create(consultation=closed, author=UserFactory(), title="Vieille idée", text="…")
    comment(idea, text="Lisible par tous")
    page = en.get(idea_url(idea))
    assert page.status_code == 200
    assert "Lisible par tous" in page.content.decode()
    assert post_comment(en, idea)["Location"].startswith("/accounts/login/")
    en.force_login(participant)
    refused = post_comment(en, idea, "Trop tard")
    assert refused.status_code == 403
    assert not Comment.objects.filter(text="Trop tard").exists()


def test_unverified_people_cannot_comment(en, idea):
    en.force_login(UserFactory(verified=False))
    refused = post_comment(en, idea, "Sans adresse confirmée")
    assert refused.status_code == 403
    assert "Confirm your e-mail address before commenting" in refused.content.decode()
    assert not Comment.objects.exists()


def test_comments_are_rate_limited_per_account(en, idea, participant, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "contribute_comment": "2/m/user"}
    en.force_login(participant)
    assert [post_comment(en, idea, f"Avis {n}").status_code for n in range(3)] == [302, 302, 429]
    assert Comment.objects.count() == 2


def test_a_thread_costs_the_same_queries_for_2_or_50_comments(
    en, idea, participant, django_assert_num_queries
):
    en.force_login(participant)
    parent = comment(idea, author=participant)
    comment(idea, parent=parent)

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert en.get(idea_url(idea)).status_code == 200
        return len(context)

    queries()
    before = queries()
    for index in range(48):
        parent = comment(
            idea, author=UserFactory() if index % 2 else participant, parent=parent if index % 3 else None
        )
    assert Comment.objects.count() == 50
    assert queries() == before


def test_the_lists_show_comment_counts_in_one_query(en, idea, participant):
    comment(idea)
    comment(idea)
    comment(idea, status=Comment.Status.HIDDEN)
    listing = en.get(f"/consultations/{idea.consultation_id}/ideas/")
    assert "2 comments" in listing.content.decode()
    for index in range(10):
        Idea.objects.create(consultation=idea.consultation, author=None, title=f"Idée {index}", text="…")

    def queries():
        with CaptureQueriesContext(connection) as context:
            en.get(f"/consultations/{idea.consultation_id}/ideas/")
        return len(context)

    before = queries()
    for other in Idea.objects.exclude(pk=idea.pk):
        comment(other)
    assert queries() == before


def test_comments_are_exported_and_stay_anonymised_after_account_deletion(client, idea, participant):
    comment(idea, author=participant, text="Mon commentaire à moi", stance="against")
    client.force_login(participant)
    data = json.loads(client.get("/profile/data/").content)
    [exported] = data["consultation_comments"]
    assert (exported["text"], exported["stance"], exported["on"]) == (
        "Mon commentaire à moi",
        "against",
        "Des écrans",
    )
    account_delete(user=participant)
    kept = Comment.objects.get(text="Mon commentaire à moi")
    assert kept.author is None
    assert "Mon commentaire à moi" in client.get(idea_url(idea)).content.decode()
