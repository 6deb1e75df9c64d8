""" "We reuse this here": signed-in people declare reusing an initiative in their territory, once per
territory; the initiative's page lists where it is reused. Bad input gets a 4xx and a clear message."""

import pytest
from django.db import IntegrityError, transaction

from accounts.services import account_delete
from commons.models import Reuse
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def reuse_url(initiative):
    return f"/commons/{initiative.slug}/reuse/"


def test_a_participant_declares_a_reuse_and_the_page_shows_it_by_territory(en, user, initiative, places):
    en.force_login(user)
    response = en.post(
        reuse_url(initiative), {"territory": "Villeurbanne", "comment": "Dans nos maisons de quartier."}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"{initiative.get_absolute_url()}#reuses")
    other = UserFactory()
    en.force_login(other)
    assert en.post(reuse_url(initiative), {"territory": "69266"}).status_code == 302
    assert en.post(reuse_url(initiative), {"territory": "DEP-42"}).status_code == 302
    body = en.get(initiative.get_absolute_url()).content.decode()
    assert "Villeurbanne (69)</strong> — 2 declarations" in body
    assert "Loire</strong> — 1 declaration" in body
    assert "Dans nos maisons de quartier." in body
    assert user.public_name in body
    reuse = Reuse.objects.get(person=user)
    assert (reuse.territory, reuse.initiative) == (places.villeurbanne, initiative)


def test_declaring_twice_in_the_same_territory_is_a_409_and_keeps_the_first(en, user, initiative, places):
    en.force_login(user)
    assert (
        en.post(reuse_url(initiative), {"territory": "Villeurbanne", "comment": "Premier"}).status_code == 302
    )
    again = en.post(reuse_url(initiative), {"territory": "COM-69266", "comment": "Second"})
    assert again.status_code == 409
    assert "You have already declared reusing this initiative in Villeurbanne." in again.content.decode()
    assert list(Reuse.objects.values_list("comment", flat=True)) == ["Premier"]
    # Another territory is another reuse.
    assert en.post(reuse_url(initiative), {"territory": "Lyon"}).status_code == 302
    assert Reuse.objects.count() == 2


def test_the_database_refuses_a_second_identical_reuse(user, initiative, places):
    Reuse.objects.create(initiative=initiative, person=user, territory=places.lyon)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reuse.objects.create(initiative=initiative, person=user, territory=places.lyon)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"territory": ""}, "Give a territory: its name or its INSEE code."),
        ({"territory": "Atlantide"}, "No territory matches “Atlantide”"),
        ({"territory": "Saint-Étienne"}, "Several territories match “Saint-Étienne”"),
        ({"territory": "COM-00000"}, "No territory matches “COM-00000”"),
        ({"territory": "Lyon", "comment": "x" * 1001}, "Ensure this value has at most 1000 characters"),
        ({"territory": "x" * 201}, "Ensure this value has at most 200 characters"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_recorded(
    en, user, initiative, places, data, message
):
    en.force_login(user)
    response = en.post(reuse_url(initiative), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'aria-invalid="true"' in body
    assert 'aria-describedby="id_' in body
    assert not Reuse.objects.exists()


def test_visitors_are_sent_to_sign_in(en, initiative):
    response = en.post(reuse_url(initiative), {"territory": "Lyon"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert (
        "Sign in to declare that you reuse this initiative."
        in en.get(initiative.get_absolute_url()).content.decode()
    )
    assert not Reuse.objects.exists()


def test_an_unconfirmed_address_is_refused_with_what_to_do(en, initiative, places):
    en.force_login(UserFactory(verified=False))
    response = en.post(reuse_url(initiative), {"territory": "Lyon"})
    assert response.status_code == 403
    assert "Confirm your e-mail address to declare a reuse" in response.content.decode()
    assert not Reuse.objects.exists()


def test_an_unpublished_initiative_takes_no_reuse(en, user, initiative, places):
    initiative.published = False
    initiative.save()
    en.force_login(user)
    assert en.post(reuse_url(initiative), {"territory": "Lyon"}).status_code == 404
    assert not Reuse.objects.exists()


def test_get_is_not_a_way_to_declare(en, user, initiative):
    en.force_login(user)
    assert en.get(reuse_url(initiative)).status_code == 405


def test_a_deleted_account_leaves_its_reuses_without_author(en, user, initiative, places):
    Reuse.objects.create(initiative=initiative, person=user, territory=places.lyon, comment="Chez nous")
    account_delete(user=user)
    reuse = Reuse.objects.get()
    assert reuse.person is None
    assert "Deleted participant" in en.get(initiative.get_absolute_url()).content.decode()


def test_my_data_lists_my_reuses(user, initiative, places):
    from accounts.services import account_export

    Reuse.objects.create(initiative=initiative, person=user, territory=places.lyon, comment="Chez nous")
    exported = account_export(user=user)["initiative_reuses"]
    assert exported[0]["initiative"] == initiative.title
    assert exported[0]["territory"] == "Lyon"
