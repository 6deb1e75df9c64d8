"""Writes of calls for projects: every change to a dossier and its evaluation goes through one of the
functions of these modules (dossiers, decisions, evaluations, evaluator invitations, milestones,
exports). Import a function from the module that defines it; this package re-exports nothing."""
