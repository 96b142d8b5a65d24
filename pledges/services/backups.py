"""Backups of the database and the media files, and restoring them into a fresh database.

A backup is a folder: `database.dump` (PostgreSQL custom format, from pg_dump)
or `database.sqlite3`, `media.tar.gz`, and `manifest.json` with the SHA-256 of
both, so that a damaged copy is refused before anything is restored.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from pledges.errors import Code, PledgeError


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _libpq_environment() -> dict[str, str]:
    db = connection.settings_dict
    values = {
        "PGHOST": db.get("HOST") or "",
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": db.get("USER") or "",
        "PGPASSWORD": db.get("PASSWORD") or "",
        "PGDATABASE": db["NAME"],
    }
    return {**os.environ, **{key: value for key, value in values.items() if value}}


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def backup(destination: Path) -> Path:
    """Write a complete backup into a new folder `destination`; return the folder."""
    destination.mkdir(parents=True, exist_ok=False)
    if _is_postgresql():
        database = destination / "database.dump"
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={database}"],
            env=_libpq_environment(),
            check=True,
        )
    else:
        database = destination / "database.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(database)
        with target:
            connection.connection.backup(target)
        target.close()
    media = destination / "media.tar.gz"
    with tarfile.open(media, "w:gz") as archive:
        if Path(settings.MEDIA_ROOT).exists():
            archive.add(settings.MEDIA_ROOT, arcname=".")
    manifest = {
        "created_at": timezone.now().isoformat(),
        "database_vendor": connection.vendor,
        "files": {path.name: _sha256(path) for path in (database, media)},
    }
    (destination / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return destination


def restore(source: Path) -> None:
    """Restore the backup folder `source` into the configured, empty database and MEDIA_ROOT.

    Raises PledgeError if the backup is incomplete or damaged, was made from
    another kind of database, or the target database already holds data.
    """
    manifest_path = source / "manifest.json"
    if not manifest_path.exists():
        raise PledgeError(f"{source} bukan folder cadangan (manifest.json tidak ada).", Code.BACKUP)
    manifest = json.loads(manifest_path.read_text())
    for name, expected in manifest["files"].items():
        if not (source / name).exists() or _sha256(source / name) != expected:
            raise PledgeError(f"Berkas cadangan {name} hilang atau rusak.", Code.BACKUP_DAMAGED)
    if manifest["database_vendor"] != connection.vendor:
        raise PledgeError(
            f"Cadangan ini dari {manifest['database_vendor']}, bukan {connection.vendor}.",
            Code.BACKUP_VENDOR,
        )
    if "pledges_event" in connection.introspection.table_names():
        raise PledgeError(
            "Basis data tujuan sudah berisi tabel Netralitas. "
            "Pulihkan ke basis data baru yang kosong.",
            Code.RESTORE_NOT_EMPTY,
        )
    if _is_postgresql():
        connection.close()
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(source / "database.dump"),
            ],
            env=_libpq_environment(),
            check=True,
        )
    else:
        connection.close()
        shutil.copyfile(source / "database.sqlite3", connection.settings_dict["NAME"])
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / "media.tar.gz", "r:gz") as archive:
        archive.extractall(media_root, filter="data")
