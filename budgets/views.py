"""The public vote's pages: the ballot (cast and changed until closing), the results after closing,
the Pabulib export, and the paper-ballot register for agents."""

import io

from allauth.core.ratelimit import consume_or_429
from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from budgets import permissions, selectors, services
from budgets.exports import pabulib_write
from budgets.forms import BallotForm, PaperBallotForm
from budgets.models import Ballot, Grade, Method, PublicVote
from core.cards import CardStatus


def vote_list(request):
    """The public votes of published calls as cards: open ones first, then those to come, then the
    closed ones with their results."""
    cards = selectors.votes_for_cards()
    context = {
        "open": [card for card in cards if card.status == CardStatus.OPEN],
        "upcoming": [card for card in cards if card.status == CardStatus.UPCOMING],
        "closed": [card for card in cards if card.rank == 2],
    }
    return TemplateResponse(request, "budgets/vote_list.html", context)


def _vote_or_404(request, vote_id: int) -> PublicVote:
    vote = get_object_or_404(
        PublicVote.objects.select_related("call", "call__organisation", "residence_territory"), pk=vote_id
    )
    if not permissions.can(request.user, "view_vote", vote):
        raise Http404
    return vote


def _initial(request, ballot: Ballot | None) -> dict:
    if ballot is None:
        territory = getattr(request.user, "territory", None)
        return {"commune": str(territory)} if territory else {}
    initial = {"birth_year": ballot.birth_year, "commune": str(ballot.commune)}
    choices = list(ballot.choices.all())
    if ballot.vote.method == Method.MAJORITY_JUDGMENT:
        initial.update({f"grade_{choice.project_id}": str(choice.grade) for choice in choices})
    else:
        initial["projects"] = [str(choice.project_id) for choice in choices]
    return initial


def _sign_in_first(vote: PublicVote):
    return redirect(f"{reverse('account_login')}?{urlencode({'next': vote.get_absolute_url()})}")


def vote_detail(request, vote_id: int):
    """The ballot: the projects on it and, while voting is open, the form (one ballot per person,
    changed by sending it again until closing)."""
    vote = _vote_or_404(request, vote_id)
    projects = list(selectors.ballot_projects(vote))
    ballot = selectors.ballot_of(vote=vote, voter=request.user)
    refusal = permissions.refusal(request.user, "cast_ballot", vote)
    can_vote = refusal is None
    form, status = None, 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return _sign_in_first(vote)
        if not can_vote:
            status = 403
        elif limited := consume_or_429(request, action="contribute_vote", user=request.user):
            return limited
        else:
            form = BallotForm(request.POST, vote=vote, projects=projects)
            status = 400
            if form.is_valid():
                try:
                    _ballot, created = services.ballot_cast(
                        vote=vote,
                        voter=request.user,
                        choices=form.choices(),
                        birth_year=form.cleaned_data["birth_year"],
                        commune=form.cleaned_data["commune"],
                    )
                except services.BallotRefused as refused:
                    # Nothing is lost: the form comes back as sent, with the reason.
                    status = refused.status
                    form.add_error(None, refused.message)
                else:
                    messages.success(
                        request,
                        _("Thank you: your ballot is recorded. You can change it until voting closes.")
                        if created
                        else _("Your ballot is updated."),
                    )
                    return redirect(vote.get_absolute_url())
    elif request.method not in ("GET", "HEAD"):
        return TemplateResponse(request, "405.html", status=405)
    if form is None and can_vote:
        form = BallotForm(initial=_initial(request, ballot), vote=vote, projects=projects)
    context = {
        "vote": vote,
        "call": vote.call,
        "projects": projects,
        "form": form,
        "ballot": ballot,
        "phase": vote.phase(),
        "refusal": refusal.message if refusal else "",
        "signed_in": request.user.is_authenticated,
        "login_url": f"{reverse('account_login')}?{urlencode({'next': vote.get_absolute_url()})}",
        "can_enter_paper": permissions.can(request.user, "enter_paper_ballot", vote),
    }
    return TemplateResponse(request, "budgets/vote.html", context, status=status)


def _results_refused(request, refusal):
    messages.error(request, refusal.message)
    return TemplateResponse(request, "403.html", status=403)


def vote_results(request, vote_id: int):
    """The full count of a closed vote: every project's votes (or grades), its rank, the winners."""
    vote = _vote_or_404(request, vote_id)
    if refusal := permissions.refusal(request.user, "view_results", vote):
        return _results_refused(request, refusal)
    results = selectors.vote_results(vote)
    projects = {project.pk: project for project in selectors.ballot_projects(vote)}
    labels = [label for _value, label in Grade.choices][::-1]
    # Each project: its result, the project, and (for a graded vote) its count under each grade, named,
    # so that a row stacked as a card on a phone still says which grade each figure is.
    rows = [
        (result, projects[result.id], list(zip(labels, reversed(result.grades or ()), strict=False)))
        for result in results.projects
        if result.id in projects
    ]
    channels = dict(Ballot.objects.filter(vote=vote).values_list("channel").annotate(n=Count("id")))
    context = {
        "vote": vote,
        "call": vote.call,
        "results": results,
        "rows": rows,
        "online": channels.get(Ballot.Channel.ONLINE, 0),
        "paper": channels.get(Ballot.Channel.PAPER, 0),
        "graded": vote.method == Method.MAJORITY_JUDGMENT,
        "grade_labels": [label for _value, label in Grade.choices],
        "grade_choices": Grade.choices,
    }
    return TemplateResponse(request, "budgets/results.html", context)


def vote_pabulib(request, vote_id: int):
    """The anonymised ballots and the count as a Pabulib `.pb` file (open data)."""
    vote = _vote_or_404(request, vote_id)
    if refusal := permissions.refusal(request.user, "view_results", vote):
        return _results_refused(request, refusal)
    out = io.StringIO()
    pabulib_write(vote, out)
    response = HttpResponse(out.getvalue(), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{vote.call.slug}-vote.pb"'
    return response


def paper_ballot(request, vote_id: int):
    """Agents of the organisation type paper ballots into the register, one at a time."""
    vote = _vote_or_404(request, vote_id)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
    context = {"vote": vote, "call": vote.call}
    if refusal := permissions.refusal(request.user, "enter_paper_ballot", vote):
        context["refusal"] = refusal.message
        return TemplateResponse(request, "budgets/paper.html", context, status=403)
    projects = list(selectors.ballot_projects(vote))
    status = 200
    if request.method == "POST":
        form = PaperBallotForm(request.POST, vote=vote, projects=projects)
        status = 400
        if form.is_valid():
            try:
                services.paper_ballot_enter(
                    vote=vote,
                    agent=request.user,
                    paper_reference=form.cleaned_data["paper_reference"],
                    choices=form.choices(),
                    birth_year=form.cleaned_data["birth_year"],
                    commune=form.cleaned_data["commune"],
                )
            except services.BallotRefused as refused:
                status = refused.status
                form.add_error(None, refused.message)
            else:
                messages.success(
                    request,
                    _("Paper ballot %(number)s is in the register.")
                    % {"number": form.cleaned_data["paper_reference"]},
                )
                return redirect("budgets_paper", vote_id=vote.pk)
    elif request.method in ("GET", "HEAD"):
        form = PaperBallotForm(vote=vote, projects=projects)
    else:
        return TemplateResponse(request, "405.html", status=405)
    context.update(
        {
            "form": form,
            "projects": projects,
            "paper_count": vote.ballots.filter(channel=Ballot.Channel.PAPER).count(),
        }
    )
    return TemplateResponse(request, "budgets/paper.html", context, status=status)
