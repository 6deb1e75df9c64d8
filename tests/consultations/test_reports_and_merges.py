"""Reports by participants, the moderation of ideas and comments, and merging duplicate ideas."""

import json
import threading

import pytest
from django.db import connection
from django.urls import reverse
from wagtail.users.models import UserProfile

from consultations.models import Comment, Idea, ModerationAction, Report, Statement, Support
from consultations.services.ideas import idea_merge, idea_support_set
from consultations.services.refusals import ResponseRefused
from tests.factories import (
    ModeratorFactory,
    OfficialFactory,
    OrganisationFactory,
    UserFactory,
    consultation_create,
)

pytestmark = pytest.mark.django_db
QUEUE = "/admin/moderation/"


def in_english(user):
    """Staff read the back office in their profile's language: English, the source strings."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


@pytest.fixture
def remark(idea):
    return Comment.objects.create(
        consultation=idea.consultation,
        idea=idea,
        author=UserFactory(),
        text="Achetez mes écrans !",
        stance="for",
    )


@pytest.fixture
def moderator(organisation):
    return in_english(ModeratorFactory(organisation=organisation))


def report_url(item, kind):
    return f"/consultations/{item.consultation_id}/report/{kind}/{item.pk}/"


def moderate(client, kind, item, action, reason=""):
    return client.post(
        reverse("consultations_moderate", args=[kind, item.pk]), {"kind": action, "reason": reason}
    )


def test_participants_report_once_and_moderators_see_count_and_reasons(en, remark, moderator):
    first, second = UserFactory(), UserFactory()
    en.force_login(first)
    assert en.post(report_url(remark, "comment"), {"reason": "spam"}).status_code == 302
    again = en.post(report_url(remark, "comment"), {"reason": "offensive"})
    assert again.status_code == 409
    assert "You have already reported this" in again.content.decode()
    en.force_login(second)
    en.post(report_url(remark, "comment"), {"reason": "other", "details": "Publicité déguisée"})
    assert Report.objects.filter(comment=remark).count() == 2

    en.force_login(moderator)
    queue = en.get(QUEUE).content.decode()
    assert "Achetez mes écrans !" in queue
    assert "2 reports" in queue
    assert "Spam or advertising" in queue
    assert "Publicité déguisée" in queue


@pytest.mark.parametrize("reason", ["", "insult", "spam'--"])
def test_reports_with_an_unknown_reason_are_refused(en, idea, participant, reason):
    en.force_login(participant)
    refused = en.post(report_url(idea, "idea"), {"reason": reason, "details": "Je garde ce texte"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Choose one of the reasons offered." in body
    assert "Je garde ce texte" in body
    assert not Report.objects.exists()


def test_tampered_reports_are_refused(en, idea, participant):
    en.force_login(participant)
    assert (
        en.post(
            f"/consultations/{idea.consultation_id}/report/page/{idea.pk}/", {"reason": "spam"}
        ).status_code
        == 404
    )
    elsewhere = consultation_create(ideas_enabled=True)
    assert (
        en.post(f"/consultations/{elsewhere.pk}/report/idea/{idea.pk}/", {"reason": "spam"}).status_code
        == 404
    )
    own = Idea.objects.create(consultation=idea.consultation, author=participant, title="La mienne", text="…")
    refused = en.post(report_url(own, "idea"), {"reason": "spam"})
    assert refused.status_code == 403
    assert "your own contribution" in refused.content.decode()
    assert not Report.objects.exists()


def test_a_hidden_comment_leaves_a_placeholder_and_its_author_sees_why(en, remark, moderator):
    Report.objects.create(comment=remark, reporter=UserFactory(), reason="spam")
    en.force_login(moderator)
    refused = moderate(en, "comment", remark, "hide")
    assert refused.status_code == 400
    assert "Give the reason for hiding it" in refused.content.decode()
    remark.refresh_from_db()
    assert remark.status == Comment.Status.PUBLISHED

    assert moderate(en, "comment", remark, "hide", "Publicité").status_code == 302
    remark.refresh_from_db()
    assert (remark.status, remark.moderation_reason) == (Comment.Status.HIDDEN, "Publicité")
    assert not Report.objects.filter(resolved_at=None).exists(), "the reports are handled"

    en.logout()
    public = en.get(remark.get_absolute_url().split("#")[0]).content.decode()
    assert "Commentaire masqué par la modération." in public
    assert "Achetez mes écrans !" not in public
    en.force_login(remark.author)
    own = en.get(remark.get_absolute_url().split("#")[0]).content.decode()
    assert "Achetez mes écrans !" in own
    assert "Publicité" in own

    en.force_login(moderator)
    moderate(en, "comment", remark, "restore", "Erreur de ma part")
    remark.refresh_from_db()
    assert (remark.status, remark.moderation_reason) == (Comment.Status.PUBLISHED, "Erreur de ma part")
    assert list(ModerationAction.objects.order_by("created_at").values_list("kind", "comment")) == [
        ("hide", remark.pk),
        ("restore", remark.pk),
    ]
    assert "Erreur de ma part" in en.get(QUEUE).content.decode(), "in the moderation log"


def test_a_hidden_idea_leaves_the_lists_but_its_author_still_sees_it(en, idea, moderator):
    en.force_login(moderator)
    moderate(en, "idea", idea, "hide", "Données personnelles")
    list_url = f"/consultations/{idea.consultation_id}/ideas/"
    en.logout()
    assert "Des écrans" not in en.get(list_url).content.decode()
    assert en.get(idea.get_absolute_url()).status_code == 404
    en.force_login(idea.author)
    mine = en.get(list_url).content.decode()
    assert "Des écrans" in mine
    assert "Données personnelles" in mine
    assert "Données personnelles" in en.get(idea.get_absolute_url()).content.decode()
    assert ModerationAction.objects.get(idea=idea).kind == "hide"


def test_keeping_a_reported_item_closes_its_reports(en, remark, moderator):
    reporter = UserFactory()
    Report.objects.create(comment=remark, reporter=reporter, reason="off_topic")
    en.force_login(moderator)
    assert moderate(en, "comment", remark, "dismiss").status_code == 302
    remark.refresh_from_db()
    assert remark.status == Comment.Status.PUBLISHED
    assert "Nothing needs a decision." in en.get(QUEUE).content.decode()
    assert ModerationAction.objects.get().kind == "dismiss"
    en.force_login(reporter)
    assert en.post(report_url(remark, "comment"), {"reason": "spam"}).status_code == 302, "reportable again"


def test_moderators_do_not_moderate_their_own_ideas_and_comments(en, idea, moderator):
    own_idea = Idea.objects.create(consultation=idea.consultation, author=moderator, title="À moi", text="…")
    own_comment = Comment.objects.create(
        consultation=idea.consultation, idea=idea, author=moderator, text="Mon avis", stance="for"
    )
    en.force_login(moderator)
    for kind, item in (("idea", own_idea), ("comment", own_comment)):
        refused = moderate(en, kind, item, "hide", "Non")
        assert refused.status_code == 403
        assert "Your own contributions are moderated by someone else." in refused.content.decode()
    assert not ModerationAction.objects.exists()


def test_moderators_of_another_organisation_see_and_touch_nothing(en, remark):
    outsider = in_english(ModeratorFactory(organisation=OrganisationFactory()))
    Report.objects.create(comment=remark, reporter=UserFactory(), reason="spam")
    en.force_login(outsider)
    assert "Achetez mes écrans !" not in en.get(QUEUE).content.decode()
    assert moderate(en, "comment", remark, "hide", "Non").status_code == 404
    assert moderate(en, "widget", remark, "hide", "Non").status_code == 404
    remark.refresh_from_db()
    assert remark.status == Comment.Status.PUBLISHED


@pytest.mark.parametrize("action", ["", "merge", "approve", "delete"])
def test_actions_that_do_not_apply_change_nothing(en, remark, moderator, action):
    en.force_login(moderator)
    refused = moderate(en, "comment", remark, action, "raison")
    assert refused.status_code == 400
    remark.refresh_from_db()
    assert remark.status == Comment.Status.PUBLISHED
    assert not ModerationAction.objects.exists()


# Merging duplicate ideas


@pytest.fixture
def duplicates(forum):
    kept = Idea.objects.create(consultation=forum, author=UserFactory(), title="Un second écran", text="…")
    duplicate = Idea.objects.create(consultation=forum, author=UserFactory(), title="Deux écrans", text="…")
    both, only_duplicate, only_kept = UserFactory(), UserFactory(), UserFactory()
    Support.objects.bulk_create(
        [
            Support(idea=kept, supporter=both),
            Support(idea=duplicate, supporter=both),
            Support(idea=duplicate, supporter=only_duplicate),
            Support(idea=kept, supporter=only_kept),
        ]
    )
    return kept, duplicate, {both, only_duplicate, only_kept}


def merge(client, source, target_pk, reason="Même idée"):
    return client.post(
        reverse("consultations_idea_merge", args=[source.pk]), {"into": target_pk, "reason": reason}
    )


def test_merging_moves_supports_once_per_person(en, duplicates, moderator):
    kept, duplicate, supporters = duplicates
    Comment.objects.create(
        consultation=duplicate.consultation,
        idea=duplicate,
        author=UserFactory(),
        text="Avis conservé",
        stance="for",
    )
    en.force_login(moderator)
    assert merge(en, duplicate, kept.pk).status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept
    assert {support.supporter for support in kept.supports.all()} == supporters
    assert kept.supports.count() == 3, "the person who supported both counts once"
    assert not duplicate.supports.exists()
    action = ModerationAction.objects.get()
    assert (action.kind, action.idea, action.reason) == ("merge", duplicate, "Même idée")

    participant = UserFactory()
    en.force_login(participant)
    page = en.get(duplicate.get_absolute_url()).content.decode()
    assert "This idea was merged into:" in page
    assert kept.get_absolute_url() in page
    assert "Avis conservé" in page, "its comments stay readable"
    refused = en.post(
        f"/consultations/{kept.consultation_id}/ideas/{duplicate.pk}/support/", {"supporting": "1"}
    )
    assert refused.status_code == 403
    assert "merged into another one" in refused.content.decode()
    assert not duplicate.supports.exists()
    assert en.post(duplicate.get_absolute_url(), {"text": "Encore ?", "stance": "for"}).status_code == 403


def test_merges_that_make_no_sense_are_refused(en, duplicates, moderator, organisation):
    kept, duplicate, _supporters = duplicates
    elsewhere = Idea.objects.create(
        consultation=consultation_create(organisation=organisation, ideas_enabled=True),
        author=UserFactory(),
        title="Ailleurs",
        text="…",
    )
    hidden = Idea.objects.create(
        consultation=kept.consultation,
        author=UserFactory(),
        title="Cachée",
        text="…",
        moderation_status="hidden",
    )
    en.force_login(moderator)
    cases = [
        (duplicate.pk, "Même idée", "An idea cannot be merged into itself."),
        (elsewhere.pk, "Même idée", "Only ideas of the same consultation can be merged."),
        (kept.pk, "  ", "Give the reason for the merge"),
        (hidden.pk, "Même idée", "That idea is hidden by moderation"),
        ("abc", "Même idée", "Choose the idea to merge it into."),
        (999999, "Même idée", "Choose the idea to merge it into."),
    ]
    for target, reason, message in cases:
        refused = merge(en, duplicate, target, reason)
        assert refused.status_code == 400, target
        assert message in refused.content.decode()
    third = Idea.objects.create(consultation=kept.consultation, author=UserFactory(), title="Trois", text="…")
    merge(en, third, kept.pk)
    into_merged = merge(en, duplicate, third.pk)
    assert into_merged.status_code == 400
    assert "itself merged into another one" in into_merged.content.decode()
    again = merge(en, third, duplicate.pk)
    assert again.status_code == 400
    assert "already merged" in again.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
    assert duplicate.supports.count() == 2
    assert ModerationAction.objects.count() == 1


def test_officials_merge_too_but_not_outsiders(en, duplicates, organisation):
    kept, duplicate, _supporters = duplicates
    outsider = in_english(OfficialFactory(organisation=OrganisationFactory()))
    en.force_login(outsider)
    assert merge(en, duplicate, kept.pk).status_code == 404
    en.force_login(UserFactory())
    assert merge(en, duplicate, kept.pk).status_code in (302, 403)
    en.force_login(in_english(OfficialFactory(organisation=organisation)))
    assert merge(en, duplicate, kept.pk).status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept


def test_a_reported_statement_is_hidden_and_its_page_is_then_its_authors_only(en, forum, moderator):
    author = UserFactory()
    statement = Statement.objects.create(consultation=forum, author=author, text="Appelez le 06 12 34 56 78")
    url = statement.get_absolute_url()
    en.force_login(UserFactory())
    assert en.post(report_url(statement, "statement"), {"reason": "personal_data"}).status_code == 302
    en.force_login(moderator)
    assert "Reveals personal data" in en.get(QUEUE).content.decode()
    moderate(en, "statement", statement, "hide", "Numéro de téléphone")
    en.force_login(UserFactory())
    assert en.get(url).status_code == 404
    en.force_login(author)
    own = en.get(url).content.decode()
    assert "Numéro de téléphone" in own
    assert "Only you see this statement." in own


def test_reports_are_in_the_reporters_data_export(client, idea, participant):
    client.force_login(participant)
    client.post(report_url(idea, "idea"), {"reason": "off_topic", "details": "Hors sujet"})
    [exported] = json.loads(client.get("/profile/data/").content)["contribution_reports"]
    assert (exported["reason"], exported["details"], exported["handled"]) == (
        "off_topic",
        "Hors sujet",
        False,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_supports_racing_a_merge_end_on_the_kept_idea_once_each(organisation):
    """People who support both ideas click "support" on the duplicate while it is being merged: each
    either lands before the merge (and is moved, once) or is refused after it; none stays on the
    duplicate, nobody counts twice."""
    forum = consultation_create(organisation=organisation, ideas_enabled=True)
    kept = Idea.objects.create(consultation=forum, author=UserFactory(), title="A", text="…")
    duplicate = Idea.objects.create(consultation=forum, author=UserFactory(), title="B", text="…")
    people = [UserFactory() for _ in range(7)]
    Support.objects.bulk_create([Support(idea=kept, supporter=person) for person in people])
    moderator = ModeratorFactory(organisation=organisation)
    barrier = threading.Barrier(len(people) + 1)
    errors, refused = [], []

    def support(person):
        try:
            barrier.wait()
            idea_support_set(idea=duplicate, user=person, supporting=True)
        except ResponseRefused:
            refused.append(person)
        except Exception as error:  # collected and shown by the assertion below
            errors.append(error)
        finally:
            connection.close()

    def merge_now():
        try:
            barrier.wait()
            idea_merge(source=duplicate, target=kept, moderator=moderator, reason="Doublon")
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=support, args=[person]) for person in people]
    threads.append(threading.Thread(target=merge_now))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert not Support.objects.filter(idea=duplicate).exists()
    assert Support.objects.filter(idea=kept).count() == len(people)
