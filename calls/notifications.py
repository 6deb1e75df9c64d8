"""The calls' e-mail topics a person can stop from the e-mail itself."""

from django.utils.translation import gettext_lazy as _

from calls.models import ProjectFollow
from core.notifications import topic_register


def _project_unfollow(user, project_id: int | None) -> None:
    ProjectFollow.objects.filter(user=user, project_id=project_id).delete()


def topics_register() -> None:
    topic_register(
        "project",
        question=_("Stop following this project? You will no longer receive e-mails about its progress."),
        done=_("Done: you no longer follow this project. You can follow it again from the laureates page."),
        stop=_project_unfollow,
    )
