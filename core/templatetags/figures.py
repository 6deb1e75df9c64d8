"""How figures are written on pages: in the reader's language, grouped by thousands, never split across
lines ("14 283", "20,8 %" in French; "14,283", "20.8 %" in English).

    {% load figures %}
    {{ report.participants|number }}      14 283
    {{ choice.percent|percent }}          20,8 %     (one decimal unless told: |percent:0 → 21 %)
    {{ votes.median|number }}             62         (a whole value loses its ",0": 62,5 stays)

None and "" give an em dash, so that a missing figure is never read as 0.
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats

register = template.Library()

NO_BREAK_SPACE = "\xa0"
MISSING = "—"


def _as_number(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _written(number: Decimal, places: int | None) -> str:
    if places is None:
        whole = number == number.to_integral_value()
        places = 0 if whole else max(0, -number.normalize().as_tuple().exponent)
    rounded = round(number, places)
    written = formats.number_format(rounded, decimal_pos=places, use_l10n=True, force_grouping=True)
    # Grouping uses the language's separator (a no-break space in French, a comma in English); any
    # ordinary space left (a locale's own) is made unbreakable too.
    return written.replace(" ", NO_BREAK_SPACE)


@register.filter
def number(value, places=None):
    """`value` grouped by thousands, whole numbers without decimals (`|number:1` forces one decimal)."""
    parsed = _as_number(value)
    if parsed is None:
        return MISSING if value in (None, "") else value
    return _written(parsed, None if places in (None, "") else int(places))


@register.filter
def percent(value, places=1):
    """`value` (already a percent) with `places` decimals and a no-break space before the sign."""
    parsed = _as_number(value)
    if parsed is None:
        return MISSING if value in (None, "") else value
    return f"{_written(parsed, int(places))}{NO_BREAK_SPACE}%"
