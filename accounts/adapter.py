from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from .models import User


class AccountAdapter(DefaultAccountAdapter):
    """allauth's extension point: its e-mails go out in the language the recipient chose."""

    def send_mail(self, template_prefix, email, context):
        user = User.objects.filter(email__iexact=email).only("language").first()
        language = user.language if user else translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)
