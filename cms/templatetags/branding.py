"""The site's brand in every page: its name (and logo) in the header and the theme's stylesheets."""

from django import template

from cms.templatetags.site_tags import theme_stylesheet
from core.notifications import site_name

register = template.Library()


@register.inclusion_tag("cms/includes/brand.html", takes_context=True)
def brand(context) -> dict:
    """The link home with the site's name, at the left of the header."""
    return {"name": site_name(context.get("request"))}


@register.inclusion_tag("cms/includes/theme_links.html")
def theme_links() -> dict:
    """The stylesheets that give the site its theme, before the layout's own."""
    return {"stylesheets": [theme_stylesheet()]}
