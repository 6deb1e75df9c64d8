"""The page cache: public pages rendered once for every visitor who is not signed in.

A page served to a visitor without a session (so nobody signed in, no message pending, nothing of
theirs on the page) is kept in the Django cache for `PAGE_CACHE_SECONDS` per scheme, host, path, query
string and language, and served from there to the next such visitors without routing or rendering.
Every page publication, unpublication, move or deletion and every save of the site settings forgets
the whole cache at once (a new generation, `page_cache_forget`, heard in cms/listeners.py like the
footer), and so does every moderation decision, deletion, correction or official answer of a
contribution and every change of a public name (the events consultations and accounts announce, heard
there too), so that what was taken down is not shown to visitors for another minute.

Kept only: GET of a page its view marked as public — a live page through Wagtail's `serve` view
(`page_cache_mark`, never a preview) without view restrictions, or a Django view's page that anyone may
read (`page_cache_allow`: a public consultation's ideas) — answered 200 without cookies of its own,
with no message added and nothing written to a session. Never the admin or the API.

The language switch in the header of every page is a form with a CSRF token, which is each visitor's
own: the token is taken out of the kept copy and every visitor served from the cache gets a token of
their own (and its cookie) put back in its place.

`X-Page-Cache: hit|miss` tells whether a page came from the cache (misses only for pages that could).
"""

import re
import uuid

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils.translation import get_language

HEADER = "X-Page-Cache"
_GENERATION = "cms:pages:generation"
_CACHEABLE = "_concerto_page_cacheable"
# Set by the middleware on a request whose page may be kept (a visitor without a session, cache on).
_CANDIDATE = "_concerto_page_candidate"
# A masked CSRF token as Django renders it (`CSRF_TOKEN_LENGTH` letters and digits).
_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
_PLACEHOLDER = b"@@concerto-csrf-token@@"
# What a page may vary on: the language is in the key, and a visitor with a session is never served.
_VARY_KEYED = {"cookie", "accept-language"}


def page_cache_seconds() -> int:
    return settings.PAGE_CACHE_SECONDS


def page_cache_mark(*, page, request) -> None:
    """Wagtail is about to serve `page` (the `before_serve_page` hook): its response may be kept if
    nothing restricts who sees it."""
    if not getattr(request, _CANDIDATE, False) or getattr(request, "is_preview", False) or not page.live:
        return  # nobody else would be served this page: no need to ask about its restrictions
    if page.get_view_restrictions().exists():
        return
    setattr(request, _CACHEABLE, True)


def page_cache_allow(request) -> None:
    """A Django view's page that anyone may read, with nothing of the visitor's on it (the view has
    checked that its consultation is live and unrestricted): it may be kept for visitors."""
    setattr(request, _CACHEABLE, True)


def page_cache_forget() -> None:
    """Every page kept so far is forgotten: the next visitor of each page renders it again."""
    cache.set(_GENERATION, uuid.uuid4().hex, None)


def _anonymous(request) -> bool:
    """No session (so nobody signed in and no message kept in it), no message cookie, no API token."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and not request.user.is_authenticated
    )


def _key(request) -> str:
    return ":".join(
        ("cms:page", request.scheme, request.get_host(), get_language() or "", request.get_full_path())
    )


class PageCacheMiddleware:
    """Last of the middleware: a visitor's request is answered from the cache before the URL is
    resolved; a miss that Wagtail served as a public page is kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if page_cache_seconds() <= 0 or not _anonymous(request):
            return self.get_response(request)
        setattr(request, _CANDIDATE, True)
        key = _key(request)
        found = cache.get_many([_GENERATION, key])
        generation = found.get(_GENERATION)
        kept = found.get(key)
        if kept is not None and generation is not None and kept[0] == generation:
            return self._served(request, kept)
        if generation is None:
            # The cache was emptied: start a generation (unless another request just did), read before
            # the page is rendered so that a publication meanwhile leaves the copy unused.
            cache.add(_GENERATION, uuid.uuid4().hex, None)
            generation = cache.get(_GENERATION)
        response = self.get_response(request)
        if request.method == "GET" and generation and getattr(request, _CACHEABLE, False):
            self._keep(request, response, key, generation)
        return response

    def _served(self, request, kept) -> HttpResponse:
        _generation, status, headers, content = kept
        if _PLACEHOLDER in content:
            content = content.replace(_PLACEHOLDER, get_token(request).encode())
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response[HEADER] = "hit"
        return response

    def _keep(self, request, response, key, generation) -> None:
        if response.status_code != 200 or response.streaming or response.cookies:
            return
        vary = {header.strip().lower() for header in response.get("Vary", "").split(",") if header.strip()}
        if vary - _VARY_KEYED:
            return  # the response differs by a request header that the key does not hold
        if {"private", "no-store", "no-cache"} & set(
            response.get("Cache-Control", "").replace(" ", "").split(",")
        ):
            return
        messages = getattr(request, "_messages", None)
        if messages is not None and messages._queued_messages:
            return
        session = getattr(request, "session", None)
        if session is not None and session.modified:
            return
        content = response.content
        secret = request.META.get("CSRF_COOKIE")
        if secret:
            content = _TOKEN.sub(lambda m: _PLACEHOLDER if _is_token(m[0], secret) else m[0], content)
        headers = [(name, value) for name, value in response.items() if name.lower() != "content-length"]
        cache.set(key, (generation, response.status_code, headers, content), page_cache_seconds())
        response[HEADER] = "miss"


def _is_token(candidate: bytes, secret: str) -> bool:
    try:
        return _unmask_cipher_token(candidate.decode()) == secret
    except ValueError:
        return False
