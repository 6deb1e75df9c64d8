from django import template
from django.conf import settings
from django.templatetags.static import static
from wagtail.admin.templatetags.wagtailuserbar import wagtailuserbar

from accounts.permissions import may_enter_back_office
from cms.selectors import site_footer

register = template.Library()


@register.simple_tag(takes_context=True)
def footer(context) -> dict:
    """The footer's links and accessibility status (computed once per request)."""
    request = context.get("request")
    if request is None:
        return {"links": {}, "statement_url": None, "status": "none", "audited": False}
    return site_footer(request)


@register.simple_tag
def theme_stylesheet() -> str:
    """The theme's stylesheet: `CONCERTO_THEME_CSS`, a static path or an absolute address."""
    theme = settings.CONCERTO_THEME_CSS
    if theme.startswith(("https://", "http://", "/")):
        return theme
    return static(theme)


@register.simple_tag(takes_context=True)
def userbar(context) -> str:
    """Wagtail's user bar, for the people who may enter the back office. Wagtail asks two permission
    queries of every signed-in person on every page; a participant is answered with one here."""
    user = getattr(context.get("request"), "user", None)  # none on an error page of a refused host
    if user is None or not may_enter_back_office(user):
        return ""
    return wagtailuserbar(context)
