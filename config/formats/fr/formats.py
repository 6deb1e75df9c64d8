"""French formats on top of Django's (docs/i18n.md): thousands are separated by a narrow no-break space,
"10 000" (U+202F, the French Imprimerie nationale's "espace fine insécable"), never by a breakable space.
Dates keep Django's ("j F Y"); core.typography.written_date adds the ordinal of the first ("1er janvier")."""

THOUSAND_SEPARATOR = "\u202f"
