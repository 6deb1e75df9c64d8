"""Who is calling: a personal API token (accounts.ApiToken), never the browser's session.

Only tokens authenticate API requests. A session cookie is ignored, so a page of another site cannot
make a signed-in visitor's browser vote through the API (no CSRF to check: unsafe requests without a
token are anonymous, and refused with 401).
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts import services as account_services

KEYWORDS = ("bearer", "token")


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>` (or `Token <token>`), the token made on the account's page."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Malformed Authorization header: send “Bearer” followed by your token.")
            )
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from None
        user = account_services.api_token_user(token)
        if user is None:
            raise exceptions.AuthenticationFailed(
                _("This token is not valid: it was revoked, or it was copied incompletely.")
            )
        # Messages in the person's language, unless the client asks for one (Accept-Language).
        if "HTTP_ACCEPT_LANGUAGE" not in request.META and user.language in dict(settings.LANGUAGES):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return user, None

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    target_class = PersonalTokenAuthentication
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token, made on the account page (Profile › API tokens).",
        }
