"""Some of everything the API reads, public and not, shared by the read tests and the fuzz."""

from types import SimpleNamespace

from django.utils import timezone

from calls.models import CallPage, Project
from commons.models import Reuse
from reports.models import ReportSnapshot
from tests.calls.conftest import call_create, project_create
from tests.commons.conftest import initiative_create, territory
from tests.factories import UserFactory, consultation_create, outcome_create

Kind = territory.__globals__["Kind"]


def site_content(organisation, forum) -> SimpleNamespace:
    """A call with published laureates (one selected, one not), an unpublished call, initiatives
    (published and not) with a reuse, and outcome pages (published with a pinned report, and a draft)."""
    region = territory(Kind.REGION, "84", "Auvergne-Rhône-Alpes")
    rhone = territory(Kind.DEPARTEMENT, "69", "Rhône", parent=region)
    lyon = territory(Kind.COMMUNE, "69123", "Lyon", parent=rhone)
    vaucluse = territory(Kind.DEPARTEMENT, "84", "Vaucluse")
    call = call_create(organisation=organisation)
    hidden_call = call_create(organisation=organisation, title="Appel en préparation", publish=False)
    applicant = UserFactory()
    selected = project_create(
        call, applicant, status=Project.Status.SELECTED, title="Tiers-lieu de Lyon", territory=lyon
    )
    rejected = project_create(call, UserFactory(), status=Project.Status.NOT_SELECTED, title="Refusé")
    CallPage.objects.filter(pk=call.pk).update(laureates_published_at=timezone.now())
    CallPage.objects.filter(pk=hidden_call.pk).update(laureates_published_at=timezone.now())
    unpublished = Project.objects.create(
        call=hidden_call, title="Caché", status=Project.Status.SELECTED, submitted_at=timezone.now()
    )
    initiative = initiative_create(
        organisation=organisation, territory=lyon, themes=["réparation"], project=selected
    )
    draft_initiative = initiative_create(
        organisation=organisation, territory=vaucluse, title="Pas encore publiée", published=False
    )
    Reuse.objects.create(initiative=initiative, person=UserFactory(), territory=vaucluse, comment="Chez nous")
    snapshot = ReportSnapshot.objects.create(
        consultation=forum, version=1, response_count=12, vote_count=30, responses_updated_at=None, data={}
    )
    outcome = outcome_create(forum, snapshot=snapshot)
    draft_outcome = outcome_create(forum, title="Pas encore", publish=False)
    other = consultation_create(organisation=organisation, title="Autre", audience_territory=vaucluse)
    return SimpleNamespace(**locals())
