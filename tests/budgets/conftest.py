"""A call with selected projects and its public vote; territories to vote from."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.models import Territory
from accounts.territories import search_key
from budgets.models import PublicVote
from calls.models import CallPage, Project
from cms.models import HomePage

Kind = Territory.Kind


def territory(kind, code, name, **fields):
    return Territory.objects.create(kind=kind, code=code, name=name, search_name=search_key(name), **fields)


@pytest.fixture
def places(db):
    rhone = territory(Kind.DEPARTEMENT, "69", "Rhône")
    loire = territory(Kind.DEPARTEMENT, "42", "Loire")
    lyon = territory(Kind.COMMUNE, "69123", "Lyon", parent=rhone)
    villeurbanne = territory(Kind.COMMUNE, "69266", "Villeurbanne", parent=rhone)
    saint_etienne = territory(Kind.COMMUNE, "42218", "Saint-Étienne", parent=loire)
    return SimpleNamespace(
        rhone=rhone, loire=loire, lyon=lyon, villeurbanne=villeurbanne, saint_etienne=saint_etienne
    )


def call_create(
    *,
    organisation,
    title="Budget participatif 2026",
    publish=True,
    total_budget=Decimal("100000"),
    laureates_published=True,
) -> CallPage:
    """A call whose evaluation is over; its laureates (the ballot) published unless asked otherwise."""
    now = timezone.now()
    page = CallPage(
        title=title,
        organisation=organisation,
        objectives="Des projets d'habitants pour leur quartier.",
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=30),
        total_budget=total_budget,
    )
    HomePage.objects.get().add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    else:
        page.unpublish()
    if laureates_published:
        CallPage.objects.filter(pk=page.pk).update(laureates_published_at=now - timedelta(days=1))
    return CallPage.objects.get(pk=page.pk)


def project_create(call, title, amount, status=Project.Status.SELECTED, **fields) -> Project:
    return Project.objects.create(
        call=call,
        title=title,
        summary=fields.pop("summary", f"Résumé de {title}."),
        amount_requested=Decimal(amount),
        status=status,
        submitted_at=timezone.now(),
        **fields,
    )


PHASES = {
    "upcoming": (timedelta(days=1), timedelta(days=5)),
    "open": (timedelta(days=-1), timedelta(days=10)),
    "closed": (timedelta(days=-5), timedelta(days=-1)),
}


def vote_create(call, *, phase="open", **fields) -> PublicVote:
    opens_in, closes_in = PHASES[phase]
    now = timezone.now()
    fields.setdefault("method", "approval")
    return PublicVote.objects.create(call=call, opens_at=now + opens_in, closes_at=now + closes_in, **fields)


@pytest.fixture
def call(organisation):
    return call_create(organisation=organisation)


@pytest.fixture
def projects(call):
    return SimpleNamespace(
        garden=project_create(call, "Jardin partagé", "60000"),
        books=project_create(call, "Boîte à livres", "30000"),
        skate=project_create(call, "Skatepark", "50000"),
        rejected=project_create(call, "Projet non retenu", "1000", status=Project.Status.NOT_SELECTED),
    )


def set_phase(vote, phase):
    opens_in, closes_in = PHASES[phase]
    now = timezone.now()
    PublicVote.objects.filter(pk=vote.pk).update(opens_at=now + opens_in, closes_at=now + closes_in)
    vote.refresh_from_db()
