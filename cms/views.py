"""The public site's own pages that read several apps at once (cms sits above them all but api and
search)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils import timezone

from budgets import permissions as vote_permissions
from budgets import selectors as vote_selectors
from calls import permissions as call_permissions
from calls import selectors as call_selectors
from consultations import selectors
from core.windows import Phase

# Consultations per page of "What happened to my input" (each with all the person's contributions).
CONTRIBUTIONS_PER_PAGE = 20


@login_required
def my_contributions(request):
    """What happened to my input: each contribution with its status and answer, and the outcome pages."""
    user = request.user
    # A page of the consultations where the person took part, then their contributions there only.
    entries = Paginator(selectors.consultations_contributed_to(user=user), CONTRIBUTIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    entries.object_list = selectors.contributions_of(user=user, consultation_ids=list(entries.object_list))
    dossiers = list(call_selectors.projects_of_applicant(user=user))
    for project in dossiers:
        project.can_change = call_permissions.can(user, "change_project", project)
    ballots = list(vote_selectors.ballots_of(user=user))
    for ballot in ballots:
        ballot.can_change = vote_permissions.can(user, "cast_ballot", ballot.vote)
        ballot.can_see_results = vote_permissions.can(user, "view_results", ballot.vote)
        ballot.is_closed = ballot.vote.phase() == Phase.CLOSED
    return TemplateResponse(
        request,
        "consultations/my_contributions.html",
        {
            "entries": entries,
            "page_obj": entries,
            "dossiers": dossiers,
            "ballots": ballots,
            "now": timezone.now(),
            "open_phase": Phase.OPEN,
        },
    )
