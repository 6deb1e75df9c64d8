"""A demo call for projects with a few dossiers at different steps, for `manage.py demo_load`."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from calls.models import CallPage, Criterion, Project, RequiredDocument
from calls.services.decisions import project_status_change
from calls.services.dossiers import project_save, project_submit
from calls.services.evaluations import assignment_create

CALL_SLUG = "appel-tiers-lieux"
PROJECTS = [
    ("Un café-atelier à Saint-Amour", "association", "W011234567", "", Decimal("12000")),
    ("La recyclerie du Revermont", "company", "", "73282932000074", Decimal("18000")),
    ("Un jardin partagé derrière la mairie", "individual", "", "", Decimal("3000")),
]


def demo_call_load(*, home, organisation, official, applicant_password: str) -> CallPage:
    """The call (open for three more weeks) and three dossiers: submitted, eligible and in evaluation."""
    existing = CallPage.objects.filter(slug=CALL_SLUG).first()
    if existing:
        return existing
    now = timezone.now()
    call = CallPage(
        title="Appel à projets « Tiers-lieux en milieu rural »",
        slug=CALL_SLUG,
        organisation=organisation,
        kind="funding",
        introduction=(
            "<p>Nous soutenons l’ouverture de lieux partagés dans les communes de moins de 5 000 "
            "habitants.</p>"
        ),
        objectives="Ouvrir des lieux où travailler, apprendre et se retrouver, portés par les habitants.",
        eligibility="Associations, entreprises de l’économie sociale et solidaire et habitants.",
        accepts_individuals=True,
        accepts_associations=True,
        accepts_companies=True,
        total_budget=Decimal("150000"),
        min_amount=Decimal("2000"),
        max_amount=Decimal("25000"),
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=21),
        rules="<p>Un dossier par porteur. Les dépenses sont éligibles à partir de la date de dépôt.</p>",
    )
    call.criteria.add(Criterion(label="Utilité pour les habitants", weight=Decimal("3"), max_score=10))
    call.criteria.add(Criterion(label="Faisabilité et budget", weight=Decimal("2"), max_score=10))
    call.criteria.add(Criterion(label="Coopération locale", weight=Decimal("1"), max_score=10))
    call.documents.add(RequiredDocument(label="Devis ou budget détaillé", required=False))
    home.add_child(instance=call)
    call.save_revision().publish()
    call = CallPage.objects.get(pk=call.pk)

    evaluator = _person("evaluatrice@demo.concerto.localhost", "Évaluatrice", applicant_password)
    for number, (title, kind, rna, siret, amount) in enumerate(PROJECTS):
        applicant = _person(
            f"porteur{number + 1}@demo.concerto.localhost", f"Porteur {number + 1}", applicant_password
        )
        project = project_save(
            call=call,
            applicant=applicant,
            project=None,
            fields={
                "title": title,
                "summary": "Un lieu ouvert à tous, animé par des bénévoles et un salarié à mi-temps.",
                "applicant_type": kind,
                "organisation_name": "" if kind == "individual" else title.split(" à ")[0],
                "rna": rna,
                "siret": siret,
                "amount_requested": amount,
            },
            answers={},
            team=[{"name": f"Porteur {number + 1}", "role": "Coordination", "co_applicant": False}],
            budget=[
                {"label": "Travaux et aménagement", "amount": amount * Decimal("0.7")},
                {"label": "Équipement", "amount": amount * Decimal("0.3")},
            ],
        )
        project_submit(project=project, actor=applicant)
        if number >= 1:
            project_status_change(
                project=project, to_status=Project.Status.ELIGIBLE, reason="", actor=official
            )
        if number == 2:
            assignment_create(project=project, evaluator=evaluator, actor=official)
    return call


def _person(email, pseudonym, password) -> User:
    from allauth.account.models import EmailAddress

    user, created = User.objects.get_or_create(email=email, defaults={"pseudonym": pseudonym})
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user
