"""Writes of the initiatives commons: every change goes through one of these functions."""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Territory

from .models import Initiative, Reuse

logger = logging.getLogger(__name__)


class ReuseRefused(ValidationError):
    """The declaration cannot be recorded (the initiative is not published…)."""


class AlreadyDeclared(ReuseRefused):
    """The same person already declared reusing this initiative in this territory."""


@transaction.atomic
def reuse_declare(*, initiative: Initiative, person, territory: Territory, comment: str = "") -> Reuse:
    """Record that `person` reuses `initiative` in `territory`: once per person, initiative and territory
    (the database's unique constraint decides between two simultaneous declarations)."""
    initiative = Initiative.objects.select_for_update().filter(pk=initiative.pk).first()
    if initiative is None or not initiative.published:
        raise ReuseRefused(_("This initiative is no longer published: reuses cannot be declared."))
    try:
        with transaction.atomic():
            reuse = Reuse.objects.create(
                initiative=initiative, person=person, territory=territory, comment=comment[:1000]
            )
    except IntegrityError:
        raise AlreadyDeclared(
            _("You have already declared reusing this initiative in %(territory)s.")
            % {"territory": territory.name}
        ) from None
    logger.info("reuse declared initiative=%s reuse=%s", initiative.pk, reuse.pk)
    return reuse
