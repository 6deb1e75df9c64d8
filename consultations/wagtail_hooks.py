from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks

from .models import ConsultationPage


@hooks.register("before_delete_page")
def keep_consultations_with_answers(request, page):
    """A consultation that has answers cannot be deleted (nothing is lost); say so and what to do instead."""
    specific = page.specific
    if isinstance(specific, ConsultationPage) and specific.responses.exists():
        messages.error(
            request,
            _(
                "This consultation has received answers, so it cannot be deleted: no contribution is ever "
                "lost. Unpublish it instead if it should no longer be shown."
            ),
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None
