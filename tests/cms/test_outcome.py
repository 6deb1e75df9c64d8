"""Outcome pages: three guided sections, blocks that quote a pinned report version (so a published page
never changes silently), and what became of each idea."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.blocks import OutcomeBodyBlock, OutcomeDecisionsBlock
from cms.models import HomePage, OutcomePage
from consultations.models import ConsultationUpdate, Idea
from reports.models import ReportSnapshot
from reports.schema import FORMAT
from reports.services import report_compile
from tests.factories import UserFactory, consultation_create, outcome_create
from tests.reports.test_reports import answer

pytestmark = pytest.mark.django_db


def crafted_snapshot(consultation, *, version=1, choice_count=10) -> ReportSnapshot:
    """A report version in the documented format (docs/feedback.md), with themes and opinion groups."""
    single, open_text = consultation.question_list
    data = {
        "participants": 12,
        "open_answers": 12,
        "questions": [
            {
                "id": single.id,
                "kind": "single_choice",
                "label": single.label,
                "respondents": 12,
                "choices": [
                    {
                        "id": "a",
                        "label": "Aucun",
                        "count": 2,
                        "percent": 16.7,
                        "ci_low": 4.7,
                        "ci_high": 44.8,
                    },
                    {
                        "id": "c",
                        "label": "Deux ou plus",
                        "count": choice_count,
                        "percent": 83.3,
                        "ci_low": 55.2,
                        "ci_high": 95.3,
                    },
                ],
            },
            {
                "id": open_text.id,
                "kind": "open_text",
                "label": open_text.label,
                "respondents": 12,
                "answers": 12,
            },
        ],
        "themes": [
            {
                "question_id": open_text.id,
                "question_label": open_text.label,
                "answers": 12,
                "analysed": 12,
                "themes": [
                    {
                        "id": "t-1",
                        "keywords": ["écran", "bureau"],
                        "count": 7,
                        "share": 58.3,
                        "quotes": [
                            {"answer_id": 101, "text": "Un second écran à la maison"},
                            {"answer_id": 103, "text": "Un bureau partagé près de chez moi"},
                        ],
                        "answer_ids": [101, 103],
                    },
                    {
                        "id": "t-2",
                        "keywords": ["horaires"],
                        "count": 5,
                        "share": 41.7,
                        "quotes": [{"answer_id": 102, "text": "Des horaires souples"}],
                        "answer_ids": [102],
                    },
                ],
            }
        ],
        "statements": {
            "participants": 20,
            "groups": [
                {
                    "id": 1,
                    "size": 12,
                    "representatives": [
                        {
                            "id": 7,
                            "text": "Le vendredi en télétravail",
                            "direction": "agree",
                            "percent": 90,
                            "rest_percent": 20,
                            "repness": 3.1,
                        },
                    ],
                },
                {
                    "id": 2,
                    "size": 8,
                    "representatives": [
                        {
                            "id": 8,
                            "text": "Un jour fixe pour toute l’équipe",
                            "direction": "disagree",
                            "percent": 75,
                            "rest_percent": 30,
                            "repness": 2.2,
                        },
                    ],
                },
            ],
            "consensus": [{"id": 9, "text": "Garder l’accueil du public chaque jour", "score": 0.81}],
            "majority_agree": [],
            "majority_disagree": [],
            "uncertain": [],
        },
    }
    return ReportSnapshot.objects.create(
        consultation=consultation, version=version, response_count=12, responses_updated_at=None, data=data
    )


EVERY_BLOCK = [
    {"type": "report_figure", "value": {"figure": "participants", "caption": "personnes ont répondu"}},
    {"type": "choice_chart", "value": {"question_number": 1, "caption": ""}},
    {"type": "themes", "value": {"question_number": 2, "quotes": 1}},
    {"type": "opinion_groups", "value": {"show_consensus": True}},
    {
        "type": "quote",
        "value": {"source": "answer", "question_number": 2, "theme_number": 2, "quote_number": 1},
    },
]


def test_figures_come_from_the_pinned_version_even_after_a_recompile(client, consultation):
    answer(consultation, choice=2)
    answer(consultation, choice=2)
    pinned = report_compile(consultation=consultation)
    page = outcome_create(
        consultation,
        snapshot=pinned,
        body=[
            {
                "type": "report_figure",
                "value": {"figure": "participants", "caption": "personnes ont répondu"},
            },
            {"type": "report_figure", "value": {"figure": "question", "question_number": 1}},
        ],
    )
    answer(consultation, choice=0)
    assert report_compile(consultation=consultation).participants == 3

    body = client.get(page.url).content.decode()
    assert 'data-figure="participants">2<' in body
    assert "personnes ont répondu" in body
    assert "Deux ou plus" in body
    assert "100,0\xa0%" in body
    assert page.url in client.get("/").content.decode(), "the home page lists the latest outcomes"
    assert page.url in client.get(consultation.url).content.decode(), "the consultation links to its outcome"


def test_the_page_answers_the_three_questions_in_order(en, consultation):
    page = outcome_create(
        consultation,
        decisions=[{"type": "paragraph", "value": "<p>Deux jours par semaine, pas le lundi.</p>"}],
        next_steps="<p>Un bilan en décembre.</p>",
    )
    body = en.get(page.url).content.decode()
    heard, decided, upcoming = (
        body.index("What we heard"),
        body.index("What we decided and why"),
        body.index("What happens next"),
    )
    assert heard < body.index("Une majorité télétravaille") < decided
    assert decided < body.index("pas le lundi") < upcoming < body.index("Un bilan en décembre")

    ConsultationUpdate.objects.create(
        consultation=consultation,
        published_on=date(2026, 9, 1),
        title="Écrans livrés",
        text="Dans tous les services.",
    )
    ConsultationUpdate.objects.create(
        consultation=consultation, published_on=date(2026, 10, 1), title="Premier bilan", text="…"
    )
    body = en.get(page.url).content.decode()
    assert body.index("Un bilan en décembre") < body.index("Since then") < body.index("Premier bilan")
    assert body.index("Premier bilan") < body.index("Écrans livrés"), "the dated updates, newest first"


def test_every_block_shows_the_pinned_version_and_ignores_later_ones(en, consultation):
    pinned = crafted_snapshot(consultation, choice_count=10)
    page = outcome_create(
        consultation,
        snapshot=pinned,
        body=EVERY_BLOCK,
        decisions=[
            {"type": "quote", "value": {"source": "statement", "statement_id": 9, "comment": "unanime"}}
        ],
    )
    crafted_snapshot(consultation, version=2, choice_count=999)

    body = en.get(page.url).content.decode()
    assert 'data-figure="participants">12<' in body
    # The chart: drawn for the eye only, the figures in a table with a caption.
    assert 'aria-hidden="true"' in body
    assert '<caption><span lang="fr">Combien de jours' in body  # the question is French content (RGAA 8.7)
    assert "<td>10</td>" in body
    assert "999" not in body
    assert "55.2 – 95.3\xa0%" in body, "a range and its sign on one line"
    # Themes: words, counts, one quote each.
    assert "écran, bureau" in body
    assert "Un second écran à la maison" in body
    assert "Un bureau partagé" not in body, "one quote per theme, as asked"
    share = '<td class="nowrap" data-label="Share">58.3\xa0%</td>'
    assert share in body, "7 of 12 answers: the share as stored"
    # Opinion groups: sizes, what sets each apart, consensus.
    assert "Group 1: 12 people" in body
    assert "Le vendredi en télétravail" in body
    assert "90\xa0% agree" in body
    assert "75\xa0% disagree" in body
    assert "Garder l’accueil du public chaque jour" in body
    # Quotes come from the snapshot.
    assert body.count("Des horaires souples") == 2, "in its theme and in the quote block"
    assert "unanime" in body


def test_the_accountability_block_lists_each_idea_with_its_status_and_answer(en, consultation):
    author = UserFactory()
    accepted = Idea.objects.create(
        consultation=consultation,
        author=author,
        title="Un second écran",
        text="…",
        status=Idea.Status.ACCEPTED,
        answer="Commandés pour septembre.",
    )
    Idea.objects.create(consultation=consultation, author=author, title="Cantine ouverte", text="…")
    Idea.objects.create(
        consultation=consultation, author=author, title="Idée masquée", text="…", moderation_status="hidden"
    )
    page = outcome_create(
        consultation, decisions=[{"type": "accountability", "value": {"source": "ideas", "statuses": []}}]
    )
    body = en.get(page.url).content.decode()
    assert accepted.get_absolute_url() in body
    assert "Accepted" in body
    assert "Commandés pour septembre." in body
    assert "Cantine ouverte" in body
    assert "No answer yet." in body
    assert "Idée masquée" not in body, "hidden ideas stay hidden"

    Idea.objects.filter(pk=accepted.pk).update(status=Idea.Status.DONE)
    assert "Done" in en.get(page.url).content.decode(), "statuses are decisions: always the current ones"

    only_accepted = outcome_create(
        consultation,
        title="Acceptées",
        decisions=[{"type": "accountability", "value": {"source": "ideas", "statuses": ["received"]}}],
    )
    body = en.get(only_accepted.url).content.decode()
    assert "Cantine ouverte" in body
    assert "Un second écran" not in body


def test_the_accountability_block_lists_a_calls_laureates_and_counts_the_other_decisions(en, consultation):
    from django.utils import timezone
    from wagtail.blocks import StructBlockValidationError

    from calls.models import Project
    from cms.blocks import AccountabilityBlock
    from tests.calls.conftest import call_create

    call = call_create(organisation=consultation.organisation)
    {
        status: Project.objects.create(
            call=call,
            title=f"Projet {status}",
            amount_requested=1000,
            status=status,
            status_reason=reason,
            submitted_at=None if status == Project.Status.DRAFT else timezone.now(),
        )
        for status, reason in [
            (Project.Status.SELECTED, "Utile et faisable."),
            (Project.Status.NOT_SELECTED, "Hors du territoire de l’appel."),
            (Project.Status.SUBMITTED, ""),
            (Project.Status.DRAFT, ""),
        ]
    }
    value = {"source": "projects", "call": call.pk, "statuses": []}
    block = AccountabilityBlock()
    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(block.to_python(value))
    assert "Publish this call's laureates first" in str(refused.value.block_errors["call"])
    page = outcome_create(consultation, decisions=[{"type": "accountability", "value": value}])
    assert "Projet selected" not in en.get(page.url).content.decode(), "nothing listed before publication"

    type(call).objects.filter(pk=call.pk).update(laureates_published_at=timezone.now())
    block.clean(block.to_python(value))  # the call's decisions are public now
    body = en.get(page.url).content.decode()
    assert "What became of each project" in body
    assert "Projet selected" in body
    assert "Utile et faisable." in body
    assert "Projet not_selected" not in body, "a refused dossier is the applicant's business"
    assert "Hors du territoire de l’appel." not in body
    assert "not selected: 1" in body, "but it is counted"
    assert "Projet submitted" not in body, "a dossier still under evaluation is not listed"
    assert "Projet draft" not in body

    call.unpublish()
    body = en.get(page.url).content.decode()
    assert "Projet selected" not in body, "an unpublished call's decisions are no longer listed"
    assert "not selected: 1" not in body


def test_an_outcome_must_quote_a_version_of_its_own_consultation(consultation, organisation):
    answer(consultation)
    other = consultation_create(organisation=organisation, title="Autre consultation")
    answer(other)
    wrong = report_compile(consultation=other)
    page = OutcomePage(
        title="Bilan",
        consultation=consultation,
        report_version=wrong,
        summary="…",
        body=[],
        decisions=[{"type": "paragraph", "value": "<p>…</p>"}],
        next_steps="<p>…</p>",
    )
    with pytest.raises(Exception, match="consultation"):
        page.full_clean()


def outcome_form(consultation, snapshot, **overrides) -> dict:
    """The outcome page editor's fields: one figure (participants) from the pinned version."""
    data = {
        "title": "Bilan de la consultation",
        "slug": "bilan",
        "consultation": str(consultation.pk),
        "report_version": str(snapshot.pk),
        "summary": "Ce que nous avons entendu.",
        "body": streamfield(
            [("report_figure", {"figure": "participants", "question_number": "", "caption": "participants"})]
        ),
        "decisions": streamfield([("paragraph", rich_text("<p>Deux jours.</p>"))]),
        "next_steps": rich_text("<p>En septembre.</p>"),
        **overrides,
    }
    return nested_form_data(data)


def add_url():
    return reverse("wagtailadmin_pages:add", args=["cms", "outcomepage", HomePage.objects.get().pk])


def test_an_editor_publishes_an_outcome_page_in_the_admin(client, editor, consultation):
    answer(consultation)
    snapshot = report_compile(consultation=consultation)
    client.force_login(editor)
    url = add_url()
    publish = {"action-publish": "publish"}
    assert client.post(url, outcome_form(consultation, snapshot, **publish)).status_code == 302
    page = OutcomePage.objects.get(slug="bilan")
    assert page.live
    assert 'data-figure="participants">1<' in client.get(page.url).content.decode()

    unpinned = outcome_form(
        consultation, snapshot, slug="bilan-2", report_version="", title="Sans version", **publish
    )
    refused = client.post(url, unpinned)
    assert "report_version" in refused.context["form"].errors, "figures need a pinned version"
    assert not OutcomePage.objects.filter(slug="bilan-2").exists()


def test_each_section_is_required(client, editor, consultation):
    answer(consultation)
    snapshot = report_compile(consultation=consultation)
    client.force_login(editor)
    for missing in ("summary", "decisions", "next_steps"):
        # "null" is what an empty Draftail editor posts.
        empty = {"decisions": streamfield([]), "next_steps": "null"}.get(missing, "")
        refused = client.post(
            add_url(), outcome_form(consultation, snapshot, **{missing: empty, "action-publish": "publish"})
        )
        assert refused.status_code == 200
        assert missing in refused.context["form"].errors, missing
    assert not OutcomePage.objects.exists()


@pytest.mark.parametrize(
    ("stream", "block", "expected"),
    [
        ("body", ("report_figure", {"figure": "question", "question_number": "2", "caption": ""}), "choice"),
        ("body", ("choice_chart", {"question_number": "2", "caption": ""}), "not a choice question"),
        ("body", ("choice_chart", {"question_number": "9", "caption": ""}), "not a choice question"),
        ("body", ("themes", {"question_number": "1", "quotes": "1"}), "no themes"),
        ("body", ("opinion_groups", {"show_consensus": "on"}), "no opinion groups"),
        (
            "body",
            (
                "quote",
                {
                    "source": "answer",
                    "question_number": "2",
                    "theme_number": "5",
                    "quote_number": "1",
                    "statement_id": "",
                    "comment": "",
                },
            ),
            "no quote 1 in theme 5",
        ),
        (
            "decisions",
            (
                "quote",
                {
                    "source": "statement",
                    "question_number": "",
                    "theme_number": "",
                    "quote_number": "",
                    "statement_id": "4242",
                    "comment": "",
                },
            ),
            "Statement 4242 is not quoted",
        ),
    ],
    ids=["figure", "chart-open", "chart-missing", "themes", "groups", "quote-answer", "quote-statement"],
)
def test_a_block_the_pinned_version_cannot_show_is_refused_on_it(
    client, editor, consultation, stream, block, expected
):
    snapshot = crafted_snapshot(consultation)
    snapshot.data = {**snapshot.data, "statements": {}}
    ReportSnapshot.objects.filter(pk=snapshot.pk).update(data=snapshot.data)
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "en"  # the messages below are the English ones
    profile.save()
    client.force_login(editor)
    fields = {stream: streamfield([("paragraph", rich_text("<p>Intro</p>")), block])}
    refused = client.post(
        add_url(), outcome_form(consultation, snapshot, **fields, **{"action-publish": "1"})
    )
    assert refused.status_code == 200
    error = refused.context["form"].errors.as_data()[stream][0]
    assert list(error.block_errors) == [1], "the error is shown on the block itself"
    with translation.override("en"):  # a message without placeholders is still lazy here
        assert expected in " ".join(error.block_errors[1].messages)
    assert not OutcomePage.objects.exists()


def test_every_block_has_a_description_and_a_preview_value():
    for stream in (OutcomeBodyBlock(), OutcomeDecisionsBlock()):
        for name, block in stream.child_blocks.items():
            if name in ("heading", "paragraph"):
                continue
            assert block.meta.description, name
            assert block.meta.preview_value, name


def test_an_editor_previews_an_outcome_page_before_saving_it(client, editor, consultation):
    snapshot = crafted_snapshot(consultation)
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:preview_on_add", args=["cms", "outcomepage", HomePage.objects.get().pk])
    body = streamfield([("themes", {"question_number": "2", "quotes": "1"})])
    assert client.post(url, outcome_form(consultation, snapshot, body=body)).json()["is_valid"]
    assert "Un second écran à la maison" in client.get(url).content.decode()


def test_the_outcome_editor_offers_versions_of_published_consultations_only(client, editor, consultation):
    draft = consultation_create(organisation=consultation.organisation, title="Brouillon", publish=False)
    answer(consultation)
    shown = report_compile(consultation=consultation)
    hidden = ReportSnapshot.objects.create(
        consultation=draft, version=1, response_count=0, responses_updated_at=None, data={}
    )
    client.force_login(editor)
    choices = list(client.get(add_url()).context["form"].fields["report_version"].queryset)
    assert shown in choices
    assert hidden not in choices


def test_outcome_pages_render_in_a_constant_number_of_queries(
    client, consultation, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    snapshot = crafted_snapshot(consultation)
    author = UserFactory()
    counts = []
    for size in (1, 30):
        for n in range(size):
            Idea.objects.create(consultation=consultation, author=author, title=f"Idée {size}-{n}", text="…")
        page = outcome_create(
            consultation,
            title=f"Bilan {size}",
            snapshot=snapshot,
            body=EVERY_BLOCK * 2,
            decisions=[{"type": "accountability", "value": {"source": "ideas", "statuses": []}}],
        )
        client.get(page.url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page.url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_block_chooser_previews_each_block_on_sample_data(en, editor):
    en.force_login(editor)
    url = reverse("wagtailadmin_block_preview")
    shown = {
        "report_figure": "240",
        "choice_chart": "How many days a week would you like to work from home?",
        "themes": "A second screen at home would change everything.",
        "opinion_groups": "Fridays should be remote.",
        "quote": "A second screen at home would change everything.",
        "accountability": "Ordered for September.",
    }
    blocks = {**OutcomeBodyBlock().child_blocks, **OutcomeDecisionsBlock().child_blocks}
    for name, text in shown.items():
        response = en.get(url, {"id": blocks[name].definition_prefix})
        assert response.status_code == 200, name
        assert text in response.content.decode(), name


def test_a_version_written_by_a_newer_platform_asks_to_come_back_rather_than_failing(en, consultation):
    """During a deployment, a process of the previous version may read a version the new one compiled:
    the page asks to come back in a minute (503), never a server error."""
    pinned = crafted_snapshot(consultation)
    page = outcome_create(consultation, snapshot=pinned, body=EVERY_BLOCK)
    ReportSnapshot.objects.filter(pk=pinned.pk).update(data={**pinned.data, "format": FORMAT + 1})

    response = en.get(page.url)
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "momentarily unavailable" in response.content.decode()


def test_the_key_points_block_says_what_to_take_away_from_the_pinned_version(en, consultation):
    pinned = crafted_snapshot(consultation)
    body = [{"type": "highlights", "value": {"show_ideas": True}}]
    page = outcome_create(consultation, snapshot=pinned, body=body)
    later = crafted_snapshot(consultation, version=2)
    ReportSnapshot.objects.filter(pk=later.pk).update(data={**later.data, "participants": 14283})

    body = en.get(page.url).content.decode()
    assert '<h3 id="outcome-highlights">Key points</h3>' in body, "under the section's h2"
    assert 'data-figure="highlights-participants">12<' in body
    assert "14,283" not in body, "a later version changes nothing on a published page"
    assert 'data-figure="group-1-size">12<' in body
    assert "agrees with “Le vendredi en télétravail” (90\xa0%, against 20\xa0% of everyone else)" in body
    assert "disagrees with “Un jour fixe pour toute l’équipe”" in body
    assert '<li data-consensus="9">Garder l’accueil du public chaque jour</li>' in body
    assert "écran, bureau" in body
    assert 'data-figure="theme-1-count">7<' in body


def test_outcome_figures_are_written_the_french_way(client, consultation):
    pinned = crafted_snapshot(consultation)
    data = {**pinned.data, "participants": 14283}
    data["questions"][0]["choices"][0]["percent"] = 20.8
    ReportSnapshot.objects.filter(pk=pinned.pk).update(data=data)
    pinned.refresh_from_db()
    page = outcome_create(
        consultation,
        snapshot=pinned,
        body=[
            {"type": "report_figure", "value": {"figure": "participants", "caption": ""}},
            {"type": "choice_chart", "value": {"question_number": 1, "caption": ""}},
            {"type": "highlights", "value": {"show_ideas": True}},
        ],
    )
    body = client.get(page.url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'data-figure="participants">14\u202f283<' in body
    assert 'data-figure="highlights-participants">14\u202f283<' in body
    assert "20,8\xa0%" in body, "a percent never splits from its sign"
    assert "20.8 %" not in body
