"""How figures are written on pages: in the reader's language, grouped by thousands, never split across
lines ("14 283", "20,8 %" in French; "14,283", "20.8 %" in English).

    {% load figures %}
    {{ report.participants|number }}      14 283
    {{ choice.percent|percent }}          20,8 %     (one decimal unless told: |percent:0 → 21 %)
    {{ votes.median|number }}             62         (a whole value loses its ",0": 62,5 stays)
    {{ project.amount_requested|amount }} 10 000,00 €   (English: €10,000.00; |amount:0 → 10 000 €)
    {{ call.closes_at|day_date }}         1er janvier 2027          (the language's DATE_FORMAT)
    {{ call.closes_at|day_datetime }}     1er janvier 2027 18:00    (its DATETIME_FORMAT)

None and "" give an em dash, so that a missing figure is never read as 0 (an empty text for a date).
French thousands are separated by a narrow no-break space (config/formats/fr/formats.py). These filters
are built in (settings.TEMPLATES): every template has them without loading this library.
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats

from core import typography

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


@register.filter
def amount(value, places=2):
    """`value` euros with `places` decimals (2 unless told), the sign where the language puts it."""
    return typography.amount(value, 2 if places in (None, "") else int(places))


@register.filter(expects_localtime=True)
def day_date(value):
    """The date of `value` in the language's long format, "1er janvier 2027" in French."""
    return typography.written_date(value, "DATE_FORMAT")


@register.filter(expects_localtime=True)
def day_datetime(value):
    """`value`'s date and time in the language's long format, "1er janvier 2027 18:00" in French."""
    return typography.written_date(value, "DATETIME_FORMAT")
