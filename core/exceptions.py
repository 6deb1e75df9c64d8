"""Exceptions any layer may raise for the shared plumbing to answer. Plain Python, no Django import."""


class RetryLater(Exception):
    """A momentary condition, such as data written by a newer version of the platform while a deployment
    is rolling out: the request is answered 503 with Retry-After (core/errors.py), never a 500."""
