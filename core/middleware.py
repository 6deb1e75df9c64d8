"""Security headers Django does not set itself: Content-Security-Policy and Permissions-Policy."""

from django.conf import settings


def policy_header(directives: dict[str, list[str]]) -> str:
    """`{"script-src": ["'self'"]}` as `script-src 'self'`, directives joined by `; `."""
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


class SecurityHeadersMiddleware:
    """Adds the public site's Content-Security-Policy (no inline script, no inline style), the back
    office's more relaxed one (Wagtail's admin uses inline scripts and styles), and a
    Permissions-Policy turning off the browser features the site never uses. A view that set its own
    header keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.public_policy = policy_header(settings.CSP_DIRECTIVES)
        self.admin_policy = policy_header(settings.CSP_ADMIN_DIRECTIVES)
        self.admin_prefix = settings.CSP_ADMIN_PATH_PREFIX
        self.permissions_policy = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        policy = self.admin_policy if request.path.startswith(self.admin_prefix) else self.public_policy
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        return response
