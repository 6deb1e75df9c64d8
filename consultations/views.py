from allauth.core.ratelimit import consume_or_429
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import is_verified

from . import permissions, selectors, services
from .forms import IdeaForm, ResponseForm, StatementForm
from .models import Audience, ConsultationPage, Idea, Phase, Response, Statement


def _refusal_message(request, consultation: ConsultationPage) -> str:
    """Why this person cannot answer now, in words they can act on."""
    phase = consultation.phase()
    if phase == Phase.UPCOMING:
        return _("This consultation is not open yet. It opens on %(date)s.") % {
            "date": _localised(consultation.opens_at)
        }
    if phase == Phase.CLOSED:
        return _("This consultation closed on %(date)s. Answers are no longer accepted.") % {
            "date": _localised(consultation.closes_at)
        }
    if not request.user.is_authenticated:
        return _("Sign in to answer this consultation.")
    if not is_verified(request.user):
        return _("Confirm your e-mail address before answering: follow the link in the e-mail we sent you.")
    if not permissions.in_audience(request.user, consultation):
        return _audience_refusal(request.user, consultation)
    return _("You cannot answer this consultation.")


def _audience_refusal(user, consultation: ConsultationPage) -> str:
    """Why the person is outside the consultation's audience, and what they can do about it."""
    if consultation.audience == Audience.TERRITORY:
        area = consultation.audience_territory
        if user.territory is None:
            return _(
                "This consultation is for residents of %(territory)s: set your commune of residence in "
                "your account to take part."
            ) % {"territory": area}
        return _(
            "This consultation is for residents of %(territory)s, and the commune in your account, "
            "%(commune)s, is not in it. If you have moved, update it in your account."
        ) % {"territory": area, "commune": user.territory}
    return _(
        "This consultation is for invited participants only. If you were invited, sign in with the "
        "e-mail address the invitation was sent to, or add and confirm that address in your account."
    )


def _contribution_refusal(request, consultation: ConsultationPage, closed: str) -> str:
    """The refusal of a vote or a support: the audience's reason when that is it, else `closed`."""
    if is_verified(request.user) and not permissions.in_audience(request.user, consultation):
        return _audience_refusal(request.user, consultation)
    return closed


def _localised(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _statements_context(request, consultation: ConsultationPage, previewing: bool) -> dict:
    if not consultation.statements_enabled or previewing or not request.user.is_authenticated:
        return {}
    voted, total = selectors.statement_progress(consultation=consultation, participant=request.user)
    return {
        "next_statement": selectors.statement_next_for(consultation=consultation, participant=request.user),
        "statements_voted": voted,
        "statements_total": total,
        "can_vote": consultation.phase() == Phase.OPEN
        and permissions.in_audience(request.user, consultation),
        "can_submit_statement": permissions.can(request.user, "submit_statement", consultation),
    }


def consultation_page_serve(request, consultation: ConsultationPage):
    """The consultation page: its presentation and, while it is open, the questionnaire.

    POST records the answers (one response per participant, editable until closing).
    """
    can_answer = permissions.can(request.user, "answer_consultation", consultation)
    # A preview of a page not saved yet has no id: nothing of it is stored, so no response either.
    previewing = consultation.pk is None
    response = (
        None if previewing else selectors.response_of(consultation=consultation, participant=request.user)
    )
    form = None
    status = 200

    if request.method == "POST" and not previewing:
        if not request.user.is_authenticated:
            return _sign_in_first(consultation)
        if limited := consume_or_429(request, action="contribute_response", user=request.user):
            return limited
        if not can_answer or (response and not permissions.can(request.user, "change_response", response)):
            status = 403  # the page explains why (refusal below)
        else:
            # "Save as draft" keeps unfinished answers; any other submit button sends them.
            draft = request.POST.get("action") == "draft"
            form = ResponseForm(request.POST, questions=consultation.question_list, draft=draft)
            if form.is_valid():
                try:
                    services.response_submit(
                        consultation=consultation,
                        participant=request.user,
                        answers=form.answers(),
                        draft=draft,
                    )
                except services.ResponseRefused as refused:
                    form.add_error(None, refused)
                else:
                    if draft:
                        messages.success(
                            request,
                            _(
                                "Your draft is saved. It is not sent yet: come back before the consultation "
                                "closes to send it."
                            ),
                        )
                    elif response is None or response.status == Response.Status.DRAFT:
                        messages.success(request, _("Thank you, your answers are saved."))
                    else:
                        messages.success(request, _("Your answers are updated."))
                    return redirect(consultation.url)
            status = 400
    elif request.method not in ("GET", "HEAD"):
        return TemplateResponse(request, "405.html", status=405)

    # Editors previewing in the admin see the questionnaire as participants will; nothing is recorded.
    preview = getattr(request, "is_preview", False)
    if form is None and (can_answer or preview):
        form = ResponseForm(
            questions=consultation.question_list,
            initial_answers=selectors.answers_by_question(response, consultation.question_list),
        )
    context = {
        **consultation.get_context(request),
        "page": consultation,
        "form": form,
        "has_response": response is not None and response.status == Response.Status.SUBMITTED,
        "has_draft": response is not None and response.status == Response.Status.DRAFT,
        "refusal": None if can_answer or preview else _refusal_message(request, consultation),
        # Outside the audience, the fix (a commune, a confirmed address) is made in the account.
        "refusal_in_account": not (can_answer or preview)
        and consultation.phase() == Phase.OPEN
        and is_verified(request.user)
        and not permissions.in_audience(request.user, consultation),
        "preview": preview,
        **_statements_context(request, consultation, previewing),
        "following": not previewing
        and request.user.is_authenticated
        and consultation.follows.filter(user=request.user).exists(),
        "phase": consultation.phase(),
    }
    return TemplateResponse(request, consultation.get_template(request), context, status=status)


@require_POST
def consultation_follow(request, consultation_id: int):
    """Follow or stop following a consultation (`following=1` or `0`), then back to its page."""
    consultation = _consultation_or_404(consultation_id)
    if not request.user.is_authenticated:
        return _sign_in_first(consultation)
    following = request.POST.get("following")
    if following not in ("0", "1"):
        return TemplateResponse(request, "400.html", status=400)
    services.follow_set(consultation=consultation, user=request.user, following=following == "1")
    if following == "1":
        messages.success(
            request, _("You follow this consultation: its news will reach you in the weekly digest.")
        )
    else:
        messages.success(request, _("You no longer follow this consultation."))
    return redirect(consultation.url)


def _consultation_or_404(consultation_id: int) -> ConsultationPage:
    return get_object_or_404(
        ConsultationPage.objects.live().select_related("organisation"), pk=consultation_id
    )


def _sign_in_first(consultation):
    return redirect(f"{reverse('account_login')}?{urlencode({'next': consultation.url})}")


@require_POST
def statement_vote(request, consultation_id: int, statement_id: int):
    """Agree, disagree or pass on a statement; voting again changes the vote."""
    consultation = _consultation_or_404(consultation_id)
    statement = get_object_or_404(
        Statement.objects.select_related("consultation"), pk=statement_id, consultation=consultation
    )
    if not request.user.is_authenticated:
        return _sign_in_first(consultation)
    value = request.POST.get("value", "")
    if value not in ("1", "-1", "0"):
        messages.error(request, _("Choose agree, disagree or pass."))
        return TemplateResponse(request, "400.html", status=400)
    if not permissions.can(request.user, "vote_statement", statement):
        messages.error(
            request, _contribution_refusal(request, consultation, _("Votes on this statement are closed."))
        )
        return TemplateResponse(request, "403.html", status=403)
    if limited := consume_or_429(request, action="contribute_vote", user=request.user):
        return limited
    services.vote_cast(statement=statement, participant=request.user, value=int(value))
    back = reverse("statement_list", args=[consultation.pk]) if request.POST.get("from") == "list" else None
    return redirect(back or f"{consultation.url}#statements")


def statement_create(request, consultation_id: int):
    """Write a statement for others to vote on."""
    consultation = _consultation_or_404(consultation_id)
    if not request.user.is_authenticated:
        return _sign_in_first(consultation)
    if not permissions.can(request.user, "submit_statement", consultation):
        return TemplateResponse(
            request,
            "consultations/statement_form.html",
            {"page": consultation, "refusal": _refusal_message(request, consultation)},
            status=403,
        )
    form = StatementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if limited := consume_or_429(request, action="contribute_statement", user=request.user):
            return limited
        if form.is_valid():
            statement = services.statement_submit(
                consultation=consultation, author=request.user, text=form.cleaned_data["text"]
            )
            if statement.status == Statement.Status.PENDING:
                messages.success(
                    request, _("Thank you: your statement will appear once a moderator has read it.")
                )
            else:
                messages.success(request, _("Thank you: your statement is published."))
            return redirect(f"{consultation.url}#statements")
        return TemplateResponse(
            request, "consultations/statement_form.html", {"page": consultation, "form": form}, status=400
        )
    return TemplateResponse(
        request, "consultations/statement_form.html", {"page": consultation, "form": form}
    )


@login_required
def statement_list(request, consultation_id: int):
    """Every published statement with its counts and my vote, to review or change my votes."""
    consultation = _consultation_or_404(consultation_id)
    if not consultation.statements_enabled:
        raise Http404
    statements = selectors.statements_with_my_votes(consultation=consultation, participant=request.user)
    mine = Statement.objects.filter(consultation=consultation, author=request.user).order_by("id")
    return TemplateResponse(
        request,
        "consultations/statement_list.html",
        {
            "page": consultation,
            "statements": statements,
            "mine": mine,
            "can_vote": consultation.phase() == Phase.OPEN
            and permissions.in_audience(request.user, consultation),
        },
    )


def idea_list(request, consultation_id: int):
    """The consultation's ideas, most supported first, with their status and the organisation's answer."""
    consultation = _consultation_or_404(consultation_id)
    if not consultation.ideas_enabled:
        raise Http404
    context = {
        "page": consultation,
        "ideas": selectors.ideas_with_supports(consultation=consultation, viewer=request.user),
        "can_support": consultation.phase() == Phase.OPEN
        and permissions.in_audience(request.user, consultation),
        "can_submit_idea": permissions.can(request.user, "submit_idea", consultation),
    }
    return TemplateResponse(request, "consultations/idea_list.html", context)


def idea_create(request, consultation_id: int):
    """Propose an idea; similar existing ideas are shown first, to support rather than duplicate."""
    consultation = _consultation_or_404(consultation_id)
    if not request.user.is_authenticated:
        return _sign_in_first(consultation)
    if not permissions.can(request.user, "submit_idea", consultation):
        context = {"page": consultation, "refusal": _refusal_message(request, consultation)}
        return TemplateResponse(request, "consultations/idea_form.html", context, status=403)
    form = IdeaForm(request.POST if request.method == "POST" else None)
    context = {"page": consultation, "form": form}
    if request.method == "POST":
        if limited := consume_or_429(request, action="contribute_statement", user=request.user):
            return limited
        if not form.is_valid():
            return TemplateResponse(request, "consultations/idea_form.html", context, status=400)
        data = form.cleaned_data
        similar = selectors.ideas_similar_to(
            consultation=consultation, title=data["title"], text=data["text"]
        )
        if similar and not data["confirmed"]:
            # Nothing is lost: the form comes back filled in, with the similar ideas beside it.
            form = IdeaForm(initial={**data, "confirmed": True})
            return TemplateResponse(
                request, "consultations/idea_form.html", {**context, "form": form, "similar": similar}
            )
        services.idea_submit(
            consultation=consultation,
            author=request.user,
            title=data["title"],
            text=data["text"],
            theme=data["theme"],
        )
        messages.success(request, _("Thank you: your idea is published."))
        return redirect("idea_list", consultation_id=consultation.pk)
    return TemplateResponse(request, "consultations/idea_form.html", context)


@require_POST
def idea_support(request, consultation_id: int, idea_id: int):
    """Support an idea (`supporting=1`) or withdraw the support (`0`)."""
    consultation = _consultation_or_404(consultation_id)
    idea = get_object_or_404(
        Idea.objects.select_related("consultation"), pk=idea_id, consultation=consultation
    )
    if not request.user.is_authenticated:
        return _sign_in_first(consultation)
    supporting = request.POST.get("supporting")
    if supporting not in ("0", "1"):
        return TemplateResponse(request, "400.html", status=400)
    if not permissions.can(request.user, "support_idea", idea):
        messages.error(
            request, _contribution_refusal(request, consultation, _("Supports for this idea are closed."))
        )
        return TemplateResponse(request, "403.html", status=403)
    if limited := consume_or_429(request, action="contribute_vote", user=request.user):
        return limited
    services.idea_support_set(idea=idea, user=request.user, supporting=supporting == "1")
    return redirect(f"{reverse('idea_list', args=[consultation.pk])}#idea-{idea.pk}")
