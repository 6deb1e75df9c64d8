from tests.commons.conftest import places  # noqa: F401  (the territory referential fixture)
