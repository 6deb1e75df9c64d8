from allauth.core.ratelimit import consume_or_429


def rate_limited(request):
    """None while this address is within the rate limit of the site's forms, else the "too many" page."""
    return consume_or_429(request, action="site_message")
