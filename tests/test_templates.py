"""Every template of the project reads as its author meant."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OPENED_NOT_CLOSED = re.compile(r"\{#(?![^\n]*#\})")


def project_templates() -> list[Path]:
    """Every template of the project: each app's `templates/` folder, wherever it is."""
    return [
        path
        for folder in sorted(ROOT.glob("*/**/templates"))
        if ".venv" not in folder.parts and "node_modules" not in folder.parts
        for path in folder.rglob("*")
        if path.suffix in {".html", ".txt", ".xml", ".svg"}
    ]


def test_no_template_comment_spans_lines():
    """Django's `{# … #}` ends at the end of its line: a comment over two lines is printed on the page
    (`{% comment %}` is the multi-line form)."""
    templates = project_templates()
    assert len(templates) > 50, "the templates were found"
    apps = {path.relative_to(ROOT).parts[0] for path in templates}
    assert {"reports", "budgets", "commons", "opendata", "cms"} <= apps, "every app's templates are read"
    printed = [
        f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}"
        for path in templates
        for text in [path.read_text(encoding="utf-8")]
        for match in OPENED_NOT_CLOSED.finditer(text)
    ]
    assert not printed, f"multi-line {{# #}} comments, printed as text: {printed}"
