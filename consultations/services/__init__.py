"""Writes of the consultation domain: every change goes through one of the functions of these modules,
one module per entity (responses, statements, ideas, comments, moderation, follows). Import a function
from the module that defines it; this package re-exports nothing."""
