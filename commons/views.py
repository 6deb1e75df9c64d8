"""The public catalogue of initiatives, their pages and the "we reuse this here" form."""

from allauth.core.ratelimit import consume_or_429
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from commons import permissions, selectors, services
from commons.forms import CatalogueFilterForm, ReuseForm
from commons.models import Initiative
from core.permissions import UNVERIFIED

INITIATIVES_PER_PAGE = 20


@require_GET
def initiative_list(request):
    """The catalogue: published initiatives, searched by words, filtered by theme and territory; paged."""
    form = CatalogueFilterForm(request.GET or None, themes=selectors.themes_in_use())
    status = 200
    if not request.GET:
        initiatives = selectors.initiatives_catalogue()
    elif form.is_valid():
        data = form.cleaned_data
        initiatives = selectors.initiatives_catalogue(
            text=data["q"], theme=data["theme"], area=data["territory"]
        )
    else:
        # The filters say what is wrong next to each field; no list that would pretend to be filtered.
        initiatives = Initiative.objects.none()
        status = 400
    page = Paginator(initiatives, INITIATIVES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "initiatives": page,
        "cards": [selectors.initiative_card(initiative) for initiative in page],
        "page_obj": page,
        "filtered": bool(request.GET),
    }
    return TemplateResponse(request, "commons/initiative_list.html", context, status=status)


def _initiative_or_404(request, slug: str) -> Initiative:
    initiative = get_object_or_404(
        Initiative.objects.select_related(
            "territory", "territory__parent", "organisation", "project__call"
        ).prefetch_related("themes", "links"),
        slug=slug,
    )
    if not permissions.can(request.user, "view_initiative", initiative):
        raise Http404
    return initiative


def _detail(request, initiative: Initiative, *, form=None, status: int = 200, refusal: str = ""):
    refused = permissions.refusal(request.user, "declare_reuse", initiative)
    can_declare = refused is None
    if form is None and can_declare:
        form = ReuseForm()
    # Its managers see an unpublished initiative: not a place to tell them to confirm their address.
    if not refusal and refused is not None and refused.code == UNVERIFIED and initiative.published:
        refusal = refused.message
    context = {
        "initiative": initiative,
        "places": selectors.reuses_by_territory(initiative=initiative),
        "form": form,
        "can_declare": can_declare,
        "refusal": refusal,
        "login_url": f"{reverse('account_login')}?{urlencode({'next': initiative.get_absolute_url()})}",
    }
    return TemplateResponse(request, "commons/initiative_detail.html", context, status=status)


@require_GET
def initiative_detail(request, slug: str):
    """An initiative: what it is, its licence, documentation and contact, and where it is reused."""
    return _detail(request, _initiative_or_404(request, slug))


@require_http_methods(["POST"])
def reuse_declare(request, slug: str):
    """ "We reuse this here": a signed-in person declares reusing the initiative in a territory."""
    initiative = _initiative_or_404(request, slug)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?{urlencode({'next': initiative.get_absolute_url()})}")
    if refused := permissions.refusal(request.user, "declare_reuse", initiative):
        messages.error(request, refused.message)
        return _detail(request, initiative, status=403, refusal=refused.message)
    if limited := consume_or_429(request, action="contribute_comment", user=request.user):
        return limited
    form = ReuseForm(request.POST)
    if not form.is_valid():
        return _detail(request, initiative, form=form, status=400)
    try:
        services.reuse_declare(
            initiative=initiative,
            person=request.user,
            territory=form.cleaned_data["territory"],
            comment=form.cleaned_data["comment"],
        )
    except services.AlreadyDeclared as already:
        form.add_error(None, already.message)
        return _detail(request, initiative, form=form, status=409)
    except services.ReuseRefused as refused:
        form.add_error(None, refused.message)
        return _detail(request, initiative, form=form, status=403)
    messages.success(request, _("Thank you: your reuse is shown on this page."))
    return redirect(f"{initiative.get_absolute_url()}#reuses")
