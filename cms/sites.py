"""The Wagtail site a request is for, kept in the cache rather than asked of the database on every page.

Wagtail looks the site up by host name and port once per request (`Site.find_for_request`, one query),
on every page it serves and for every link it writes. Sites change about never: the answer for each
host and port is kept in one cache entry for `SITES_SECONDS`, and forgotten whenever a site is saved or
deleted (cms/apps.py). Only host names that passed `ALLOWED_HOSTS` get here (Django refuses the others
first), and the entry holds at most `SITES_KEPT` of them.
"""

from django.core.cache import cache
from django.http.request import split_domain_port
from wagtail.models import Site

_KEY = "cms:sites"
SITES_SECONDS = 300
SITES_KEPT = 20


def sites_forget() -> None:
    cache.delete(_KEY)


class SiteMiddleware:
    """Sets the request's site (`request._wagtail_site`, where Wagtail keeps it) from the cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.get_host()  # refuses a host name outside ALLOWED_HOSTS before anything is kept
        place = (split_domain_port(request._get_raw_host())[0], request.get_port())
        sites = cache.get(_KEY) or {}
        if place not in sites:
            sites = {**(sites if len(sites) < SITES_KEPT else {}), place: Site._find_for_request(request)}
            cache.set(_KEY, sites, SITES_SECONDS)
        request._wagtail_site = sites[place]
        return self.get_response(request)
