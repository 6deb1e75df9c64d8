import logging

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib import messages
from django.utils import translation
from django.utils.translation import gettext as _

from .models import User

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    """allauth's extension point: its e-mails go out in the language the recipient chose."""

    def send_mail(self, template_prefix, email, context):
        user = User.objects.filter(email__iexact=email).only("language").first()
        language = user.language if user else translation.get_language()
        with translation.override(language):
            try:
                super().send_mail(template_prefix, email, context)
            except OSError as error:  # the mail server is down: the account stands, the person can resend
                logger.warning(
                    "account e-mail not sent template=%s: %s", template_prefix, type(error).__name__
                )
                if self.request is not None:
                    messages.warning(
                        self.request,
                        _(
                            "We could not send you the e-mail just now. Your account is saved: ask for the "
                            "e-mail again in a few minutes."
                        ),
                    )
