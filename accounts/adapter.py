import logging
from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.notifications import site_name

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    """allauth's extension point: its e-mails go out in the language the recipient chose, and name the
    platform as our own e-mails do (`site_name`)."""

    def format_email_subject(self, subject):
        return f"[{site_name(self.request)}] {subject}"

    def send_mail(self, template_prefix, email, context):
        user = User.objects.filter(email__iexact=email).only("language").first()
        language = user.language if user else translation.get_language()
        name = site_name(self.request)
        # Without django.contrib.sites, allauth's `current_site` is the request's host and port
        # ("127.0.0.1:8102"), which its templates print as the site's name and domain: both are the
        # platform's name here, and the layout (account/email/base_message.txt) adds its address.
        context = {
            "current_site": SimpleNamespace(name=name, domain=name),
            "site_name": name,
            "site_url": settings.WAGTAILADMIN_BASE_URL,
            **context,
        }
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
