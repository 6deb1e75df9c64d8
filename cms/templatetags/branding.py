"""The site's brand in every page: its name and logo in the header, the theme's stylesheets, and the
home image (cms/branding.py)."""

from django import template

from cms.branding import Branding, site_branding
from core.notifications import site_name

register = template.Library()


@register.inclusion_tag("cms/includes/brand.html", takes_context=True)
def brand(context) -> dict:
    """The link home at the left of the header: the logo and/or the site's name; the Republic's block
    (Marianne) first with the State's theme."""
    request = context.get("request")
    branding = site_branding(request)
    return {"name": site_name(request), "branding": branding, "dsfr": branding.theme == "dsfr"}


@register.inclusion_tag("cms/includes/theme_links.html", takes_context=True)
def theme_links(context) -> dict:
    """The stylesheets that give the site its theme, before the layout's own: the theme's (Concerto's,
    the DSFR's or the deployment's `CONCERTO_THEME_CSS`), then the site's colours and logo."""
    return {"stylesheets": site_branding(context.get("request")).stylesheets}


@register.simple_tag(takes_context=True, name="site_branding")
def site_branding_tag(context) -> Branding:
    """`{% site_branding as branding %}`: the site's brand, e.g. `branding.home_image` (a picture with
    url, width, height and srcset, or None)."""
    return site_branding(context.get("request"))
