"""What happened to my input: each contribution with its status and answer, and the outcome pages."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Territory
from budgets.models import Ballot
from calls.models import CallPage, Project
from consultations.models import Comment, Idea, Response, Statement, Support, Vote
from reports.models import ReportSnapshot
from tests.budgets.conftest import call_create as voted_call_create
from tests.budgets.conftest import territory, vote_create
from tests.calls.conftest import call_create, project_create
from tests.factories import UserFactory, consultation_create, outcome_create
from tests.reports.test_reports import answer

pytestmark = pytest.mark.django_db
URL = "/consultations/mine/"


def closed(organisation, title="Consultation close"):
    return consultation_create(
        organisation=organisation, title=title, opens_in=timedelta(days=-20), closes_in=timedelta(days=-2)
    )


def contribute(consultation, person):
    """A sent response, a hidden statement, an answered idea, a comment, a vote and a support."""
    Response.objects.create(
        consultation=consultation, participant=person, status="submitted", submitted_at=timezone.now()
    )
    statement = Statement.objects.create(
        consultation=consultation,
        author=person,
        text=f"Le vendredi en télétravail ({consultation.pk})",
        status=Statement.Status.HIDDEN,
        moderation_reason="Hors sujet",
    )
    idea = Idea.objects.create(
        consultation=consultation,
        author=person,
        title=f"Un second écran ({consultation.pk})",
        text="…",
        status=Idea.Status.ACCEPTED,
        answer="Commandés pour septembre.",
    )
    Comment.objects.create(
        consultation=consultation, idea=idea, author=person, text="Bonne idée", stance="for"
    )
    other = Statement.objects.create(consultation=consultation, author=UserFactory(), text="Autre")
    Vote.objects.create(statement=other, participant=person, value=1)
    theirs = Idea.objects.create(
        consultation=consultation,
        author=UserFactory(),
        title=f"L’idée soutenue ({consultation.pk})",
        text="…",
    )
    Support.objects.create(idea=theirs, supporter=person)
    return statement


def quoting(consultation, statement, title):
    """A published outcome page that quotes `statement` from a report version listing it."""
    snapshot = ReportSnapshot.objects.create(
        consultation=consultation,
        version=1,
        response_count=1,
        responses_updated_at=None,
        data={"statements": {"consensus": [{"id": statement.pk, "text": statement.text, "score": 0.8}]}},
    )
    return outcome_create(
        consultation,
        title=title,
        snapshot=snapshot,
        decisions=[{"type": "quote", "value": {"source": "statement", "statement_id": statement.pk}}],
    )


def test_signing_in_is_required(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_each_contribution_shows_what_became_of_it(en, user, organisation):
    en.force_login(user)
    open_one = consultation_create(organisation=organisation, title="Consultation ouverte")
    contribute(open_one, user)
    done = closed(organisation)
    quoted = Statement.objects.create(consultation=done, author=user, text="Garder l’accueil du public")
    outcome = quoting(done, quoted, "Ce que nous avons retenu")
    stranger = UserFactory()
    Idea.objects.create(consultation=open_one, author=stranger, title="L’idée de quelqu’un d’autre", text="…")

    body = en.get(URL).content.decode()
    assert "Consultation ouverte" in body
    assert "Sent on" in body
    assert "Change your answers" in body, "answers can be changed while the consultation is open"
    assert "Hidden by moderation" in body
    assert "Reason: Hors sujet" in body
    assert "Accepted" in body
    assert "Commandés pour septembre." in body
    assert "Bonne idée" in body
    assert "You voted on 1 statement." in body
    assert "No outcome page yet." in body
    assert "L’idée de quelqu’un d’autre" not in body, "only one's own contributions"
    # The closed consultation: its outcome page, and the statement it quotes.
    assert outcome.url in body
    assert "Quoted in" in body
    assert body.index("Consultation ouverte") < body.index(done.title), "latest closing first"


def test_the_account_menu_links_to_it(en, user):
    en.force_login(user)
    assert URL in en.get("/").content.decode()


def test_nothing_yet_says_so(en, user):
    en.force_login(user)
    assert "You have not taken part in a consultation yet." in en.get(URL).content.decode()


def lyon():
    return Territory.objects.filter(code="69123").first() or territory(
        Territory.Kind.COMMUNE, "69123", "Lyon"
    )


def ballot_cast(vote, voter):
    return Ballot.objects.create(vote=vote, voter=voter, birth_year=1990, commune=lyon())


def test_the_page_costs_the_same_queries_whatever_the_contributions(client, user, organisation):
    client.force_login(user)
    client.get(URL)
    counts = []
    for size in (1, 6):
        for n in range(size):
            consultation = closed(organisation, title=f"Consultation {size}-{n}")
            statement = contribute(consultation, user)
            quoting(consultation, statement, f"Bilan {size}-{n}")
            call = call_create(organisation=organisation, title=f"Appel {size}-{n}")
            project_create(call, user, title=f"Dossier brouillon {size}-{n}")
            project_create(
                call,
                user,
                title=f"Dossier décidé {size}-{n}",
                status=Project.Status.NOT_SELECTED,
                status_reason="Budget épuisé",
            )
            voted = voted_call_create(organisation=organisation, title=f"Budget {size}-{n}")
            ballot_cast(vote_create(voted, phase="open" if n % 2 else "closed"), user)
        client.get(URL)  # new pages empty the cache of the site's root paths: refilled once
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_an_outcome_page_quoting_my_written_answer_says_so(en, user, organisation):
    en.force_login(user)
    consultation = consultation_create(organisation=organisation)
    single, open_text = consultation.question_list
    response = answer(consultation, user, text="Un second écran à la maison")
    written = response.answers.get(question_id=open_text.id)
    snapshot = ReportSnapshot.objects.create(
        consultation=consultation,
        version=1,
        response_count=1,
        responses_updated_at=None,
        data={
            "questions": [
                {"id": single.id, "label": single.label},
                {"id": open_text.id, "label": open_text.label},
            ],
            "themes": [
                {
                    "question_id": open_text.id,
                    "question_label": open_text.label,
                    "themes": [
                        {
                            "id": "t-1",
                            "keywords": ["écran"],
                            "quotes": [{"answer_id": written.pk, "text": written.text}],
                        }
                    ],
                }
            ],
        },
    )
    quote = {"source": "answer", "question_number": 2, "theme_number": 1, "quote_number": 1}
    page = outcome_create(
        consultation, title="Bilan d’étape", snapshot=snapshot, body=[{"type": "quote", "value": quote}]
    )
    assert page.cited == {"statements": [], "answers": [written.pk]}
    body = en.get(URL).content.decode()
    assert "One of your written answers is quoted in" in body
    assert page.url in body

    en.force_login(UserFactory())
    assert "quoted in" not in en.get(URL).content.decode()


def test_my_dossiers_show_their_status_and_answer(en, user, organisation):
    en.force_login(user)
    open_call = call_create(organisation=organisation, title="Appel ouvert")
    draft = project_create(open_call, user, title="Mon brouillon")
    sent = project_create(open_call, user, title="Mon dossier envoyé", status=Project.Status.SUBMITTED)
    past = call_create(organisation=organisation, title="Appel clos")
    decided = project_create(
        past,
        user,
        title="Mon dossier refusé",
        status=Project.Status.NOT_SELECTED,
        status_reason="Le budget de l’appel est épuisé.",
    )
    forgotten = project_create(past, user, title="Mon brouillon oublié")
    CallPage.objects.filter(pk=past.pk).update(closes_at=timezone.now() - timedelta(days=10))
    someone_else = project_create(open_call, UserFactory(), title="Le dossier d’un autre")

    body = en.get(URL).content.decode()
    assert "Your dossiers" in body
    assert reverse("calls_project", args=[draft.pk]) in body
    assert "Resume your dossier" in body, "a draft can be resumed while its call is open"
    assert "The call closed before it was sent." in body, "a draft of a closed call cannot be"
    assert reverse("calls_project", args=[forgotten.pk]) in body
    assert f"Reference {sent.reference}" in body
    assert "Submitted" in body
    assert "Change your dossier" in body, "a sent dossier can be changed until the call closes"
    assert reverse("calls_project", args=[decided.pk]) in body
    assert "Not selected" in body
    assert "Le budget de l’appel est épuisé." in body, "the reason the applicant sees on the dossier"
    assert open_call.url in body
    assert "Le dossier d’un autre" not in body
    assert reverse("calls_project", args=[someone_else.pk]) not in body


def test_my_ballots_say_whether_they_can_change_or_where_the_results_are(en, user, organisation):
    en.force_login(user)
    running = vote_create(voted_call_create(organisation=organisation, title="Budget en cours"), phase="open")
    over = vote_create(voted_call_create(organisation=organisation, title="Budget terminé"), phase="closed")
    ballot_cast(running, user)
    ballot_cast(over, user)
    others = vote_create(voted_call_create(organisation=organisation, title="Budget d’un autre"))
    ballot_cast(others, UserFactory())

    body = en.get(URL).content.decode()
    assert "Your ballots" in body
    assert "Budget en cours" in body
    assert "Cast on" in body
    assert "Change your ballot" in body
    assert reverse("budgets_vote", args=[running.pk]) in body
    assert reverse("budgets_results", args=[running.pk]) not in body, "no results while voting is open"
    assert "Budget terminé" in body
    assert "Voting closed on" in body
    assert reverse("budgets_results", args=[over.pk]) in body
    assert body.count("Change your ballot") == 1, "a closed vote's ballot can no longer be changed"
    assert "Budget d’un autre" not in body, "only one's own ballots"


def test_without_dossiers_or_ballots_the_sections_are_left_out(en, user, organisation):
    en.force_login(user)
    project_create(call_create(organisation=organisation), UserFactory(), title="Le dossier d’un autre")
    body = en.get(URL).content.decode()
    assert "Your dossiers" not in body
    assert "Your ballots" not in body


def test_a_consultation_no_longer_published_is_listed_without_a_dead_link(en, user, organisation):
    en.force_login(user)
    gone = consultation_create(organisation=organisation, title="Consultation retirée")
    contribute(gone, user)
    outcome = outcome_create(gone, title="Bilan réservé")
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=outcome, restriction_type=PageViewRestriction.LOGIN)
    address = gone.url
    gone.unpublish()
    body = en.get(URL).content.decode()
    assert "Consultation retirée" in body, "the contribution is still listed"
    assert "no longer published" in body
    assert f'href="{address}' not in body
    assert "Change your answers" not in body
    assert "Bilan réservé" not in body, "a restricted outcome page is not listed"


def test_a_long_history_comes_twenty_consultations_a_page(en, user, organisation):
    for number in range(22):
        consultation = consultation_create(
            organisation=organisation,
            title=f"Consultation numéro {number:02d}",
            opens_in=timedelta(days=-30),
            closes_in=timedelta(days=number + 1),  # the latest closing first: 21 down to 00
        )
        Response.objects.create(
            consultation=consultation, participant=user, status="submitted", submitted_at=timezone.now()
        )
    en.force_login(user)
    first = en.get(URL).content.decode()
    assert first.count("Consultation numéro") == 20
    assert "Consultation numéro 21" in first
    assert "Consultation numéro 01" not in first
    assert 'rel="next"' in first
    assert "Page 1 of 2" in first
    second = en.get(URL + "?page=2").content.decode()
    assert second.count("Consultation numéro") == 2
    assert "Consultation numéro 01" in second
    assert "Consultation numéro 00" in second
    assert en.get(URL + "?page=abc").status_code == 200, "a page that is not a number: the first"


def test_the_ideas_i_supported_show_their_status_and_answer(en, user, organisation):
    en.force_login(user)
    consultation = consultation_create(organisation=organisation, title="Consultation des idées")
    answered = Idea.objects.create(
        consultation=consultation,
        author=UserFactory(),
        title="Un abri à vélos",
        text="…",
        status=Idea.Status.ACCEPTED,
        answer="Installé au printemps.",
    )
    waiting = Idea.objects.create(consultation=consultation, author=UserFactory(), title="Un banc", text="…")
    hidden = Idea.objects.create(
        consultation=consultation,
        author=UserFactory(),
        title="Une idée masquée",
        text="…",
        moderation_status="hidden",
    )
    unsupported = Idea.objects.create(
        consultation=consultation, author=UserFactory(), title="Une idée sans moi", text="…"
    )
    for idea in (answered, waiting, hidden):
        Support.objects.create(idea=idea, supporter=user)
    Support.objects.create(idea=answered, supporter=UserFactory())

    body = en.get(URL).content.decode()
    assert "Consultation des idées" in body, "supporting an idea is taking part"
    assert "Ideas you supported" in body
    assert answered.get_absolute_url() in body
    assert "Accepted" in body
    assert "Installé au printemps." in body
    assert "2 supports" in body
    assert waiting.get_absolute_url() in body
    assert "No answer from the organisation yet." in body
    assert "Une idée masquée" not in body, "a hidden idea is its author's only"
    assert "Une idée sans moi" not in body
    assert unsupported.get_absolute_url() not in body


def test_a_person_without_supports_ballots_or_dossiers_gets_none_of_those_lists(en, user, organisation):
    en.force_login(user)
    consultation = consultation_create(organisation=organisation)
    Response.objects.create(
        consultation=consultation, participant=user, status="submitted", submitted_at=timezone.now()
    )
    Support.objects.create(
        idea=Idea.objects.create(consultation=consultation, author=UserFactory(), title="X", text="…"),
        supporter=UserFactory(),
    )
    body = en.get(URL).content.decode()
    assert "Sent on" in body
    assert "Ideas you supported" not in body
    assert "Your ballots" not in body
    assert "Your dossiers" not in body
