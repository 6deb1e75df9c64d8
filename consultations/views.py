from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import is_verified

from . import permissions, selectors, services
from .forms import ResponseForm
from .models import ConsultationPage, Phase


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
    return _("You cannot answer this consultation.")


def _localised(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


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
            return redirect(f"{reverse('account_login')}?{urlencode({'next': consultation.url})}")
        if not can_answer or (response and not permissions.can(request.user, "change_response", response)):
            status = 403  # the page explains why (refusal below)
        else:
            form = ResponseForm(request.POST, questions=consultation.question_list)
            if form.is_valid():
                try:
                    services.response_submit(
                        consultation=consultation, participant=request.user, answers=form.answers()
                    )
                except services.ResponseRefused as refused:
                    form.add_error(None, refused)
                else:
                    if response is None:
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
            questions=consultation.question_list, initial_answers=selectors.answers_by_question(response)
        )
    context = {
        **consultation.get_context(request),
        "page": consultation,
        "form": form,
        "has_response": response is not None,
        "refusal": None if can_answer or preview else _refusal_message(request, consultation),
        "preview": preview,
        "following": not previewing
        and request.user.is_authenticated
        and consultation.follows.filter(user=request.user).exists(),
        "phase": consultation.phase(),
    }
    return TemplateResponse(request, consultation.get_template(request), context, status=status)


@require_POST
def consultation_follow(request, consultation_id: int):
    """Follow or stop following a consultation (`following=1` or `0`), then back to its page."""
    consultation = get_object_or_404(ConsultationPage.objects.live(), pk=consultation_id)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?{urlencode({'next': consultation.url})}")
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
