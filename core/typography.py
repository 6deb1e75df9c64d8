"""French typography: amounts, dates and the spaces of punctuation (docs/i18n.md).

- `amount(value)`: a sum of money the reader's way, "10 000,00 €" in French (thousands by a narrow
  no-break space, a no-break space before the sign), "€10,000.00" in English.
- `written_date(value)`: a date (or `"DATETIME_FORMAT"`: a date and time) in the language's long format,
  with the French ordinal of the first day of a month, "1er janvier 2027" (Django writes "1 janvier").
- `french_text(text)`: a French translation with the spaces French punctuation takes (narrow no-break
  space before ; ! ?, no-break space before : and inside « », no-break space before % and €), curly
  apostrophes and an ellipsis character; placeholders, HTML tags, entities and addresses stay as they are.
  `french_faults(text)` lists what `french_text` would change. scripts/french_typography.py applies them to
  the French catalogue.
"""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.template import defaultfilters
from django.utils import formats, timezone, translation

NO_BREAK_SPACE = "\u00a0"  # before : and % and inside « »
NARROW_NO_BREAK_SPACE = "\u202f"  # before ; ! ? and between thousands
MISSING = "—"


def _language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def amount(value, places: int = 2) -> str:
    """`value` euros, grouped by thousands, with `places` decimals, the sign where the language puts it."""
    if value is None or value == "" or isinstance(value, bool):
        return MISSING
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    places = int(places)
    written = formats.number_format(
        round(number, places), decimal_pos=places, use_l10n=True, force_grouping=True
    )
    if _language() == "en":
        return f"-€{written[1:]}" if written.startswith("-") else f"€{written}"
    return f"{written}{NO_BREAK_SPACE}€"


def written_date(value, style: str = "DATE_FORMAT") -> str:
    """`value` in the language's `style` (a format name such as "DATE_FORMAT", or a pattern), with the
    French ordinal of the first of a month ("1er janvier"). An aware moment is shown in the current zone."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    pattern = formats.get_format(style) if style.isupper() else style
    if isinstance(value, date) and value.day == 1 and _language() == "fr":
        pattern = re.sub(r"(?<!\\)j", r"j\\e\\r", pattern)
    return defaultfilters.date(value, pattern)


# --- Punctuation ------------------------------------------------------------------------------------

# Left as they are, whatever they hold: HTML tags (and their attributes), entities, addresses,
# python-format placeholders (%(name)s, %s) and brace placeholders ({count}). Each is replaced by a
# private-use character while the rules run, which counts as a word for them.
_PROTECTED = re.compile(
    r"<[^<>]*>"
    r"|&#?\w+;"
    r"|\b(?:https?|ftp|mailto):\S+"
    r"|www\.\S+"
    r"|%%"
    r"|%\([^()]*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]"
    r"|%[-#0+]*\d*(?:\.\d+)?[sdifr]"
    r"|\{[^{}]*\}"
)
# Words for the rules (placeholders, tags, addresses) from U+E000, the rest (entities) from U+F000.
_FIRST_MARK = 0xE000
_FIRST_OTHER_MARK = 0xF000
_MARKS = "\ue000-\uefff"
_ALL_MARKS = "\ue000-\uf8ff"
# What may stand before a punctuation sign that takes a space: a word, a figure, a placeholder, a closing
# quotation mark or bracket.
_WORD = rf"[\w{_MARKS}»”’)\]…]"
# Technical words written as they must be typed ("Authorization: Bearer …"): no space before their colon.
TECHNICAL_WORDS = ("Authorization",)
_TECHNICAL = "|".join(re.escape(word) for word in TECHNICAL_WORDS)

_RULES = [
    # Three periods are an ellipsis.
    (re.compile(r"(?<!\.)\.\.\.(?!\.)"), "…", "“...” instead of “…”"),
    # A straight apostrophe between letters is a typographic one.
    (re.compile(rf"(?<=[^\W\d_])'(?=[^\W\d_]|[{_MARKS}])"), "’", "straight apostrophe"),
    # ; ! ? take a narrow no-break space, instead of a space or nothing.
    (
        re.compile(rf"(?<={_WORD})(?:[ \u00a0]+|(?=[;!?](?:\s|$|[»”)\]{_MARKS}])))(?=[;!?])"),
        NARROW_NO_BREAK_SPACE,
        "space before ; ! ? (a narrow no-break space)",
    ),
    # : takes a no-break space, instead of a space, a narrow one or nothing (unless technical).
    (
        re.compile(
            rf"(?<={_WORD})(?:[ \u202f]+|(?<!{_TECHNICAL})(?=:(?:\s|$|[»”)\]{_MARKS}])))(?=:)"
            if _TECHNICAL
            else rf"(?<={_WORD})(?:[ \u202f]+|(?=:(?:\s|$)))(?=:)"
        ),
        NO_BREAK_SPACE,
        "space before : (a no-break space)",
    ),
    # « and » hold their text with no-break spaces.
    (re.compile(r"«[ \u202f]*(?=\S)"), "«" + NO_BREAK_SPACE, "space after « (a no-break space)"),
    (re.compile(r"(?<=\S)[ \u202f]*»"), NO_BREAK_SPACE + "»", "space before » (a no-break space)"),
    # A percent sign after a figure takes a no-break space.
    (
        re.compile(rf"(?<=[\d{_MARKS}])[ \u202f]?(?=%)"),
        NO_BREAK_SPACE,
        "space before % (a no-break space)",
    ),
    # So does the euro sign after an amount.
    (re.compile(rf"(?<=[\d{_MARKS}])[ \u202f]?(?=€)"), NO_BREAK_SPACE, "space before € (a no-break space)"),
]


def _masked(text: str) -> tuple[str, list[str]]:
    kept: list[str] = []

    def mark(match: re.Match) -> str:
        if match.group() == "%%":  # a percent sign: the rules see it
            return "%"
        kept.append(match.group())
        first = _FIRST_OTHER_MARK if match.group().startswith("&") else _FIRST_MARK
        return chr(first + len(kept) - 1)

    return _PROTECTED.sub(mark, text), kept


def _unmasked(text: str, kept: list[str], percent: str) -> str:
    text = text.replace("%", percent)

    def unmark(match: re.Match) -> str:
        code = ord(match.group())
        return kept[code - (_FIRST_OTHER_MARK if code >= _FIRST_OTHER_MARK else _FIRST_MARK)]

    return re.sub(f"[{_ALL_MARKS}]", unmark, text)


def french_text(text: str) -> str:
    """`text` (a French translation) with French typography; running it again changes nothing."""
    masked, kept = _masked(text)
    # A python-format string writes its percent signs "%%"; a plain one "%".
    percent = "%%" if "%%" in text else "%"
    for pattern, replacement, _fault in _RULES:
        masked = pattern.sub(replacement, masked)
    return _unmasked(masked, kept, percent)


def french_faults(text: str) -> list[str]:
    """What is wrong with `text`'s French typography (empty when `french_text` would leave it as it is)."""
    masked, _kept = _masked(text)
    return [fault for pattern, replacement, fault in _RULES if pattern.sub(replacement, masked) != masked]
