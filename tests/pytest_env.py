"""Loaded before Django starts (`-p tests.pytest_env` in pyproject.toml): the suite keeps its files —
test database, embedded broker — apart from those of a `make run` on the same checkout."""

import os
from pathlib import Path

os.environ.setdefault("CONCERTO_VAR_DIR", str(Path(__file__).resolve().parent.parent / "var" / "test"))
