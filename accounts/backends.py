"""Authentication backends: Django's and allauth's, loading the signed-in person in one query.

Every contribution checks that the person confirmed an e-mail address (`permissions.is_verified`). The
user of each request is loaded with that answer beside it, so the check costs no query of its own.
"""

from allauth.account import auth_backends
from allauth.account.models import EmailAddress
from django.contrib.auth import backends, get_user_model
from django.db.models import Exists, OuterRef


class VerifiedAddressMixin:
    def get_user(self, user_id):
        verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
        user = (
            get_user_model()
            ._default_manager.annotate(has_verified_email=Exists(verified))
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(VerifiedAddressMixin, backends.ModelBackend):
    pass


class AuthenticationBackend(VerifiedAddressMixin, auth_backends.AuthenticationBackend):
    pass
