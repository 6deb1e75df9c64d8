"""Back-office pages of accounts: inviting officials and moderators into an organisation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from accounts import permissions, services
from accounts.forms import InvitationForm
from accounts.models import Invitation


def invitation_index(request):
    """Invitations of the organisations this person may invite to, and the form to send one."""
    organisations = permissions.organisations_invitable_by(request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = InvitationForm(request.POST if request.method == "POST" else None, organisations=organisations)
    if request.method == "POST":
        if form.is_valid():
            organisation = form.cleaned_data["organisation"]
            if not permissions.can(request.user, "invite_to_organisation", organisation):
                raise PermissionDenied
            services.invitation_create(
                organisation=organisation,
                role=form.cleaned_data["role"],
                email=form.cleaned_data["email"],
                invited_by=request.user,
            )
            messages.success(request, _("The invitation is sent."))
            return redirect("accounts_invitation_index")
        status = 400
    else:
        status = 200
    invitations = Invitation.objects.filter(organisation__in=organisations).select_related("organisation")[
        :200
    ]
    return TemplateResponse(
        request, "accounts/admin/invitations.html", {"form": form, "invitations": invitations}, status=status
    )
