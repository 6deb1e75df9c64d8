"""Backups: `scripts/backup` then `scripts/restore-verify` restores into a fresh database and folders and
says PASS; a tampered backup says FAIL and what differs."""

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import User
from tests import worker
from tests.factories import consultation_create

ROOT = Path(settings.BASE_DIR)


def run(script: str, *args, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "scripts" / script), *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture
def committed(transactional_db, django_db_serialized_rollback, organisation):
    """Rows the scripts' own connections can see (committed), removed after the test."""
    User.objects.create(email="sauvegarde@example.org", pseudonym="Sauvegarde")
    return consultation_create(organisation=organisation, title="Consultation sauvegardée")


def test_a_backup_restores_and_verifies_and_a_tampered_one_fails(committed, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("backups are of PostgreSQL databases (DATABASE_URL); SQLite is copied as a file")
    media, private = tmp_path / "media", tmp_path / "private"
    (media / "images").mkdir(parents=True)
    (media / "images" / "affiche.png").write_bytes(b"\x89PNG une affiche")
    (private / "attachments").mkdir(parents=True)
    (private / "attachments" / "budget.pdf").write_bytes(b"%PDF un budget")
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DATABASE_URL=worker.test_database_url(),
        DJANGO_MEDIA_ROOT=str(media),
        DJANGO_PRIVATE_ROOT=str(private),
        PYTHON=sys.executable,
    )

    made = run("backup", tmp_path / "backups", env=env)
    assert made.returncode == 0, made.stderr[-3000:]
    backup = Path(made.stdout.strip().splitlines()[-1])
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["tables"]["public.accounts_user"] >= 1
    assert set(manifest["files"]["media"]) == {"images/affiche.png"}
    assert set(manifest["files"]["private"]) == {"attachments/budget.pdf"}

    verified = run("restore-verify", backup, env=env)
    assert verified.returncode == 0, verified.stdout + verified.stderr[-3000:]
    assert verified.stdout.strip().splitlines()[-1].startswith("PASS")

    # Tampered: an image replaced inside the archive, and a count that no longer matches the dump.
    (media / "images" / "affiche.png").write_bytes(b"\x89PNG une autre affiche")
    with tarfile.open(backup / "media.tar.gz", "w:gz") as archive:
        archive.add(media, arcname=".")
    manifest["tables"]["public.accounts_user"] += 1
    (backup / "manifest.json").write_text(json.dumps(manifest))
    failed = run("restore-verify", backup, env=env)
    assert failed.returncode == 1
    output = failed.stdout
    assert output.strip().splitlines()[-1].startswith("FAIL")
    assert "media.tar.gz: checksum differs" in output
    assert "media/images/affiche.png" in output
    assert "table public.accounts_user" in output
    # The verification's database is dropped either way.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_database WHERE datname LIKE %s",
            [f"{connection.settings_dict['NAME']}_verify_%"],
        )
        assert cursor.fetchone()[0] == 0
