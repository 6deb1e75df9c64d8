"""The public API: what it shows, who may act through it, and how it refuses bad requests."""

from datetime import timedelta
from html import escape

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import ApiToken, Territory
from consultations import permissions
from consultations.models import Idea, Response, Statement, Support, Visibility, Vote
from core.permissions import CLOSED, HIDDEN, NOT_IN_AUDIENCE, SIGN_IN, UNVERIFIED
from tests.api.conftest import TokenClient, token_for
from tests.factories import UserFactory, consultation_create, form_data

pytestmark = pytest.mark.django_db


def vote_url(statement):
    return f"/api/v1/statements/{statement.pk}/vote/"


def support_url(idea):
    return f"/api/v1/ideas/{idea.pk}/support/"


def response_url(consultation):
    return f"/api/v1/consultations/{consultation.pk}/response/"


# Reads ----------------------------------------------------------------------------------------------


def test_reads_show_neither_drafts_nor_hidden_items(api, organisation, forum, statement, idea):
    """Unpublished consultations, pending or hidden statements and hidden ideas stay out of the API."""
    draft = consultation_create(
        organisation=organisation, title="Brouillon", publish=False, ideas_enabled=True
    )
    Idea.objects.create(consultation=draft, author=UserFactory(), title="Dans un brouillon", text="…")
    Statement.objects.create(consultation=forum, text="En attente", status=Statement.Status.PENDING)
    Statement.objects.create(consultation=forum, text="Masquée", status=Statement.Status.HIDDEN)
    Idea.objects.create(
        consultation=forum,
        title="Masquée",
        text="…",
        moderation_status=Visibility.HIDDEN,
        author=UserFactory(),
    )

    consultations = api.get("/api/v1/consultations/").json()["results"]
    assert [c["id"] for c in consultations] == [forum.pk]
    assert api.get(f"/api/v1/consultations/{draft.pk}/").status_code == 404
    assert [s["text"] for s in api.get("/api/v1/statements/").json()["results"]] == [statement.text]
    assert [i["title"] for i in api.get("/api/v1/ideas/").json()["results"]] == [idea.title]
    body = api.get("/api/v1/ideas/").content.decode()
    assert "@example.org" not in body, "no e-mail"
    assert "Personne" not in body, "no author's pseudonym"


def test_statement_counts_and_idea_statuses(api, forum, statement, idea):
    for value in (1, 1, -1, 0):
        Vote.objects.create(statement=statement, participant=UserFactory(), value=value)
    idea.status = Idea.Status.ACCEPTED
    idea.answer = "Nous équipons les agents."
    idea.save()
    Support.objects.create(idea=idea, supporter=UserFactory())
    assert api.get(f"/api/v1/statements/{statement.pk}/").json()["votes"] == {
        "agree": 2,
        "disagree": 1,
        "pass": 1,
    }
    shown = api.get("/api/v1/ideas/", {"status": "accepted"}).json()["results"]
    assert [(i["status"], i["answer"], i["supports"]) for i in shown] == [("accepted", idea.answer, 1)]
    assert api.get("/api/v1/ideas/", {"status": "rejected"}).json()["count"] == 0
    assert api.get("/api/v1/ideas/", {"status": "nonsense"}).status_code == 400


def test_pages_are_stable_and_bounded(api, forum):
    Statement.objects.bulk_create(Statement(consultation=forum, text=f"Énoncé {n}") for n in range(7))
    first = api.get("/api/v1/statements/", {"page_size": 3}).json()
    second = api.get("/api/v1/statements/", {"page_size": 3, "page": 2}).json()
    assert first["count"] == 7
    assert len(first["results"]) == 3
    ids = [s["id"] for s in first["results"] + second["results"]]
    assert ids == sorted(ids)
    assert len(set(ids)) == 6
    assert api.get("/api/v1/statements/", {"page": 99}).status_code == 404
    assert api.get("/api/v1/statements/", {"page_size": 10_000}).json()["count"] == 7


def test_etag_gives_304_until_something_changes(api, forum, statement):
    first = api.get("/api/v1/statements/")
    etag = first["ETag"]
    assert etag
    assert "Accept-Language" in first["Vary"]
    assert api.get("/api/v1/statements/", headers={"If-None-Match": etag}).status_code == 304
    Vote.objects.create(statement=statement, participant=UserFactory(), value=1)
    changed = api.get("/api/v1/statements/", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


@pytest.mark.parametrize(
    "path", ["statements", "ideas", "consultations", "initiatives", "outcomes", "calls", "organisations"]
)
def test_list_pages_take_a_constant_number_of_queries(api, organisation, forum, path):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert api.get(f"/api/v1/{path}/").status_code == 200
        return len(captured)

    def more():
        consultation_create(
            organisation=organisation, title="Encore", ideas_enabled=True, statements_enabled=True
        )
        for consultation in ConsultationPageList():
            statement = Statement.objects.create(consultation=consultation, text="Un énoncé")
            Vote.objects.create(statement=statement, participant=UserFactory(), value=1)
            Idea.objects.create(consultation=consultation, title="Idée", text="…", author=UserFactory())

    more()
    queries()  # Wagtail caches the sites' root paths on the first page URL it builds
    few = queries()
    more()
    more()
    assert queries() == few


def test_counts_are_computed_for_the_rows_of_the_page_only(api, organisation, forum):
    """The figures of a page are counted over its own rows: the total and the other pages' votes are
    never aggregated (with 50,000 votes that was most of a page's time)."""
    statements = Statement.objects.bulk_create(
        Statement(consultation=forum, text=f"Énoncé {n}") for n in range(7)
    )
    for n, statement in enumerate(statements):
        for value in [1] * n + [-1, 0]:
            Vote.objects.create(statement=statement, participant=UserFactory(), value=value)
    idea = Idea.objects.create(consultation=forum, title="Idée", text="…", author=UserFactory())
    Support.objects.create(idea=idea, supporter=UserFactory())
    Response.objects.create(
        consultation=forum,
        participant=UserFactory(),
        status=Response.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    Response.objects.create(consultation=forum, participant=UserFactory(), status=Response.Status.DRAFT)

    with CaptureQueriesContext(connection) as captured:
        page = api.get("/api/v1/statements/", {"page_size": 3, "page": 2}).json()
    shown = [s["id"] for s in page["results"]]
    assert page["count"] == 7
    assert [s["votes"] for s in page["results"]] == [
        {"agree": n, "disagree": 1, "pass": 1} for n in (3, 4, 5)
    ]
    on_votes = [q["sql"] for q in captured.captured_queries if '"consultations_vote"' in q["sql"]]
    assert len(on_votes) == 1, "one query counts the votes, and the total does not"
    assert all(f"IN ({', '.join(map(str, shown))})" in sql for sql in on_votes), on_votes

    unvoted = Statement.objects.create(consultation=forum, text="Sans vote")
    assert api.get(f"/api/v1/statements/{unvoted.pk}/").json()["votes"] == {
        "agree": 0,
        "disagree": 0,
        "pass": 0,
    }
    assert api.get(f"/api/v1/statements/{statements[6].pk}/").json()["votes"]["agree"] == 6
    assert [i["supports"] for i in api.get("/api/v1/ideas/").json()["results"]] == [1]
    assert api.get(f"/api/v1/consultations/{forum.pk}/").json()["response_count"] == 1, "drafts not counted"
    assert [c["response_count"] for c in api.get("/api/v1/consultations/").json()["results"]] == [1]


def ConsultationPageList():
    from consultations.models import ConsultationPage

    return list(ConsultationPage.objects.all())


def test_unknown_paths_under_api_are_json_404(api):
    response = api.get("/api/v1/ideas/abc/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_description_is_served(api):
    description = api.get("/api/openapi.json").json()
    assert description["openapi"].startswith("3.")
    assert "/api/v1/statements/{id}/vote/" in description["paths"]
    assert not any(path.startswith("/admin") for path in description["paths"])


# Writes: who may ------------------------------------------------------------------------------------


def test_votes_supports_and_answers_through_the_api(participant_api, participant, forum, statement, idea):
    assert participant_api.post_json(vote_url(statement), {"value": 1}).status_code == 200
    assert participant_api.post_json(vote_url(statement), {"value": -1}).json()["value"] == -1
    assert Vote.objects.get(participant=participant).value == -1, "voting again changes the vote"
    assert participant_api.post_json(support_url(idea), {"supporting": True}).json()["supports"] == 1
    assert participant_api.post_json(support_url(idea), {"supporting": False}).json()["supports"] == 0

    single, open_text = forum.question_list[:2]
    answers = {single.id: single.choices[0][0], open_text.id: "Plus d’écrans."}
    sent = participant_api.post_json(response_url(forum), {"answers": answers})
    assert sent.status_code == 200
    assert sent.json()["status"] == "submitted"
    changed = participant_api.post_json(response_url(forum), {"answers": {**answers, open_text.id: "Moins."}})
    assert changed.json()["detail"] == "Your answers are updated."
    assert (
        Response.objects.get(participant=participant).answers.get(question_id=open_text.id).text == "Moins."
    )


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("no token", 401),
        ("unknown token", 401),
        ("revoked token", 401),
        ("unverified", 403),
        ("outside the audience", 403),
        ("participant", 200),
    ],
)
@pytest.mark.parametrize("action", ["vote", "support", "answer"])
def test_permission_matrix_of_writes(organisation, forum, statement, idea, who, expected, action):
    from accounts.models import Territory

    person = UserFactory(verified=who != "unverified")
    client = TokenClient(token_for(person))
    if who == "no token":
        client = TokenClient()
    elif who == "unknown token":
        client = TokenClient("x" * 43)
    elif who == "revoked token":
        ApiToken.objects.filter(user=person).update(revoked_at=forum.opens_at)
    elif who == "outside the audience":
        lyon = Territory.objects.create(kind=Territory.Kind.COMMUNE, code="69123", name="Lyon")
        type(forum).objects.filter(pk=forum.pk).update(audience="territory", audience_territory=lyon)
    single, open_text = forum.question_list[:2]
    answers = {single.id: single.choices[0][0], open_text.id: "Oui."}
    url, body = {
        "vote": (vote_url(statement), {"value": 1}),
        "support": (support_url(idea), {"supporting": True}),
        "answer": (response_url(forum), {"answers": answers}),
    }[action]
    response = client.post_json(url, body)
    assert response.status_code == expected, response.content
    assert response.json()["detail"]
    recorded = Vote.objects.exists() or Support.objects.exists() or Response.objects.exists()
    assert recorded == (expected == 200)


def test_closed_consultations_and_hidden_items_refuse(participant_api, organisation, forum, statement, idea):
    Statement.objects.filter(pk=statement.pk).update(status=Statement.Status.HIDDEN)
    Idea.objects.filter(pk=idea.pk).update(moderation_status=Visibility.HIDDEN)
    assert participant_api.post_json(vote_url(statement), {"value": 1}).status_code == 404
    assert participant_api.post_json(support_url(idea), {"supporting": True}).status_code == 404

    closed = consultation_create(
        organisation=organisation,
        opens_in=timedelta(days=-10),
        closes_in=timedelta(days=-1),
        statements_enabled=True,
    )
    old = Statement.objects.create(consultation=closed, text="Trop tard")
    refused = participant_api.post_json(vote_url(old), {"value": 1})
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Votes on this statement are closed."
    single = closed.question_list[0]
    refused = participant_api.post_json(response_url(closed), {"answers": {single.id: single.choices[0][0]}})
    assert refused.status_code == 403
    assert "closed on" in refused.json()["detail"]
    assert not Vote.objects.exists()
    assert not Response.objects.exists()


def test_messages_follow_accept_language_then_the_profile(participant, organisation):
    """Without Accept-Language, the language of the person's profile; with it, the one asked for."""
    closed = consultation_create(
        organisation=organisation,
        opens_in=timedelta(days=-10),
        closes_in=timedelta(days=-1),
        statements_enabled=True,
    )
    statement = Statement.objects.create(consultation=closed, text="Trop tard")
    participant.language = "en"
    participant.save()
    token = token_for(participant)
    profile = TokenClient(token, language=None).post_json(vote_url(statement), {"value": 1})
    assert profile.json()["detail"] == "Votes on this statement are closed."
    french = TokenClient(token, language="fr").post_json(vote_url(statement), {"value": 1})
    assert french.json()["detail"] == "Les votes sur cette proposition sont fermés."


# The site and the API refuse alike: both read the refusal of consultations/permissions.py. Situation →
# the refusal's code; the words are the same on the page (or in its JSON) and in the API's `detail`.
SAME_REFUSALS = {
    "closed": CLOSED,
    "not_in_audience": NOT_IN_AUDIENCE,
    "unverified": UNVERIFIED,
    "signed_out": SIGN_IN,
    "hidden": HIDDEN,
}
RULE_OF = {"vote": "vote_statement", "support": "support_idea", "answer": "answer_consultation"}


@pytest.mark.parametrize(
    ("action", "situation"),
    [
        (action, situation)
        for action in RULE_OF
        for situation in SAME_REFUSALS
        if (action, situation) != ("answer", "hidden")  # a consultation is not hidden: unpublished, a 404
    ],
)
def test_the_site_and_the_api_give_the_same_refusal(en, organisation, action, situation):
    """Closed, outside the audience, unconfirmed: the same 403 and words from the page and the API.
    Signed out, the page sends to sign in and the API asks for a token; a hidden statement or idea is
    refused on the site and does not exist for the API (404), as in its reads."""
    closed = {"opens_in": timedelta(days=-10), "closes_in": timedelta(days=-1)}
    audience = {}
    if situation == "not_in_audience":
        lyon = Territory.objects.create(kind=Territory.Kind.COMMUNE, code="69123", name="Lyon")
        audience = {"audience": "territory", "audience_territory": lyon}
    forum = consultation_create(
        organisation=organisation,
        statements_enabled=True,
        ideas_enabled=True,
        **(closed if situation == "closed" else {}),
        **audience,
    )
    hidden = situation == "hidden"
    statement = Statement.objects.create(
        consultation=forum,
        author=UserFactory(),
        text="Deux jours suffisent.",
        status=Statement.Status.HIDDEN if hidden else Statement.Status.PUBLISHED,
    )
    idea = Idea.objects.create(
        consultation=forum,
        author=UserFactory(),
        title="Des écrans",
        text="Un second écran.",
        moderation_status=Visibility.HIDDEN if hidden else Visibility.PUBLISHED,
    )
    person = UserFactory(verified=situation != "unverified")
    signed_out = situation == "signed_out"
    api = TokenClient() if signed_out else TokenClient(token_for(person))
    if not signed_out:
        en.force_login(person)
    site_url, site_body, api_url, api_body, target = {
        "vote": (
            reverse("statement_vote", args=[forum.pk, statement.pk]),
            {"value": "1"},
            vote_url(statement),
            {"value": 1},
            Statement.objects.select_related("consultation").get(pk=statement.pk),
        ),
        "support": (
            reverse("idea_support", args=[forum.pk, idea.pk]),
            {"supporting": "1"},
            support_url(idea),
            {"supporting": True},
            Idea.objects.select_related("consultation").get(pk=idea.pk),
        ),
        "answer": (
            forum.url,
            form_data(forum),
            response_url(forum),
            {"answers": _answers(forum)},
            forum,
        ),
    }[action]

    with translation.override("en"):  # the language both clients ask for
        refusal = permissions.refusal(AnonymousUser() if signed_out else person, RULE_OF[action], target)
    assert refusal.code == SAME_REFUSALS[situation]
    site = en.post(site_url, site_body, headers={"Accept": "application/json"})
    through_api = api.post_json(api_url, api_body)
    if signed_out:
        assert site.status_code == 302
        assert site["Location"].startswith(reverse("account_login"))
        assert through_api.status_code == 401
    else:
        assert site.status_code == 403, site.content
        shown = site.context["refusal"] if action == "answer" else site.json()["error"]
        assert shown == refusal.message
        if action == "answer":
            assert escape(refusal.message) in site.content.decode()
        if hidden:
            assert through_api.status_code == 404
        else:
            assert through_api.status_code == 403, through_api.content
            assert through_api.json() == {"detail": refusal.message, "code": "refused"}
    recorded = Vote.objects.exists() or Support.objects.exists() or Response.objects.exists()
    assert not recorded


def _answers(consultation) -> dict:
    single, open_text = consultation.question_list[:2]
    return {single.id: single.choices[0][0], open_text.id: "Oui."}


def test_the_site_rate_limits_apply_to_the_api(participant_api, forum, statement, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "contribute_vote": "2/m/user"}
    for value in (1, -1):
        assert participant_api.post_json(vote_url(statement), {"value": value}).status_code == 200
    slowed = participant_api.post_json(vote_url(statement), {"value": 0})
    assert slowed.status_code == 429
    assert "Too many" in slowed.json()["detail"]
    assert Vote.objects.get().value == -1


def test_the_session_does_not_authenticate_api_writes(client, participant, forum, statement):
    """A signed-in browser posting to the API (another site's form, say) is anonymous there: no CSRF."""
    client.force_login(participant)
    response = client.post(vote_url(statement), {"value": 1}, content_type="application/json")
    assert response.status_code == 401
    assert not Vote.objects.exists()


def test_a_token_does_not_open_the_back_office(organisation):
    from tests.factories import AdministratorFactory

    token = token_for(AdministratorFactory())
    response = TokenClient(token).get("/admin/")
    assert response.status_code == 302
    assert "/login" in response["Location"]


# Writes: bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{not json",
        b"[1, 2]",
        b'"text"',
        b'{"value": "1"}',
        b'{"value": true}',
        b'{"value": 2}',
        b'{"value": 1, "extra": 1}',
        b'{"value": null}',
    ],
)
def test_bad_votes_are_400_json(participant_api, statement, body):
    response = participant_api.post(
        vote_url(statement), body, content_type="application/json", headers=participant_api._headers(None)
    )
    assert response.status_code == 400, response.content
    assert response.json()["detail"]
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    "body",
    [{}, {"supporting": "yes"}, {"supporting": 1}, {"supporting": True, "more": 1}, {"supporting": None}],
)
def test_bad_supports_are_400_json(participant_api, idea, body):
    response = participant_api.post_json(support_url(idea), body)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert not Support.objects.exists()


def test_bad_answers_are_400_with_the_question_named(participant_api, forum):
    single, open_text = forum.question_list[:2]
    cases = [
        ({}, "answers"),
        ({"answers": []}, "answers"),
        ({"answers": {"no-such-question": "x"}}, "answers.no-such-question"),
        ({"answers": {single.id: "not-a-choice"}}, f"answers.{single.id}"),
        ({"answers": {single.id: {"deep": 1}}}, f"answers.{single.id}"),
        ({"answers": {single.id: [single.choices[0][0]]}}, f"answers.{single.id}"),
        ({"answers": {open_text.id: "x" * 100_000}}, f"answers.{open_text.id}"),
        ({"answers": {single.id: single.choices[0][0]}, "draft": "maybe"}, "draft"),
        ({"answers": {single.id: single.choices[0][0]}, "surprise": 1}, "surprise"),
    ]
    for body, field in cases:
        response = participant_api.post_json(response_url(forum), body)
        assert response.status_code == 400, (body, response.content)
        assert field in response.json()["errors"], (body, response.json())
    assert not Response.objects.exists()


def test_unknown_ids_and_huge_bodies(participant_api, forum):
    assert participant_api.post_json("/api/v1/statements/999999/vote/", {"value": 1}).status_code == 404
    assert participant_api.post_json("/api/v1/ideas/999999/support/", {"supporting": True}).status_code == 404
    assert (
        participant_api.post_json("/api/v1/consultations/999999/response/", {"answers": {}}).status_code
        == 404
    )
    huge = participant_api.post_json(response_url(forum), {"answers": {"x": "y" * 1_000_000}})
    assert huge.status_code == 413
    assert huge.json()["code"] == "too_large"


# Tokens on the account page -------------------------------------------------------------------------


def test_tokens_are_shown_once_stored_hashed_and_revocable(client, participant, forum, statement):
    client.force_login(participant)
    assert client.post("/profile/api-tokens/", {"label": ""}).status_code == 400
    page = client.post("/profile/api-tokens/", {"label": "Application mobile"})
    assert page.status_code == 200
    token = page.context["new_token"]
    row = ApiToken.objects.get(user=participant)
    assert token not in (row.token_hash, row.prefix)
    assert row.prefix == token[:8]
    assert token not in client.get("/profile/api-tokens/").content.decode(), "shown once"

    api = TokenClient(token)
    assert api.post_json(vote_url(statement), {"value": 1}).status_code == 200
    other = UserFactory()
    client.force_login(other)
    client.post(f"/profile/api-tokens/{row.pk}/revoke/")
    assert api.post_json(vote_url(statement), {"value": 0}).status_code == 200, "only its owner revokes it"
    client.force_login(participant)
    assert client.post(f"/profile/api-tokens/{row.pk}/revoke/").status_code == 302
    assert api.post_json(vote_url(statement), {"value": 0}).status_code == 401


def test_calls_laureates_initiatives_and_outcomes_show_only_what_is_published(api, organisation, forum):
    from tests.api.content import site_content

    site = site_content(organisation, forum)
    assert [c["id"] for c in api.get("/api/v1/calls/").json()["results"]] == [site.call.pk]
    projects = api.get("/api/v1/projects/").json()["results"]
    assert [(p["title"], p["initiative"]) for p in projects] == [("Tiers-lieu de Lyon", site.initiative.pk)]
    body = api.get("/api/v1/projects/").content.decode()
    assert site.applicant.email not in body, "no applicant's e-mail"
    assert "siret" not in body, "no identifiers of the applicant"
    assert api.get(f"/api/v1/projects/{site.rejected.pk}/").status_code == 404
    from calls.models import Project

    Project.objects.filter(pk=projects[0]["id"]).update(
        applicant_type="individual", organisation_name="Hortense Vandermeulen"
    )
    assert "Hortense Vandermeulen" not in api.get("/api/v1/projects/").content.decode(), (
        "a person applying alone is not named"
    )

    initiatives = api.get("/api/v1/initiatives/").json()["results"]
    assert [(i["title"], i["reuse_count"], i["themes"]) for i in initiatives] == [
        (site.initiative.title, 1, ["réparation"])
    ]
    reuses = api.get(f"/api/v1/initiatives/{site.initiative.pk}/reuses/").json()["results"]
    assert [(r["territory"]["name"], r["comment"]) for r in reuses] == [("Vaucluse", "Chez nous")]
    assert "person" not in reuses[0]
    assert api.get(f"/api/v1/initiatives/{site.draft_initiative.pk}/reuses/").status_code == 404

    outcomes = api.get("/api/v1/outcomes/").json()["results"]
    assert [(o["id"], o["report"]["response_count"], o["report"]["vote_count"]) for o in outcomes] == [
        (site.outcome.pk, 12, 30)
    ]


def test_territory_filters_take_what_is_inside(api, organisation, forum):
    from tests.api.content import site_content

    site = site_content(organisation, forum)
    by_code = {
        code: [p["id"] for p in api.get("/api/v1/projects/", {"territory": code}).json()["results"]]
        for code in ("commune:69123", "departement:69", "region:84", "departement:84", "42")
    }
    assert by_code == {
        "commune:69123": [site.selected.pk],
        "departement:69": [site.selected.pk],
        "region:84": [site.selected.pk],
        "departement:84": [],
        "42": [],
    }
    assert [c["id"] for c in api.get("/api/v1/consultations/", {"territory": "84"}).json()["results"]] == [
        site.other.pk
    ]
    bad = api.get("/api/v1/ideas/", {"created_after": "2026-01-01T00:00:00-19:03"})
    assert bad.status_code == 400
    assert "created_after" in bad.json()["errors"]


def test_rich_text_comes_with_real_addresses(api, forum):
    """Wagtail stores internal links by page id; the API gives them as the page shows them."""
    from wagtail.models import Page

    home = Page.objects.get(depth=2)
    type(forum).objects.filter(pk=forum.pk).update(
        introduction=f'<p>Voir <a linktype="page" id="{home.pk}">ici</a>.</p>'
    )
    introduction = api.get(f"/api/v1/consultations/{forum.pk}/").json()["introduction"]
    assert 'linktype="page"' not in introduction
    assert f'href="{home.url}"' in introduction
