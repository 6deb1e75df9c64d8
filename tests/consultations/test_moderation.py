"""The moderation queue: what needs a decision, paged, with authors, dates and reports; approve, hide and
restore with a reason, one by one or several at once, all logged."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.users.models import UserProfile

from consultations.models import Comment, Idea, ModerationAction, Report, Statement
from tests.factories import ModeratorFactory, OrganisationFactory, UserFactory, consultation_create

pytestmark = pytest.mark.django_db
QUEUE = "/admin/moderation/"


@pytest.fixture
def setting(organisation):
    consultation = consultation_create(
        organisation=organisation, statements_enabled=True, statement_moderation="pre"
    )
    author = UserFactory()
    statement = Statement.objects.create(
        consultation=consultation, author=author, text="À relire.", status=Statement.Status.PENDING
    )
    return consultation, author, statement


def act(client, statement, kind, reason=""):
    return client.post(
        reverse("consultations_statement_moderate", args=[statement.pk]),
        {"kind": kind, "reason": reason},
        follow=True,
    )


def test_a_moderator_approves_hides_and_restores_with_reasons(client, organisation, setting):
    consultation, author, statement = setting
    moderator = ModeratorFactory(organisation=organisation)
    client.force_login(moderator)
    assert "À relire." in client.get(QUEUE).content.decode()

    act(client, statement, "approve")
    statement.refresh_from_db()
    assert statement.status == Statement.Status.PUBLISHED

    refused = act(client, statement, "hide")
    assert "Indiquez la raison" in refused.content.decode()
    statement.refresh_from_db()
    assert statement.status == Statement.Status.PUBLISHED

    act(client, statement, "hide", "Propos hors sujet")
    statement.refresh_from_db()
    assert (statement.status, statement.moderation_reason) == (Statement.Status.HIDDEN, "Propos hors sujet")

    client.force_login(author)
    mine = client.get(f"/consultations/{consultation.pk}/statements/").content.decode()
    assert "Propos hors sujet" in mine, "the author sees why"

    client.force_login(moderator)
    act(client, statement, "restore")
    statement.refresh_from_db()
    assert statement.status == Statement.Status.PUBLISHED
    assert list(ModerationAction.objects.order_by("created_at").values_list("kind", "moderator")) == [
        ("approve", moderator.pk),
        ("hide", moderator.pk),
        ("restore", moderator.pk),
    ]


def test_a_moderator_does_not_moderate_their_own_statement(client, organisation, setting):
    consultation, _author, _statement = setting
    moderator = ModeratorFactory(organisation=organisation)
    own = Statement.objects.create(
        consultation=consultation, author=moderator, text="La mienne.", status=Statement.Status.PENDING
    )
    client.force_login(moderator)
    refused = act(client, own, "approve")
    assert "modérées par une autre personne" in refused.content.decode()
    own.refresh_from_db()
    assert own.status == Statement.Status.PENDING


def test_moderators_see_their_organisation_only(client, setting):
    _consultation, _author, statement = setting
    client.force_login(ModeratorFactory(organisation=OrganisationFactory()))
    assert "À relire." not in client.get(QUEUE).content.decode()
    assert act(client, statement, "approve").status_code == 404
    statement.refresh_from_db()
    assert statement.status == Statement.Status.PENDING


def test_participants_have_no_moderation_queue(client, participant):
    client.force_login(participant)
    assert client.get(QUEUE).status_code in (302, 403)


@pytest.mark.parametrize("kind", ["", "delete", "approve'--"])
def test_unknown_moderation_actions_change_nothing(client, organisation, setting, kind):
    _consultation, _author, statement = setting
    client.force_login(ModeratorFactory(organisation=organisation))
    assert "Action de modération inconnue" in act(client, statement, kind).content.decode()
    statement.refresh_from_db()
    assert statement.status == Statement.Status.PENDING
    assert not ModerationAction.objects.exists()


def test_an_action_on_a_statement_that_changed_meanwhile_is_explained(client, organisation, setting):
    _consultation, _author, statement = setting
    client.force_login(ModeratorFactory(organisation=organisation))
    act(client, statement, "approve")
    again = act(client, statement, "approve")
    assert "a changé" in again.content.decode()
    assert ModerationAction.objects.count() == 1


# The queue: what needs a decision first, paged, each row with its author, date and reports; bulk decisions.


@pytest.fixture
def queue(organisation):
    """A consultation with one contribution in each state the queue knows, and its moderator."""
    consultation = consultation_create(organisation=organisation, ideas_enabled=True, statements_enabled=True)
    author = UserFactory(pseudonym="Camille")
    items = {
        "pending": Statement.objects.create(
            consultation=consultation, author=author, text="En attente", status=Statement.Status.PENDING
        ),
        "published": Statement.objects.create(consultation=consultation, author=author, text="Sans histoire"),
        "hidden": Statement.objects.create(
            consultation=consultation,
            author=author,
            text="Déjà masquée",
            status=Statement.Status.HIDDEN,
            moderation_reason="Hors sujet",
        ),
        "reported_idea": Idea.objects.create(
            consultation=consultation, author=author, title="Idée signalée", text="…"
        ),
    }
    items["reported_comment"] = Comment.objects.create(
        consultation=consultation,
        idea=items["reported_idea"],
        author=author,
        text="Commentaire signalé",
        stance="for",
    )
    for reporter in (UserFactory(), UserFactory()):
        Report.objects.create(idea=items["reported_idea"], reporter=reporter, reason="spam")
    Report.objects.create(comment=items["reported_comment"], reporter=UserFactory(), reason="offensive")
    return consultation, items, in_english(ModeratorFactory(organisation=organisation))


def in_english(user):
    """The back office speaks English to this person (Wagtail's preference): messages read as written."""
    UserProfile.objects.update_or_create(user=user, defaults={"preferred_language": "en"})
    return user


def rows(page: str) -> list[str]:
    """The texts of the queue's table rows, in order."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return list(body.split("<tr>")[1:])


def test_the_queue_shows_by_default_what_needs_a_decision(client, queue):
    consultation, _items, moderator = queue
    client.force_login(moderator)
    page = client.get(QUEUE).content.decode()
    listed = rows(page)
    assert len(listed) == 3
    assert "Idée signalée" in listed[0], "the most reported first"
    assert "Commentaire signalé" in listed[1]
    assert "En attente" in listed[2]
    assert "Sans histoire" not in page
    assert "Déjà masquée" not in page
    assert "Camille" in listed[0], "the author's pseudonym"
    assert consultation.title in listed[0]
    assert "<time datetime=" in listed[0]
    assert re.search(r"</time></td>\s*<td>\s*2 reports\s*<ul>", listed[0]), "the number of open reports"
    assert re.search(r"</time></td>\s*<td>\s*0 reports\s*</td>", listed[2])
    assert "aria-current" in page.split("show=decide", 1)[1][:40]

    hidden = client.get(f"{QUEUE}?show=hidden").content.decode()
    assert [("Déjà masquée" in row) for row in rows(hidden)] == [True]
    assert "Hors sujet" in hidden
    assert 'value="restore"' in hidden
    everything = client.get(f"{QUEUE}?show=all").content.decode()
    assert len(rows(everything)) == 5
    assert client.get(f"{QUEUE}?show=nonsense&page=x").status_code == 200, "falls back to the default"


def test_the_queue_pages_in_a_constant_number_of_queries(client, organisation):
    consultation = consultation_create(organisation=organisation, statements_enabled=True)
    moderator = ModeratorFactory(organisation=organisation)
    client.force_login(moderator)

    def add(count):
        for n in range(count):
            statement = Statement.objects.create(
                consultation=consultation, author=UserFactory(), text=f"Signalée {n}"
            )
            Report.objects.create(statement=statement, reporter=UserFactory(), reason="spam")
            Comment.objects.create(
                consultation=consultation, statement=statement, author=UserFactory(), text="c", stance="for"
            )
            Statement.objects.create(
                consultation=consultation, text=f"En attente {n}", status=Statement.Status.PENDING
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(QUEUE).status_code == 200
        return len(captured)

    add(1)
    queries()  # the first request looks up and keeps the site
    few = queries()
    add(40)
    assert queries() == few
    first = client.get(QUEUE).content.decode()
    assert len(rows(first)) == 50
    assert "Page 1 sur 2" in first
    second = client.get(f"{QUEUE}?show=decide&page=2").content.decode()
    assert len(rows(second)) == 32
    assert 'href="?show=decide&amp;page=1"' in second


def test_the_bulk_form_is_labelled_for_keyboards_and_screen_readers(client, queue):
    _consultation, items, moderator = queue
    client.force_login(moderator)
    page = client.get(QUEUE).content.decode()
    assert "<fieldset>" in page
    assert "<legend>" in page
    key = f"statement-{items['pending'].pk}"
    assert (
        f'<input type="checkbox" form="moderation-bulk" name="items" value="statement:{items["pending"].pk}"'
        in page
    )
    assert f'<label for="tick-{key}">' in page
    assert 'for="id_reason"' in page
    assert 'for="id_action"' in page


def bulk(client, data):
    return client.post(f"{reverse('consultations_moderation_bulk')}?show=decide&page=1", data)


def test_one_reason_hides_several_contributions_at_once(client, queue, django_capture_on_commit_callbacks):
    _consultation, items, moderator = queue
    client.force_login(moderator)
    ticked = [
        f"statement:{items['pending'].pk}",
        f"idea:{items['reported_idea'].pk}",
        f"comment:{items['reported_comment'].pk}",
    ]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = bulk(client, {"items": ticked, "action": "hide", "reason": "Hors charte."})
    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}?show=decide&page=1"
    for name in ("pending", "reported_idea", "reported_comment"):
        items[name].refresh_from_db()
        assert items[name].moderation_reason == "Hors charte."
    assert items["pending"].status == items["reported_comment"].status == "hidden"
    assert items["reported_idea"].moderation_status == "hidden"
    assert ModerationAction.objects.filter(kind="hide", moderator=moderator).count() == 3
    assert not Report.objects.filter(resolved_at=None).exists()
    assert callbacks, "the authors' and reporters' e-mails are queued on commit"
    assert "Nothing needs a decision." in client.get(QUEUE).content.decode()


def test_approving_in_bulk_publishes_what_waits_and_keeps_what_was_reported(client, queue):
    _consultation, items, moderator = queue
    client.force_login(moderator)
    ticked = [f"statement:{items['pending'].pk}", f"idea:{items['reported_idea'].pk}"]
    assert bulk(client, {"items": ticked, "action": "approve", "reason": ""}).status_code == 302
    items["pending"].refresh_from_db()
    items["reported_idea"].refresh_from_db()
    assert items["pending"].status == "published"
    assert items["reported_idea"].moderation_status == "published"
    assert list(ModerationAction.objects.order_by("pk").values_list("kind", flat=True)) == [
        "approve",
        "dismiss",
    ]
    assert not Report.objects.filter(idea=items["reported_idea"], resolved_at=None).exists()


def snapshot():
    return (
        list(Statement.objects.order_by("pk").values_list("status", "moderation_reason")),
        list(Idea.objects.order_by("pk").values_list("moderation_status", "moderation_reason")),
        list(Comment.objects.order_by("pk").values_list("status", "moderation_reason")),
        ModerationAction.objects.count(),
        Report.objects.filter(resolved_at=None).count(),
    )


@pytest.mark.parametrize(
    "case",
    [
        "nothing ticked",
        "no reason to hide",
        "unknown action",
        "non-numeric id",
        "unknown kind",
        "huge id",
        "another organisation's",
        "own contribution",
        "nothing to decide",
        "already hidden",
    ],
)
def test_bad_bulk_decisions_say_why_and_change_nothing(client, queue, case):
    _consultation, items, moderator = queue
    client.force_login(moderator)
    pending = f"statement:{items['pending'].pk}"
    elsewhere = Statement.objects.create(
        consultation=consultation_create(organisation=OrganisationFactory(), statements_enabled=True),
        text="Ailleurs",
        status=Statement.Status.PENDING,
    )
    own = Statement.objects.create(
        consultation=items["pending"].consultation, author=moderator, text="La mienne", status="pending"
    )
    data = {
        "nothing ticked": {"action": "hide", "reason": "Spam"},
        "no reason to hide": {"items": [pending], "action": "hide", "reason": "  "},
        "unknown action": {"items": [pending], "action": "delete", "reason": "Spam"},
        "non-numeric id": {"items": [pending, "statement:1x"], "action": "hide", "reason": "Spam"},
        "unknown kind": {
            "items": [pending, f"vote:{items['pending'].pk}"],
            "action": "hide",
            "reason": "Spam",
        },
        "huge id": {"items": [pending, "idea:99999999999999999999999"], "action": "hide", "reason": "Spam"},
        "another organisation's": {
            "items": [pending, f"statement:{elsewhere.pk}"],
            "action": "approve",
            "reason": "",
        },
        "own contribution": {"items": [pending, f"statement:{own.pk}"], "action": "approve", "reason": ""},
        "nothing to decide": {
            "items": [pending, f"statement:{items['published'].pk}"],
            "action": "approve",
            "reason": "",
        },
        "already hidden": {
            "items": [pending, f"statement:{items['hidden'].pk}"],
            "action": "hide",
            "reason": "Spam",
        },
    }[case]
    expected = {
        "nothing ticked": "Tick at least one item in the list.",
        "no reason to hide": "Give the reason for hiding them: their authors will see it.",
        "unknown action": "Select a valid choice.",
        "non-numeric id": "This selection is not valid: reload the page and tick the items again.",
        "unknown kind": "This selection is not valid",
        "huge id": "This selection is not valid",
        "another organisation's": "Some of the ticked items are not among those you moderate",
        "own contribution": "Your own contributions are moderated by someone else: untick them.",
        "nothing to decide": "“Sans histoire” has nothing to approve or keep",
        "already hidden": "“Déjà masquée”: This statement has changed since you opened the page",
    }
    before = snapshot()
    response = bulk(client, data)
    assert 400 <= response.status_code < 500, case
    page = response.content.decode()
    assert snapshot() == before, f"{case}: nothing changed"
    assert expected[case] in page, case
    if "items" in data and case not in ("non-numeric id", "unknown kind", "huge id"):
        assert f'value="{pending}" id="tick-statement-{items["pending"].pk}" checked' in page, "kept ticked"


def test_bulk_moderation_is_for_moderators(client, queue, participant):
    _consultation, items, _moderator = queue
    data = {"items": [f"statement:{items['pending'].pk}"], "action": "approve"}
    assert bulk(client, data).status_code == 302, "visitors are sent to sign in"
    client.force_login(participant)
    assert bulk(client, data).status_code in (302, 403)
    client.force_login(ModeratorFactory(organisation=OrganisationFactory()))
    assert bulk(client, data).status_code == 400
    items["pending"].refresh_from_db()
    assert items["pending"].status == Statement.Status.PENDING
