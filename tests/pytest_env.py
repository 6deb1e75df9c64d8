"""Loaded before Django starts (`-p tests.pytest_env` in pyproject.toml): the suite keeps its files —
test database, embedded broker — apart from those of a `make run` on the same checkout, and each
pytest-xdist worker (`make test-fast`) apart from the others'."""

import os
from pathlib import Path

var_dir = Path(os.environ.get("CONCERTO_VAR_DIR") or Path(__file__).resolve().parent.parent / "var" / "test")
os.environ["CONCERTO_VAR_DIR"] = str(var_dir / os.environ.get("PYTEST_XDIST_WORKER", ""))
