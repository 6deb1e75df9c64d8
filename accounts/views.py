import json

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import AccountDeleteForm, ApiTokenForm, ProfileForm
from accounts.models import ApiToken
from core import notifications


@login_required
def profile(request):
    """The person's own page: pseudonym and language; links to security and privacy."""
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            services.profile_save(form=form)
            messages.success(request, _("Your profile is saved."))
            return redirect("account_profile")
        return TemplateResponse(request, "accounts/profile.html", {"form": form}, status=400)
    return TemplateResponse(request, "accounts/profile.html", {"form": form})


@login_required
def data_export(request):
    """Download my data: everything held about the person, as one JSON file."""
    data = services.account_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"concerto-mes-donnees-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@reauthentication_required(allow_get=True)
def account_delete(request):
    """Delete my account: asks to confirm, and a recent sign-in (allauth's reauthentication)."""
    form = AccountDeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            user = request.user
            logout(request)
            services.account_delete(user=user)
            messages.success(
                request, _("Your account is deleted. Your contributions remain, without your name.")
            )
            return redirect("/")
        return TemplateResponse(request, "accounts/delete.html", {"form": form}, status=400)
    return TemplateResponse(request, "accounts/delete.html", {"form": form})


def invitation_accept(request, token: str):
    """The link of an invitation e-mail: see what it is for, then accept it once signed in."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return TemplateResponse(
            request,
            "accounts/invitation.html",
            {"error": _("This invitation link is not valid. Check that you copied it whole.")},
            status=404,
        )
    context = {"invitation": invitation}
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except services.InvitationRefused as refused:
            context["error"] = refused.message
            return TemplateResponse(request, "accounts/invitation.html", context, status=refused.status)
        messages.success(
            request,
            _("Welcome to %(organisation)s.") % {"organisation": invitation.organisation.name},
        )
        return redirect("wagtailadmin_home" if request.user.is_staff else "account_profile")
    return TemplateResponse(request, "accounts/invitation.html", context)


@csrf_exempt  # mail clients post here for one-click unsubscribe (RFC 8058); the signed token is the proof
def unsubscribe(request, token: str):
    """Stop an e-mail topic (the weekly digest, outcomes, a project followed) from the link in the e-mail,
    no sign-in needed."""
    target = notifications.unsubscribe_target(token)
    if target is None:
        context = {"error": _("This unsubscribe link is not valid. Check that you copied it whole.")}
        return TemplateResponse(request, "accounts/unsubscribe.html", context, status=400)
    user, topic, key = target
    context = {"topic": notifications.TOPICS[topic]}
    if request.method == "POST":
        notifications.unsubscribe(user=user, topic=topic, key=key)
        return TemplateResponse(request, "accounts/unsubscribe.html", {**context, "done": True})
    return TemplateResponse(request, "accounts/unsubscribe.html", context)


@login_required
def api_tokens(request):
    """My API tokens: make one (shown once), see when each was last used, revoke them."""
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "new_token": None}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                row, token = services.api_token_create(user=request.user, label=form.cleaned_data["label"])
            except services.ApiTokenRefused as refused:
                form.add_error(None, refused.message)
                status = 400
            else:
                # Shown in this answer only: it is not stored, so it cannot be shown again.
                context.update(new_token=token, new_token_row=row, form=ApiTokenForm())
        else:
            status = 400
    context["tokens"] = ApiToken.objects.filter(user=request.user)
    response = TemplateResponse(request, "accounts/api_tokens.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_token_revoke(request, token_id: int):
    """Revoke one of my tokens: apps using it lose access at once."""
    if services.api_token_revoke(user=request.user, token_id=token_id):
        messages.success(request, _("The token is revoked: apps using it can no longer act for you."))
    else:
        messages.error(request, _("This token does not exist or is already revoked."))
    return redirect("account_api_tokens")
