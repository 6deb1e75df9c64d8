"""The pieces of the French demo that `manage.py demo_load` puts together: its people, a closed
consultation imported from Pol.is with its outcome page, calls at the jury and vote stages, and the
initiatives commons. Each piece creates what is missing and leaves the rest as it is, so the demo
loads twice without creating anything twice."""
