"""ETag (and If-None-Match → 304) on every read: a client polling the API pays for changes only."""

import hashlib

from django.utils.cache import get_conditional_response, patch_vary_headers


class ConditionalReadMixin:
    """A strong ETag from the rendered body; the answer to a matching If-None-Match is a 304.

    The body of a read does not depend on who asks (reads show public data only), only on the
    language of its labels: hence `Vary: Accept-Language`.
    """

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        patch_vary_headers(response, ("Accept-Language",))
        response["Cache-Control"] = "no-cache"  # may be stored, but revalidated (cheap with the ETag)
        return get_conditional_response(request, etag=response["ETag"], response=response)
