"""What the import tests share: a database that refuses a write midway, as a full disk would."""

from contextlib import contextmanager

import pytest
from django.db import connection

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the refusing trigger is PostgreSQL's"
)


@contextmanager
def refused_insert(table: str, nth: int):
    """PostgreSQL refuses the `nth` row inserted into `table` (a trigger raises, counting rows with a
    sequence, which a rollback does not reset), as a full disk or a lost connection would midway through
    an import. Dropped on the way out, so that a committing test leaves no trace of it."""
    name = f"test_refuse_{table}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SEQUENCE {name}")
        cursor.execute(
            f"""
            CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF nextval('{name}') = {int(nth)} THEN
                    RAISE EXCEPTION 'the test refuses row {int(nth)} of {table}';
                END IF;
                RETURN NEW;
            END $$
            """
        )
        cursor.execute(
            f"CREATE TRIGGER {name} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            cursor.execute(f"DROP SEQUENCE IF EXISTS {name}")
