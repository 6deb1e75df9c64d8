"""Authentication backends: Django's and allauth's, loading the signed-in person in one query.

Every contribution checks that the person confirmed an e-mail address (`permissions.is_verified`), and
every public page asks whether to show the Wagtail user bar, which only people who may enter the back
office get (`wagtailadmin.access_admin`: two permission queries each time). The user of each request is
loaded with both answers beside it (`has_verified_email`, `has_admin_access`), so neither check costs a
query of its own. This runs on every signed-in request, votes included, so the query is written once in
SQL rather than compiled by the ORM each time (which cost a sixth of a vote; see `make bench-votes`).
"""

from functools import cache

from allauth.account import auth_backends
from allauth.account.models import EmailAddress
from django.contrib.auth import backends, get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError


@cache
def _user_sql() -> str:
    model = get_user_model()
    users, addresses = model._meta.db_table, EmailAddress._meta.db_table
    own = model.user_permissions.through._meta.db_table
    memberships = model.groups.through._meta.db_table
    granted = Group.permissions.through._meta.db_table
    permissions, types = Permission._meta.db_table, ContentType._meta.db_table
    # The back office's permission, given to the person or to one of their groups.
    admin = (
        f'SELECT 1 FROM "{permissions}" permission '  # noqa: S608
        f'JOIN "{types}" kind ON kind.id = permission.content_type_id '
        "WHERE kind.app_label = 'wagtailadmin' AND permission.codename = 'access_admin' AND ("
        f'permission.id IN (SELECT permission_id FROM "{own}" WHERE user_id = person.id) OR '
        f'permission.id IN (SELECT granted.permission_id FROM "{granted}" granted JOIN "{memberships}" '
        "membership ON membership.group_id = granted.group_id WHERE membership.user_id = person.id))"
    )
    # Table names come from the models, never from input; the id is a parameter.
    return (
        f'SELECT person.*, EXISTS (SELECT 1 FROM "{addresses}" address '  # noqa: S608
        "WHERE address.user_id = person.id AND address.verified) AS has_verified_email, "
        f"(person.is_superuser OR EXISTS ({admin})) AS has_admin_access "
        f'FROM "{users}" person WHERE person.id = %s'
    )


class VerifiedAddressMixin:
    def get_user(self, user_id):
        model = get_user_model()
        try:
            user_id = model._meta.pk.to_python(user_id)
        except ValidationError:  # a session from elsewhere, or tampered with
            return None
        user = next(iter(model._default_manager.raw(_user_sql(), [user_id])), None)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(VerifiedAddressMixin, backends.ModelBackend):
    pass


class AuthenticationBackend(VerifiedAddressMixin, auth_backends.AuthenticationBackend):
    pass
