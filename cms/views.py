"""The public site's own views: the pages that read several apps at once (cms sits above them all but
api and search), and the pages with a message form."""

from allauth.core.ratelimit import consume_or_429
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from budgets import permissions as vote_permissions
from budgets import selectors as vote_selectors
from calls import permissions as call_permissions
from calls import selectors as call_selectors
from cms.branding import site_branding
from cms.forms import SiteMessageForm
from cms.services import site_message_submit
from consultations import selectors
from core.windows import Phase

# Consultations per page of "What happened to my input" (each with all the person's contributions).
CONTRIBUTIONS_PER_PAGE = 20
THEME_STYLESHEET_SECONDS = 365 * 24 * 3600


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


def site_message_page_serve(request, page, *, initial=None):
    """A page with a message form (`SiteMessageFormPageMixin`): GET shows it, POST records the message
    (400 with the errors on bad input, 429 when sent too often) and redirects to the page with a
    thank-you message."""
    form = SiteMessageForm(
        request.POST if request.method == "POST" else None, kind=page.message_kind, initial=initial
    )
    context = {**page.get_context(request), "form": form}
    if request.method == "POST":
        # Only a message that would be sent counts against the limit: correcting a field does not.
        if form.is_valid() and consume_or_429(request, action="site_message"):
            form.add_error(
                None, _("Too many messages from this address: wait a few minutes, then send again.")
            )
            return TemplateResponse(request, page.form_template, context, status=429)
        if form.is_valid():
            site_message_submit(
                kind=page.message_kind, language=request.LANGUAGE_CODE, **form.cleaned_message
            )
            flash.success(request, form.thanks)
            return redirect(page.get_url(request))
        return TemplateResponse(request, page.form_template, context, status=400)
    return TemplateResponse(request, page.form_template, context)


@cache_control(public=True, max_age=THEME_STYLESHEET_SECONDS, immutable=True)
def theme_stylesheet(request, version: str):
    """The site's own stylesheet (its colours and logo, cms/branding.py), kept by browsers and proxies
    for a year: its address changes with its content. Another version than the current one is a 404,
    never an old stylesheet under a new address nor a new one under an old."""
    branding = site_branding(request)
    if not branding.css or version != branding.version:
        raise Http404
    return HttpResponse(branding.css, content_type="text/css; charset=utf-8")
