"""Writes of the initiatives commons: every change goes through one of these functions."""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Territory
from calls.models import Project
from commons.models import Initiative, Licence, Reuse

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


class NotSelected(ValidationError):
    """Only a selected project becomes an initiative of the commons."""


@transaction.atomic
def initiative_from_project(*, project) -> tuple[Initiative, bool]:
    """The commons' initiative of a selected project, drafted from its dossier if it has none yet:
    (initiative, created). Unpublished: its officials complete the licence, documentation and contact
    and publish it. Twice at once, or twice in a row, gives one initiative (the one-to-one link)."""
    project = (
        Project.objects.select_for_update(of=("self",)).select_related("call", "territory").get(pk=project.pk)
    )
    if project.status != Project.Status.SELECTED:
        raise NotSelected(_("Only a selected project can be published in the commons."))
    existing = Initiative.objects.filter(project=project).first()
    if existing:
        return existing, False
    territory = project.territory or project.call.territory
    if territory is None:
        raise NotSelected(_("Give the dossier a territory first: an initiative of the commons has one."))
    initiative = Initiative(
        title=project.title[:200],
        description=project.summary or project.title,
        licence=Licence.ETALAB_2_0,
        territory=territory,
        contact=project.call.full_url or project.call.title,
        organisation_id=project.call.organisation_id,
        project=project,
        published=False,
    )
    initiative.full_clean(exclude=["slug"])
    initiative.save()
    logger.info("initiative drafted from project=%s initiative=%s", project.pk, initiative.pk)
    return initiative, True
