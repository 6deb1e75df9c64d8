"""Authentication backends: Django's and allauth's, loading the signed-in person in one query.

Every contribution checks that the person confirmed an e-mail address (`permissions.is_verified`). The
user of each request is loaded with that answer beside it, so the check costs no query of its own.
This runs on every signed-in request, votes included, so the query is written once in SQL rather than
compiled by the ORM each time (which cost a sixth of a vote; see `make bench-votes`). Other apps add
flags the header shows links by (`user_flag_register`: "My evaluations" for evaluators).
"""

from functools import cache

from allauth.account import auth_backends
from allauth.account.models import EmailAddress
from django.contrib.auth import backends, get_user_model
from django.core.exceptions import ValidationError

# Other flags loaded with the person: name -> (model, column naming the user). Apps built on accounts
# register theirs in their `ready()` (`user_flag_register`); the header of every page reads them.
_FLAGS: dict[str, tuple[type, str]] = {}


def user_flag_register(name: str, *, model, column: str) -> None:
    """Load `name` with the signed-in person: whether a row of `model` has their id in `column` (an
    indexed foreign key), as an EXISTS in the one query that loads them, rather than a query per page."""
    if not name.isidentifier():
        raise ValueError(f"{name!r} is not a column name")
    _FLAGS[name] = (model, column)
    _user_sql.cache_clear()


@cache
def _user_sql() -> str:
    users, addresses = get_user_model()._meta.db_table, EmailAddress._meta.db_table
    # Table and column names come from the models and the code, never from input; the id is a parameter.
    flags = "".join(
        f', EXISTS (SELECT 1 FROM "{model._meta.db_table}" flag WHERE flag."{column}" = person.id) AS {name}'  # noqa: S608
        for name, (model, column) in sorted(_FLAGS.items())
    )
    return (
        f'SELECT person.*, EXISTS (SELECT 1 FROM "{addresses}" address '  # noqa: S608
        f"WHERE address.user_id = person.id AND address.verified) AS has_verified_email{flags} "
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
