"""A closed consultation of the demo: a real Pol.is conversation (Bowling Green 2050, open data under
CC BY 4.0) imported with `polis_conversation_import`, its report compiled here and now, and an outcome
page quoting that report version."""

from pathlib import Path

from django.conf import settings

from accounts.models import Organisation
from calls.models import CallPage
from cms.models import HomePage, OutcomePage
from consultations.imports.polis import polis_conversation_import, polis_export_read
from consultations.models import ConsultationPage
from reports.models import ReportSnapshot
from reports.services import report_compile

CONVERSATION = "bg2050-volunteers"
OUTCOME_SLUG = "bowling-green-2050-ce-qui-en-ressort"
# The shared data next to the checkout, else the copy the test suite ships (the same bytes).
FOLDERS = [
    Path(settings.BASE_DIR).parent / "shared" / "data" / "polis" / CONVERSATION,
    Path(settings.BASE_DIR) / "tests" / "data" / "polis" / CONVERSATION,
]

ATTRIBUTION = (
    "<p>Données issues d’une conversation réelle menée avec le logiciel Pol.is "
    '(<a href="https://compdemocracy.org/polis">compdemocracy.org/polis</a>), '
    '<a href="https://pol.is/3nemnipcrc">pol.is/3nemnipcrc</a>, publiées sous licence '
    '<a href="https://creativecommons.org/licenses/by/4.0/deed.fr">Creative Commons Attribution 4.0 '
    "International (CC BY 4.0)</a> avec attribution à The Computational Democracy Project. "
    "Les propositions sont citées dans leur langue d’origine, l’anglais ; seuls la présentation, les "
    "décisions et les titres de cette page ont été écrits pour la démonstration.</p>"
)

INTRODUCTION = (
    "<p>En septembre 2024, la ville de Bowling Green (Kentucky, États-Unis) a demandé à ses habitants "
    "ce qu’ils voulaient voir dans leur ville en 2050, alors que sa population doit presque doubler en "
    "vingt-cinq ans. Chacun pouvait écrire une proposition courte et voter « d’accord », « pas "
    "d’accord » ou « je passe » sur celles des autres.</p>"
    "<p>Cette consultation de démonstration reprend la conversation telle qu’elle a eu lieu : "
    "126 participants, plus de 300 propositions et 14 000 votes, importés depuis l’export ouvert de "
    "Pol.is. Elle montre ce que Concerto tire d’un vote sur des propositions : des groupes d’opinion, "
    "les points d’accord et les points de division.</p>" + ATTRIBUTION
)


def polis_folder() -> Path | None:
    return next((folder for folder in FOLDERS if (folder / "comments.csv").is_file()), None)


def demo_closed_load(*, home: HomePage, organisation: Organisation, vote_call: CallPage | None):
    """The imported consultation, its compiled report and its outcome page (each made once).
    Returns the outcome page, or None when the Pol.is data cannot be found."""
    folder = polis_folder()
    if folder is None:
        return None
    export = polis_export_read(folder)
    consultation = ConsultationPage.objects.filter(imported_from=export.source).first()
    if consultation is None:
        consultation = polis_conversation_import(
            export=export,
            organisation=organisation,
            parent=home,
            title="Bowling Green en 2050 : la ville que veulent ses habitants",
            publish=True,
            decision_at_stake=(
                "Le plan d’urbanisme « BG 2050 » de la ville de Bowling Green, adopté par son conseil "
                "municipal à l’issue de la concertation."
            ),
            what_can_change=(
                "Les priorités du plan : parcs, mobilités, logement, centre-ville, services. La "
                "croissance de la population, elle, est une donnée."
            ),
            use_of_contributions=(
                "Les votes sont analysés en groupes d’opinion et en points d’accord, publiés dans la "
                "synthèse ; le bilan dit ce qui a été retenu."
            ),
        ).consultation
        consultation.introduction = INTRODUCTION
        consultation.search_description = (
            "Une conversation Pol.is réelle importée, avec sa synthèse et son bilan."
        )
        consultation.save_revision().publish()
    snapshot = report_compile(consultation=consultation) or consultation.report_snapshots.first()
    if not OutcomePage.objects.filter(slug=OUTCOME_SLUG).exists():
        _outcome(home, consultation, snapshot, vote_call)
    return OutcomePage.objects.get(slug=OUTCOME_SLUG)


def _outcome(home, consultation, snapshot: ReportSnapshot, vote_call):
    statements = snapshot.report.statements
    agreed = statements.consensus[0].id if statements and statements.consensus else None
    body = [
        {"type": "highlights", "value": {"show_ideas": False}},
        {
            "type": "report_figure",
            "value": {"figure": "participants", "caption": "habitants ont voté sur les propositions"},
        },
        {"type": "heading", "value": "Deux façons de voir la ville de demain"},
        {
            "type": "paragraph",
            "value": "<p>Les votes dessinent deux groupes d’opinion. Chaque point de la carte est un "
            "participant ; ceux qui ont voté de la même façon sont proches.</p>",
        },
        {"type": "opinion_map", "value": {"caption": "Carte des opinions de la conversation"}},
        {"type": "opinion_groups", "value": {"show_consensus": True}},
        {
            "type": "statement_groups",
            "value": {"caption": "Les votes de chaque groupe, proposition par proposition"},
        },
        {"type": "paragraph", "value": ATTRIBUTION},
    ]
    if agreed is not None:
        body.insert(
            4,
            {
                "type": "quote",
                "value": {
                    "source": "statement",
                    "statement_id": agreed,
                    "comment": "La proposition qui rassemble le plus largement les deux groupes.",
                },
            },
        )
    decisions = [
        {
            "type": "paragraph",
            "value": "<p>Les parcs, les espaces verts et la qualité de vie font l’accord des deux groupes : "
            "ils deviennent le premier chapitre du plan. Les propositions sur la circulation et le "
            "logement, qui divisent, sont renvoyées à des ateliers par quartier au printemps.</p>",
        },
        {
            "type": "report_figure",
            "value": {"figure": "participants", "caption": "participants, tous entendus"},
        },
    ]
    if vote_call is not None and vote_call.laureates_published_at:
        decisions += [
            {"type": "heading", "value": "Les projets soumis au vote des habitants"},
            {"type": "accountability", "value": {"source": "projects", "call": vote_call.pk, "statuses": []}},
        ]
    page = OutcomePage(
        title="Bowling Green en 2050 : ce qui ressort de la conversation",
        slug=OUTCOME_SLUG,
        consultation=consultation,
        report_version=snapshot,
        summary=(
            "Les habitants s’accordent sur les parcs, l’accueil de tous et un centre-ville vivant ; "
            "ils se divisent sur la place de la voiture et la densité des nouveaux quartiers."
        ),
        body=body,
        decisions=decisions,
        next_steps="<p>Des ateliers par quartier au printemps, puis le vote du plan par le conseil "
        "municipal. Un point d’étape sera publié ici.</p>",
    )
    home.add_child(instance=page)
    page.save_revision().publish()
