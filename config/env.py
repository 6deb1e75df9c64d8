"""The one reader of the environment: every setting that varies between machines comes through `env`."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# A `.env` file at the top of the checkout is read when present (never committed).
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
