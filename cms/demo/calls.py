"""Two calls of the demo past their deadline: one at the jury stage (dossiers in evaluation, some
scored), and a participatory budget whose laureates are published and put to an open public vote with
ballots cast. Dossiers go in while the call is open, as applicants send them; the call then closes."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organisation, User
from budgets.models import Method, PublicVote
from budgets.selectors import ballot_projects
from budgets.services import ballot_cast
from calls.models import CallPage, Criterion, Project
from calls.services.decisions import laureates_publish, project_status_change
from calls.services.dossiers import project_save, project_submit
from calls.services.evaluations import assignment_create, conflict_declare, scores_save
from cms.demo.people import DEMO_DOMAIN, demo_person

JURY_SLUG = "appel-quartiers-fertiles"
BUDGET_SLUG = "budget-participatif-2026"
Status = Project.Status

# (title, summary, amount): city-farming projects, at the jury stage.
JURY_PROJECTS = [
    (
        "Un potager partagé au pied des tours du Clos-Vert",
        "Vingt parcelles cultivées par les locataires, un composteur collectif et des ateliers pour les "
        "enfants du quartier le mercredi.",
        Decimal("14000"),
    ),
    (
        "Des ruches sur le toit de la médiathèque",
        "Quatre ruches, une formation à l’apiculture pour dix habitants et le miel vendu au marché au "
        "profit de l’épicerie solidaire.",
        Decimal("6500"),
    ),
    (
        "Une serre pédagogique au collège Jean-Moulin",
        "Une serre de 60 m² pour les cours de sciences, ouverte aux habitants le samedi matin.",
        Decimal("22000"),
    ),
    (
        "Le verger des Tanneurs",
        "Trente arbres fruitiers anciens plantés sur une friche, entretenus par une association de "
        "quartier avec le lycée agricole.",
        Decimal("9000"),
    ),
]

# (title, summary, amount): the participatory budget's proposals; all but the last are laureates.
BUDGET_PROJECTS = [
    (
        "Des bancs et de l’ombre sur la promenade des berges",
        "Vingt bancs et quarante arbres pour faire de la promenade un lieu où s’arrêter l’été.",
        Decimal("85000"),
    ),
    (
        "Un atelier vélo solidaire à la gare",
        "Un local où apprendre à réparer son vélo, avec des pièces de réemploi et deux demi-journées "
        "d’ouverture aux scolaires.",
        Decimal("40000"),
    ),
    (
        "Une boîte à livres dans chaque quartier",
        "Douze boîtes fabriquées par le chantier d’insertion, installées près des arrêts de bus.",
        Decimal("12000"),
    ),
    (
        "Des toilettes publiques accessibles au parc des Sources",
        "Des toilettes ouvertes toute l’année, accessibles en fauteuil, avec une table à langer.",
        Decimal("60000"),
    ),
    (
        "Un terrain multisport éclairé aux Hauts-de-Sèvre",
        "Rénover le terrain et l’éclairer jusqu’à 22 heures, avec un filet pare-ballons.",
        Decimal("120000"),
    ),
    (
        "Une fresque participative sous le pont de la rocade",
        "Une fresque conçue avec les habitants et peinte avec un collectif d’artistes.",
        Decimal("18000"),
    ),
    (
        "Un parking souterrain au centre-ville",
        "Trois cents places sous la place du marché.",
        Decimal("240000"),
    ),
]
BUDGET_TOTAL = Decimal("250000")


def _page(home, slug: str, **fields) -> CallPage:
    """The call, created open (dossiers can be sent) if it is missing."""
    existing = CallPage.objects.filter(slug=slug).first()
    if existing:
        return existing
    now = timezone.now()
    criteria = fields.pop("criteria", [])
    call = CallPage(slug=slug, opens_at=now - timedelta(days=60), closes_at=now + timedelta(days=1), **fields)
    for label, weight in criteria:
        call.criteria.add(Criterion(label=label, weight=Decimal(weight), max_score=10))
    home.add_child(instance=call)
    call.save_revision().publish()
    return CallPage.objects.get(pk=call.pk)


def _close(call: CallPage, *, days_ago: int) -> CallPage:
    """Close the call (as its deadline passes): published again with a deadline in the past."""
    call.closes_at = timezone.now() - timedelta(days=days_ago)
    call.decision_expected_on = timezone.localdate() + timedelta(days=20)
    call.save_revision().publish()
    return CallPage.objects.get(pk=call.pk)


def _dossier(call, applicant, title, summary, amount) -> Project:
    project = project_save(
        call=call,
        applicant=applicant,
        project=None,
        fields={
            "title": title,
            "summary": summary,
            "applicant_type": "individual",
            "amount_requested": amount,
        },
        answers={},
        team=[{"name": applicant.pseudonym, "role": "Porteur du projet", "co_applicant": False}],
        budget=[
            {"label": "Travaux et fournitures", "amount": amount * Decimal("0.8")},
            {"label": "Animation et communication", "amount": amount * Decimal("0.2")},
        ],
    )
    return project_submit(project=project, actor=applicant)


def demo_jury_call_load(*, home, organisation: Organisation, official: User, evaluator: User, applicants):
    """A closed call whose four dossiers are with the jury: two evaluators each, half of them scored."""
    if CallPage.objects.filter(slug=JURY_SLUG).exists():
        return CallPage.objects.get(slug=JURY_SLUG)
    call = _page(
        home,
        JURY_SLUG,
        title="Appel à projets « Quartiers fertiles » : cultiver en ville",
        organisation=organisation,
        kind="funding",
        introduction="<p>La métropole finance des projets d’agriculture urbaine portés par les habitants, "
        "les écoles et les associations de quartier.</p>",
        objectives="Cultiver, apprendre et se retrouver dans les quartiers, sur des terrains publics.",
        eligibility="Habitants de la métropole, associations et établissements scolaires.",
        accepts_individuals=True,
        accepts_associations=True,
        total_budget=Decimal("60000"),
        min_amount=Decimal("3000"),
        max_amount=Decimal("25000"),
        rules="<p>Un dossier par porteur. Le jury se réunit trois semaines après la clôture.</p>",
        criteria=[
            ("Utilité pour le quartier", "3"),
            ("Faisabilité", "2"),
            ("Implication des habitants", "2"),
        ],
    )
    projects = [
        _dossier(call, applicants[index % len(applicants)], *item) for index, item in enumerate(JURY_PROJECTS)
    ]
    call = _close(call, days_ago=5)
    second = demo_person(f"jury@{DEMO_DOMAIN}", "Membre du jury")
    generator = random.Random(19)  # noqa: S311 — demo data, not security
    for index, project in enumerate(projects):
        project_status_change(project=project, to_status=Status.ELIGIBLE, reason="", actor=official)
        for person in (evaluator, second):
            assignment = assignment_create(project=project, evaluator=person, actor=official, notify=False)
            if index < 2 or (person == evaluator and index == 2):
                conflict_declare(assignment=assignment, has_conflict=False)
                scores_save(
                    assignment=assignment,
                    values={
                        criterion.pk: (generator.randint(5, 9), "")
                        for criterion in Criterion.objects.filter(call=call)
                    },
                    comment="Projet solide ; le budget d’animation mériterait d’être précisé.",
                )
    return call


def demo_budget_load(*, home, organisation: Organisation, official: User, applicants, voters, communes):
    """The participatory budget: proposals sent, decided, laureates published, and the public vote open
    with ballots of the demo's participants (approval: one to three projects each)."""
    call = CallPage.objects.filter(slug=BUDGET_SLUG).first()
    if call is None:
        call = _page(
            home,
            BUDGET_SLUG,
            title="Budget participatif 2026 : vous décidez de 250 000 €",
            organisation=organisation,
            kind="funding",
            introduction="<p>Les habitants ont proposé leurs projets pour la ville ; les services ont "
            "vérifié qu’ils étaient faisables et chiffrés. À vous de choisir ceux qui seront réalisés.</p>",
            objectives="Réaliser en 2026 les projets d’intérêt général que les habitants choisissent.",
            eligibility="Toute personne habitant la métropole, sans condition d’âge.",
            accepts_individuals=True,
            accepts_associations=True,
            total_budget=BUDGET_TOTAL,
            min_amount=Decimal("5000"),
            max_amount=Decimal("250000"),
            rules="<p>Un projet relève de l’investissement, sur l’espace public, et coûte moins de "
            "150 000 €.</p>",
        )
        projects = [
            _dossier(call, applicants[index % len(applicants)], *item)
            for index, item in enumerate(BUDGET_PROJECTS)
        ]
        call = _close(call, days_ago=20)
        for project in projects[:-1]:
            project_status_change(project=project, to_status=Status.ELIGIBLE, reason="", actor=official)
            project_status_change(
                project=project,
                to_status=Status.SELECTED,
                reason="Faisable dans l’année et dans le budget, selon l’étude des services.",
                actor=official,
            )
        project_status_change(
            project=projects[-1],
            to_status=Status.INELIGIBLE,
            reason="Le projet dépasse 150 000 € et relève du stationnement, hors du budget participatif.",
            actor=official,
        )
        laureates_publish(call=call, actor=official)
        call = CallPage.objects.get(pk=call.pk)
    vote = PublicVote.objects.filter(call=call).first()
    if vote is None:
        now = timezone.now()
        vote = PublicVote.objects.create(
            call=call,
            method=Method.APPROVAL,
            min_projects=1,
            max_projects=3,
            budget=BUDGET_TOTAL,
            opens_at=now - timedelta(days=7),
            closes_at=now + timedelta(days=21),
        )
    if not vote.ballots.exists():
        projects = list(ballot_projects(vote))
        popularity = [6, 4, 3, 5, 2, 2][: len(projects)]
        generator = random.Random(2026)  # noqa: S311 — demo data, not security
        for number, voter in enumerate(voters):
            chosen, size = set(), generator.randint(1, 3)
            while len(chosen) < size:
                chosen.add(generator.choices(projects, weights=popularity)[0].pk)
            ballot_cast(
                vote=vote,
                voter=voter,
                choices=dict.fromkeys(chosen),
                birth_year=generator.randint(1950, 2008),
                commune=communes[number % len(communes)],
            )
    return call, vote
