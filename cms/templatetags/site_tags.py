from django import template
from django.conf import settings
from django.templatetags.static import static
from wagtail.admin.templatetags.wagtailuserbar import wagtailuserbar

from ..selectors import site_footer

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
    """Wagtail's user bar, for the people who may enter the back office: a person loaded by our
    backends says so already (`has_admin_access`), so a participant's page asks no permission query."""
    request = context.get("request")
    known = getattr(getattr(request, "user", None), "has_admin_access", None)  # 0 or 1 on SQLite
    if known is not None and not known:
        return ""
    return wagtailuserbar(context)
