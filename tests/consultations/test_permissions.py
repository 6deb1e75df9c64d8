"""Who may do what in consultations: the matrix of role × phase × action (consultations/permissions.py)."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from wagtail.models import PageViewRestriction

from accounts.models import Territory
from consultations.models import (
    Comment,
    Idea,
    InvitedParticipant,
    ModerationAction,
    Report,
    Response,
    Statement,
    Visibility,
)
from consultations.permissions import RULES, can, refusal
from core.permissions import CLOSED, HIDDEN, MERGED, NOT_IN_AUDIENCE, NOT_OPEN, SIGN_IN, UNVERIFIED
from tests.factories import (
    OrganisationFactory,
    UserFactory,
    consultation_create,
    outcome_create,
    person_in_role,
)

pytestmark = pytest.mark.django_db


def allowed(user, action: str, target) -> bool:
    """`can`, checked against `refusal` for the actions that say why not: no refusal exactly when allowed."""
    answer = can(user, action, target)
    if action in RULES:
        assert (refusal(user, action, target) is None) == answer, f"{action}: can and refusal disagree"
    return answer


PHASES = {
    "draft": {"publish": False},
    "upcoming": {"opens_in": timedelta(days=1), "closes_in": timedelta(days=5)},
    "open": {},
    "closed": {"opens_in": timedelta(days=-5), "closes_in": timedelta(days=-1)},
    "outcome_published": {"opens_in": timedelta(days=-5), "closes_in": timedelta(days=-1)},
}

ROLES = [
    "anonymous",
    "unverified",
    "participant",  # another participant than the author
    "author",  # wrote the response the "change_response" action is about
    "official",
    "official_elsewhere",
    "moderator",
    "editor",
    "organisation_editor",  # writes the organisation's pages; reads none of its reports
    "administrator",
]
VERIFIED = set(ROLES) - {"anonymous", "unverified"}

# What each role may do in each phase. Officials read reports in every phase; answering needs a
# confirmed address and an open, published consultation; only the author changes a response.
EXPECTED = {
    "answer_consultation": {(role, "open") for role in VERIFIED},
    "view_report": {(role, phase) for role in ("official", "administrator") for phase in PHASES},
    "compile_report": {(role, phase) for role in ("official", "administrator") for phase in PHASES},
    "change_response": {("author", "open")},
    "submit_statement": {(role, "open") for role in VERIFIED},
    "vote_statement": {(role, "open") for role in VERIFIED},
    "moderate_statement": {(role, phase) for role in ("moderator", "administrator") for phase in PHASES},
}


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, phase):
    organisation = OrganisationFactory()
    consultation = consultation_create(organisation=organisation, statements_enabled=True, **PHASES[phase])
    if phase == "outcome_published":
        outcome_create(consultation, title="Bilan")
    user = person_in_role(role, organisation)
    # The response the author wrote (stored directly: in some phases nobody may answer).
    author = user if role == "author" else UserFactory()
    response = Response.objects.create(consultation=consultation, participant=author)
    statement = Statement.objects.create(consultation=consultation, author=author, text="Plus de souplesse.")
    targets = {"change_response": response, "vote_statement": statement, "moderate_statement": statement}
    for action, expected in EXPECTED.items():
        target = targets.get(action, consultation)
        assert allowed(user, action, target) == ((role, phase) in expected), f"{role} / {phase} / {action}"


# Comments, reports, moderation and merges: role × phase × action.
CONTRIBUTION_ROLES = [
    "anonymous",
    "unverified",
    "participant",
    "author",  # wrote the idea and the comment the actions are about
    "moderator",
    "moderator_elsewhere",
    "official",
    "administrator",
]
CONTRIBUTION_VERIFIED = set(CONTRIBUTION_ROLES) - {"anonymous", "unverified"}
BOTH_PHASES = ("open", "closed")
CONTRIBUTION_EXPECTED = {
    "comment": {(role, "open") for role in CONTRIBUTION_VERIFIED},
    "change_comment": {("author", "open")},
    # One's own comment can be withdrawn at any time.
    "delete_comment": {("author", phase) for phase in BOTH_PHASES},
    "report_contribution": {
        (role, phase) for role in CONTRIBUTION_VERIFIED - {"author"} for phase in BOTH_PHASES
    },
    "moderate_contribution": {
        (role, phase) for role in ("moderator", "administrator") for phase in BOTH_PHASES
    },
    "merge_idea": {
        (role, phase) for role in ("moderator", "official", "administrator") for phase in BOTH_PHASES
    },
}


@pytest.mark.parametrize("phase", BOTH_PHASES)
@pytest.mark.parametrize("role", CONTRIBUTION_ROLES)
def test_contribution_permission_matrix(role, phase):
    organisation = OrganisationFactory()
    consultation = consultation_create(organisation=organisation, ideas_enabled=True, **PHASES[phase])
    if role == "moderator_elsewhere":
        user = person_in_role("moderator", OrganisationFactory())
    else:
        user = person_in_role(role, organisation)
    author = user if role == "author" else UserFactory()
    idea = Idea.objects.create(consultation=consultation, author=author, title="Deux écrans", text="…")
    comment = Comment.objects.create(
        consultation=consultation, idea=idea, author=author, text="Oui", stance="for"
    )
    targets = {"comment": idea, "merge_idea": idea}
    for action, expected in CONTRIBUTION_EXPECTED.items():
        target = targets.get(action, comment)
        assert allowed(user, action, target) == ((role, phase) in expected), f"{role} / {phase} / {action}"


def test_no_comment_or_support_on_hidden_or_merged_ideas_nor_pending_statements():
    consultation = consultation_create(ideas_enabled=True, statements_enabled=True)
    participant = UserFactory()
    kept = Idea.objects.create(consultation=consultation, author=UserFactory(), title="A", text="…")
    hidden = Idea.objects.create(
        consultation=consultation,
        author=UserFactory(),
        title="B",
        text="…",
        moderation_status=Visibility.HIDDEN,
    )
    merged = Idea.objects.create(
        consultation=consultation, author=UserFactory(), title="C", text="…", merged_into=kept
    )
    pending = Statement.objects.create(
        consultation=consultation, author=UserFactory(), text="…", status=Statement.Status.PENDING
    )
    assert allowed(participant, "comment", kept)
    assert not any(allowed(participant, "comment", item) for item in (hidden, merged, pending))
    assert allowed(participant, "support_idea", kept)
    assert not any(allowed(participant, "support_idea", item) for item in (hidden, merged))
    assert not allowed(participant, "report_contribution", hidden), "only what is shown can be reported"


# The audience dimension: who may contribute to an open consultation, by the editor's choice of
# audience. Residents: the declared commune is the territory or inside it (région → département →
# commune, EPCI → commune, commune → arrondissement). Invited: a confirmed address on the list.
AUDIENCE_PEOPLE = [
    "resident_of_commune",
    "resident_of_arrondissement",
    "resident_elsewhere",
    "no_territory",
    "invited",
    "invited_address_unconfirmed",
    "invited_in_other_case",
    "not_invited",
]
AUDIENCE_ACTIONS = [
    "answer_consultation",
    "submit_statement",
    "vote_statement",
    "submit_idea",
    "support_idea",
    "comment",
]
RESIDENTS = {"resident_of_commune", "resident_of_arrondissement"}
AUDIENCE_EXPECTED = {
    "signed_in": set(AUDIENCE_PEOPLE) - {"invited_address_unconfirmed"},
    # Saint-Étienne (Loire) is in the same région as Lyon.
    "territory:region": RESIDENTS | {"resident_elsewhere"},
    "territory:departement": RESIDENTS,
    "territory:epci": RESIDENTS,
    "territory:commune": RESIDENTS,
    "territory:elsewhere": {"resident_elsewhere"},
    "invited": {"invited", "invited_in_other_case"},
}


def territories():
    Kind = Territory.Kind
    region = Territory.objects.create(kind=Kind.REGION, code="84", name="Auvergne-Rhône-Alpes")
    rhone = Territory.objects.create(kind=Kind.DEPARTEMENT, code="69", name="Rhône", parent=region)
    metropole = Territory.objects.create(kind=Kind.EPCI, code="200046977", name="Métropole de Lyon")
    lyon = Territory.objects.create(
        kind=Kind.COMMUNE, code="69123", name="Lyon", parent=rhone, epci=metropole
    )
    lyon_4 = Territory.objects.create(kind=Kind.ARRONDISSEMENT, code="69384", name="Lyon 4e", parent=lyon)
    loire = Territory.objects.create(kind=Kind.DEPARTEMENT, code="42", name="Loire", parent=region)
    elsewhere = Territory.objects.create(kind=Kind.COMMUNE, code="42218", name="Saint-Étienne", parent=loire)
    return {
        "region": region,
        "departement": rhone,
        "epci": metropole,
        "commune": lyon,
        "arrondissement": lyon_4,
        "elsewhere": elsewhere,
    }


def audience_person(kind, places):
    match kind:
        case "resident_of_commune":
            return UserFactory(territory=places["commune"])
        case "resident_of_arrondissement":
            return UserFactory(territory=places["arrondissement"])
        case "resident_elsewhere":
            return UserFactory(territory=places["elsewhere"])
        case "no_territory" | "not_invited":
            return UserFactory()
        case "invited":
            return UserFactory(email="invitee@example.org")
        case "invited_in_other_case":
            # Signed up with another address, then added and confirmed the invited one.
            user = UserFactory()
            EmailAddress.objects.create(user=user, email="Second.Invitee@Example.org", verified=True)
            return user
        case "invited_address_unconfirmed":
            user = UserFactory(email="third.invitee@example.org", verified=False)
            EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
            return user
    raise AssertionError(kind)


@pytest.mark.parametrize("audience", AUDIENCE_EXPECTED)
@pytest.mark.parametrize("person", AUDIENCE_PEOPLE)
def test_audience_matrix(person, audience):
    places = territories()
    kind, _sep, area = audience.partition(":")
    consultation = consultation_create(
        statements_enabled=True,
        ideas_enabled=True,
        audience=kind,
        audience_territory=places.get(area),
    )
    for email in ("invitee@example.org", "second.invitee@example.org", "THIRD.invitee@example.org"):
        InvitedParticipant.objects.create(consultation=consultation, email=email)
    user = audience_person(person, places)
    author = UserFactory()
    statement = Statement.objects.create(consultation=consultation, author=author, text="Plus de bus.")
    idea = Idea.objects.create(consultation=consultation, author=author, title="Un bus", text="Le soir.")
    targets = {"vote_statement": statement, "support_idea": idea, "comment": idea}
    for action in AUDIENCE_ACTIONS:
        expected = person in AUDIENCE_EXPECTED[audience]
        assert allowed(user, action, targets.get(action, consultation)) == expected, (
            f"{person} / {audience} / {action}"
        )


# Why not: each participant's action says the reason first in line, with a code the interfaces share.
# Situation × action → the refusal's code (None: allowed). The dates come before who the person is for
# answering and commenting; a vote or a support names the audience before the dates, as it always did.
REFUSAL_CODES = {
    "answer_consultation": {
        "upcoming": NOT_OPEN,
        "closed": CLOSED,
        "signed_out": SIGN_IN,
        "unverified": UNVERIFIED,
        "not_in_audience": NOT_IN_AUDIENCE,
        "closed_and_not_in_audience": CLOSED,
        "allowed": None,
    },
    "vote_statement": {
        "upcoming": CLOSED,
        "closed": CLOSED,
        "signed_out": SIGN_IN,
        "unverified": UNVERIFIED,
        "not_in_audience": NOT_IN_AUDIENCE,
        "closed_and_not_in_audience": NOT_IN_AUDIENCE,
        "hidden": HIDDEN,
        "allowed": None,
    },
    "support_idea": {
        "upcoming": CLOSED,
        "closed": CLOSED,
        "signed_out": SIGN_IN,
        "unverified": UNVERIFIED,
        "not_in_audience": NOT_IN_AUDIENCE,
        "closed_and_not_in_audience": NOT_IN_AUDIENCE,
        "hidden": HIDDEN,
        "merged": MERGED,
        "merged_and_signed_out": MERGED,
        "allowed": None,
    },
    "comment": {
        "upcoming": NOT_OPEN,
        "closed": CLOSED,
        "signed_out": SIGN_IN,
        "unverified": UNVERIFIED,
        "not_in_audience": NOT_IN_AUDIENCE,
        "closed_and_not_in_audience": CLOSED,
        "hidden": HIDDEN,
        "merged": MERGED,
        "merged_and_signed_out": MERGED,
        "allowed": None,
    },
}


@pytest.mark.parametrize(
    ("action", "situation"),
    [(action, situation) for action, codes in REFUSAL_CODES.items() for situation in codes],
)
def test_refusal_codes(action, situation):
    """The first reason in line is the one given, and it is given exactly when the rule says no."""
    dates = {
        "upcoming": {"opens_in": timedelta(days=1), "closes_in": timedelta(days=5)},
        "closed": {"opens_in": timedelta(days=-5), "closes_in": timedelta(days=-1)},
    }
    audience = {}
    if "not_in_audience" in situation:
        lyon = Territory.objects.create(kind=Territory.Kind.COMMUNE, code="69123", name="Lyon")
        audience = {"audience": "territory", "audience_territory": lyon}
    consultation = consultation_create(
        statements_enabled=True,
        ideas_enabled=True,
        **dates.get(situation.partition("_and_")[0], {}),
        **audience,
    )
    author = UserFactory()
    statement = Statement.objects.create(
        consultation=consultation,
        author=author,
        text="Plus de bus.",
        status=Statement.Status.HIDDEN if situation == "hidden" else Statement.Status.PUBLISHED,
    )
    kept = Idea.objects.create(consultation=consultation, author=author, title="Un bus", text="Le soir.")
    idea = Idea.objects.create(
        consultation=consultation,
        author=author,
        title="Un car",
        text="La nuit.",
        moderation_status=Visibility.HIDDEN if situation == "hidden" else Visibility.PUBLISHED,
        merged_into=kept if situation.startswith("merged") else None,
    )
    signed_out = "signed_out" in situation
    user = AnonymousUser() if signed_out else UserFactory(verified=situation != "unverified")
    target = {"vote_statement": statement, "support_idea": idea, "comment": idea}.get(action, consultation)
    found = refusal(user, action, target)
    assert (found and found.code) == REFUSAL_CODES[action][situation]
    assert allowed(user, action, target) == (found is None)
    if found is not None:
        assert found.message, "a person reads why"


def test_a_restricted_consultations_other_pages_are_restricted_too(client, organisation):
    """Behind a sign-in restriction, the statements and ideas lists of a consultation are as closed as
    its page (they were readable by anyone who knew their address)."""
    consultation = consultation_create(organisation=organisation, statements_enabled=True, ideas_enabled=True)
    PageViewRestriction.objects.create(page=consultation, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(reverse("idea_list", args=[consultation.pk])).status_code == 404
    assert client.get(reverse("statement_list", args=[consultation.pk])).status_code == 302, "sign in first"
    client.force_login(UserFactory())
    for name in ("statement_list", "idea_list"):
        assert client.get(reverse(name, args=[consultation.pk])).status_code == 200, name


# Bulk moderation in the back office asks the same rule of each ticked item (`moderate_contribution`),
# within the moderator's organisations: role × decision, through the real view.
BULK_ALLOWED = {"moderator", "administrator"}


@pytest.mark.parametrize("decision", ["approve", "hide"])
@pytest.mark.parametrize("role", CONTRIBUTION_ROLES)
def test_bulk_moderation_matrix(client, role, decision):
    organisation = OrganisationFactory()
    consultation = consultation_create(organisation=organisation, ideas_enabled=True, statements_enabled=True)
    if role == "moderator_elsewhere":
        user = person_in_role("moderator", OrganisationFactory())
    else:
        user = person_in_role(role, organisation)
    author = user if role == "author" else UserFactory()
    pending = Statement.objects.create(
        consultation=consultation, author=author, text="En attente", status="pending"
    )
    idea = Idea.objects.create(consultation=consultation, author=author, title="Deux écrans", text="…")
    comment = Comment.objects.create(
        consultation=consultation, idea=idea, author=author, text="Oui", stance="for"
    )
    for item in (idea, comment):
        Report.objects.create(**{type(item).__name__.lower(): item}, reporter=UserFactory(), reason="spam")
    if role != "anonymous":
        client.force_login(user)
    response = client.post(
        reverse("consultations_moderation_bulk"),
        {
            "items": [f"statement:{pending.pk}", f"idea:{idea.pk}", f"comment:{comment.pk}"],
            "action": decision,
            "reason": "Hors charte",
        },
    )
    changed = ModerationAction.objects.count()
    if role in BULK_ALLOWED:
        assert (response.status_code, changed) == (302, 3), role
    else:
        assert response.status_code in (302, 400, 403, 404), role
        # Refused: sent to sign in, or Wagtail's way of refusing staff (back to its home, with a message).
        refusals = ("/accounts/login/", "/admin/login/")
        assert (
            response.status_code != 302
            or response["Location"].startswith(refusals)
            or (response["Location"] == "/admin/")
        ), role
        assert changed == 0, f"{role}: nothing changed"
        pending.refresh_from_db()
        assert pending.status == "pending"
