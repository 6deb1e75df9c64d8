"""Back up and restore Concerto: the PostgreSQL database and the files (docs/operations.md, "Backups").

    scripts/backup DIR                 writes DIR/concerto-<UTC time>/ and prints its path
    scripts/restore BACKUP --database-url URL [--media-root D] [--private-root D]
    scripts/restore-verify BACKUP      restores into a fresh database and folders, compares, PASS/FAIL

A backup folder holds:

- `database.dump`: `pg_dump --format=custom` (no owners, no privileges: restorable under any role);
- `media.tar.gz` and `private.tar.gz`: MEDIA_ROOT (uploaded images and documents) and PRIVATE_ROOT
  (dossier attachments, report exports);
- `manifest.json`: the row count of every table, read in the same snapshot as the dump, the SHA-256
  of every file inside the archives, and the SHA-256 of each of the three files above.

The settings (DATABASE_URL, DJANGO_MEDIA_ROOT, DJANGO_PRIVATE_ROOT) come from the environment, as for
the platform. PostgreSQL only: the embedded default's SQLite file is copied like any file.
"""

import argparse
import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DUMP, MANIFEST = "database.dump", "manifest.json"
ARCHIVES = {"media": "media.tar.gz", "private": "private.tar.gz"}
CHUNK = 1 << 20


def settings():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings as django_settings

    if django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("Backups need PostgreSQL (DATABASE_URL); on SQLite, copy the var/ folder.")
    return django_settings


def database_url(django_settings) -> str:
    db = django_settings.DATABASES["default"]
    from urllib.parse import quote

    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgresql://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while block := source.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def table_counts(connection) -> dict[str, int]:
    tables = connection.execute(
        "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
    ).fetchall()
    return {name: connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for (name,) in tables}  # noqa: S608


def archive_write(source: Path, target: Path) -> dict[str, str]:
    """Tar and gzip `source`; the checksums are read back from the archive (what it really holds)."""
    with tarfile.open(target, "w:gz") as archive:
        if source.is_dir():
            archive.add(source, arcname=".")
    return archive_checksums(target)


def archive_checksums(path: Path) -> dict[str, str]:
    sums = {}
    with tarfile.open(path, "r:gz") as archive:
        for member in archive:
            if member.isfile():
                digest = hashlib.sha256()
                content = archive.extractfile(member)
                while block := content.read(CHUNK):
                    digest.update(block)
                sums[member.name.removeprefix("./")] = digest.hexdigest()
    return sums


def backup(directory: Path) -> Path:
    import psycopg

    django_settings = settings()
    url = database_url(django_settings)
    target = directory / f"concerto-{datetime.datetime.now(datetime.UTC):%Y%m%dT%H%M%SZ}"
    target.mkdir(parents=True)
    # The counts and the dump read the same snapshot, so they agree even while people contribute.
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts = table_counts(connection)
        dump = ["pg_dump", "--format=custom", "--no-owner", "--no-acl", f"--snapshot={snapshot}"]
        subprocess.run([*dump, "--file", str(target / DUMP), url], check=True)
        connection.execute("COMMIT")
    files = {
        "media": archive_write(Path(django_settings.MEDIA_ROOT), target / ARCHIVES["media"]),
        "private": archive_write(Path(django_settings.PRIVATE_ROOT), target / ARCHIVES["private"]),
    }
    manifest = {
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "tables": counts,
        "files": files,
        "checksums": {name: sha256(target / name) for name in (DUMP, *ARCHIVES.values())},
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return target


def restore(source: Path, *, url: str, media_root: Path | None, private_root: Path | None) -> None:
    """Into an empty database (refuses one with tables) and empty or missing folders."""
    import psycopg

    with psycopg.connect(url) as connection:
        used = connection.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        ).fetchone()[0]
    if used:
        sys.exit("The target database has tables: restore into a new, empty database.")
    subprocess.run(
        ["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "--dbname", url, str(source / DUMP)],
        check=True,
    )
    for name, folder in (("media", media_root), ("private", private_root)):
        if folder is None:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        if any(folder.iterdir()):
            sys.exit(f"{folder} is not empty: restore the files into an empty folder.")
        with tarfile.open(source / ARCHIVES[name], "r:gz") as archive:
            archive.extractall(folder, filter="data")


def folder_checksums(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): sha256(path) for path in folder.rglob("*") if path.is_file()}


def verify(source: Path, *, keep: bool = False) -> bool:
    """Restore into a fresh database and fresh folders, then compare with the manifest."""
    import psycopg

    django_settings = settings()
    manifest = json.loads((source / MANIFEST).read_text())
    problems = []
    for name, expected in manifest["checksums"].items():
        if sha256(source / name) != expected:
            problems.append(f"{name}: checksum differs from the manifest")
    url = database_url(django_settings)
    parts = urlsplit(url)
    fresh = f"{parts.path.lstrip('/')}_verify_{os.getpid()}"
    server = urlunsplit(parts._replace(path="/postgres"))
    fresh_url = urlunsplit(parts._replace(path=f"/{fresh}"))
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{fresh}"')
    folders = Path(tempfile.mkdtemp(prefix="concerto-verify-"))
    try:
        try:
            restore(source, url=fresh_url, media_root=folders / "media", private_root=folders / "private")
        except (subprocess.CalledProcessError, tarfile.TarError, OSError, EOFError, SystemExit) as error:
            problems.append(f"restore failed: {error}")
        else:
            with psycopg.connect(fresh_url) as connection:
                found = table_counts(connection)
            for table, count in manifest["tables"].items():
                if found.get(table) != count:
                    restored = found.get(table)
                    problems.append(f"table {table}: {restored} rows restored, {count} in the manifest")
            for table in set(found) - set(manifest["tables"]):
                problems.append(f"table {table}: restored but not in the manifest")
            for name in ARCHIVES:
                restored = folder_checksums(folders / name)
                expected = manifest["files"][name]
                for path in sorted(set(restored) | set(expected)):
                    if restored.get(path) != expected.get(path):
                        problems.append(f"{name}/{path}: restored file differs from the manifest")
    finally:
        shutil.rmtree(folders, ignore_errors=True)
        if not keep:
            with psycopg.connect(server, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
    tables, files = len(manifest["tables"]), sum(len(sums) for sums in manifest["files"].values())
    for problem in problems:
        print(f"  {problem}")
    print(f"{'FAIL' if problems else 'PASS'} {source.name}: {tables} tables, {files} files compared")
    return not problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("backup").add_argument("directory", type=Path)
    restoring = commands.add_parser("restore")
    restoring.add_argument("backup", type=Path)
    restoring.add_argument("--database-url", required=True)
    restoring.add_argument("--media-root", type=Path)
    restoring.add_argument("--private-root", type=Path)
    verifying = commands.add_parser("verify")
    verifying.add_argument("backup", type=Path)
    verifying.add_argument("--keep", action="store_true", help="keep the restored database")
    options = parser.parse_args(argv)
    if options.command == "backup":
        print(backup(options.directory))
        return 0
    if options.command == "restore":
        restore(
            options.backup,
            url=options.database_url,
            media_root=options.media_root,
            private_root=options.private_root,
        )
        print(f"restored {options.backup.name}")
        return 0
    return 0 if verify(options.backup, keep=options.keep) else 1


if __name__ == "__main__":
    sys.exit(main())
