"""Every template of the project reads as its author meant."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OPENED_NOT_CLOSED = re.compile(r"\{#(?![^\n]*#\})")


def test_no_template_comment_spans_lines():
    """Django's `{# … #}` ends at the end of its line: a comment over two lines is printed on the page
    (`{% comment %}` is the multi-line form)."""
    templates = [
        path
        for folder in ("accounts", "calls", "cms", "config", "consultations", "search")
        if (ROOT / folder).is_dir()
        for path in (ROOT / folder).rglob("templates/**/*")
        if path.suffix in {".html", ".txt", ".xml", ".svg"}
    ]
    assert len(templates) > 50, "the templates were found"
    printed = [
        f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}"
        for path in templates
        for text in [path.read_text(encoding="utf-8")]
        for match in OPENED_NOT_CLOSED.finditer(text)
    ]
    assert not printed, f"multi-line {{# #}} comments, printed as text: {printed}"
