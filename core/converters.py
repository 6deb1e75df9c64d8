"""Database ids in URLs and query parameters, bounded to what the database holds.

SQLite refuses a number beyond its 64-bit integers outright (OverflowError, a server error) where
PostgreSQL finds nothing: every id read from a request goes through here, so both answer 404 or 400.
"""

# At most 18 digits: every such number fits a 64-bit integer (up to 9,223,372,036,854,775,807).
ID_DIGITS = 18
ID_MAX = 10**ID_DIGITS - 1


class IdConverter:
    """A database id in a URL: digits that fit a 64-bit integer, so that a huge number is a 404."""

    regex = f"[0-9]{{1,{ID_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


def id_from(raw: str | None) -> int | None:
    """The id a query parameter or form value names: ASCII digits within range; else None."""
    if raw and raw.isascii() and raw.isdigit() and len(raw.lstrip("0")) <= ID_DIGITS:
        return int(raw)
    return None
