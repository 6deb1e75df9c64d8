def only_public_api(endpoints):
    """drf-spectacular preprocessing hook: describe /api/v1/ only."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
