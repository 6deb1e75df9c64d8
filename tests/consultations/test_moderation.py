"""The moderation queue: approve, hide and restore statements with a reason, all logged."""

import pytest
from django.urls import reverse

from consultations.models import ModerationAction, Statement
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
