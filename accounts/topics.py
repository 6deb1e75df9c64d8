"""The e-mail topics a person turns off with one click from the e-mail itself: each one clears a flag of
their account (core.notifications sends the e-mails and reads the unsubscribe links)."""

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.notifications import topic_register


def _user_flag_off(field: str) -> Callable[[User, int | None], None]:
    return lambda user, _key: User.objects.filter(pk=user.pk).update(**{field: False})


topic_register(
    "digest",
    question=_("Stop receiving the weekly digest of the consultations you follow?"),
    done=_(
        "Done: you will no longer receive the weekly digest. You can turn it on again on your account page."
    ),
    stop=_user_flag_off("email_digest"),
)
topic_register(
    "outcomes",
    question=_("Stop receiving an e-mail when the outcome of a consultation you took part in is published?"),
    done=_(
        "Done: you will no longer receive these e-mails. Outcomes stay listed on your contributions page, "
        "and you can turn the e-mails on again on your account page."
    ),
    stop=_user_flag_off("email_outcomes"),
)
topic_register(
    "moderation",
    question=_(
        "Stop receiving an e-mail when moderators hide one of your contributions or decide on something "
        "you reported?"
    ),
    done=_(
        "Done: you will no longer receive these e-mails. The reason for hiding a contribution stays shown to "
        "you next to it, and you can turn the e-mails on again on your account page."
    ),
    stop=_user_flag_off("email_moderation"),
)
