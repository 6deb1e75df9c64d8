from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.permissions import has_two_factor, is_staff_member


class StaffTwoFactorMiddleware:
    """Staff must set up two-factor authentication before they reach the back office."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            request.path.startswith(reverse("wagtailadmin_home"))
            and user.is_authenticated
            and is_staff_member(user)
            and not has_two_factor(user)
        ):
            messages.warning(
                request,
                _("Staff accounts need two-factor authentication: set it up to reach the back office."),
            )
            return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
