#!/usr/bin/env python3
"""French typography in a French catalogue's translations (docs/i18n.md, "French typography").

    .venv/bin/python scripts/french_typography.py                  fix locale/fr/LC_MESSAGES/*.po
    .venv/bin/python scripts/french_typography.py --check          list the faults; exit 1 if any
    .venv/bin/python scripts/french_typography.py path/to/file.po  fix (or --check) these files

Only the msgstrs change (never a msgid, a comment or a placeholder), by the rules of core.typography:
a narrow no-break space before ; ! ?, a no-break space before : and % and inside « », ’ for a straight
apostrophe between letters, … for "...". Running it again changes nothing. Then `make messages`.
"""

import argparse
import io
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.typography import french_faults, french_text  # noqa: E402

WIDTH = 100  # as the catalogue is written (a read and a write give the file back unchanged)


def _strings(message) -> tuple:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def catalogue_faults(path: Path) -> list[str]:
    """Each fault of `path`'s translations, as "file:line: fault — msgstr"."""
    with path.open("rb") as po:
        catalogue = read_po(po)
    faults = []
    for message in catalogue:
        if not message.id:
            continue
        for string in _strings(message):
            for fault in french_faults(string or ""):
                line = message.lineno or 0
                faults.append(f"{path}:{line}: {fault} — {string!r}")
    return faults


def catalogue_fix(path: Path) -> int:
    """Rewrite `path` with its translations corrected; returns how many messages changed."""
    with path.open("rb") as po:
        catalogue = read_po(po)
    changed = 0
    for message in catalogue:
        if not message.id:
            continue
        strings = _strings(message)
        fixed = tuple(french_text(string) if string else string for string in strings)
        if fixed != strings:
            message.string = fixed if isinstance(message.string, tuple) else fixed[0]
            changed += 1
    if changed:
        out = io.BytesIO()
        write_po(out, catalogue, width=WIDTH)
        path.write_bytes(out.getvalue())
    return changed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("files", nargs="*", type=Path, help="French .po files (default: locale/fr/…)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 on any fault")
    arguments = parser.parse_args(argv)
    files = arguments.files or sorted((ROOT / "locale/fr/LC_MESSAGES").glob("*.po"))
    if arguments.check:
        faults = [fault for path in files for fault in catalogue_faults(path)]
        for fault in faults:
            print(fault)
        print(f"{len(faults)} typographic fault(s) in {len(files)} file(s).", file=sys.stderr)
        return 1 if faults else 0
    for path in files:
        print(f"{path}: {catalogue_fix(path)} translation(s) corrected.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
