"""Contributions that did not come through the site's forms: Pol.is conversations (`polis`) and paper
questionnaires typed in by agents (`paper`). Each import is one transaction: all of it, or nothing."""
