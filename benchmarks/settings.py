"""The production settings, plus the bare endpoint `make bench-votes` compares ours with."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
