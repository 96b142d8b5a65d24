"""Backup and restore drill: everything restored into a fresh database still verifies."""

import hashlib
import subprocess
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from pledges.models import Document
from tests.conftest import make_signatory, make_signature, run_manage

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture
def fresh_database_url(tmp_path):
    """A new, empty database of the same kind as the test database; dropped afterwards."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"netralitas_drill_{uuid.uuid4().hex[:8]}"
    params = connection.settings_dict
    base = f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}"
    subprocess.run(["createdb", "-h", params["HOST"], "-U", params["USER"], name], check=True)
    yield f"{base}/{name}"
    subprocess.run(["dropdb", "-h", params["HOST"], "-U", params["USER"], name], check=True)


def manage(*args, database_url, media_root):
    return run_manage(*args, DATABASE_URL=database_url, MEDIA_ROOT=str(media_root))


@pytest.mark.django_db(transaction=True)
def test_restore_drill_every_signature_and_document_still_verifies(
    open_event, settings, tmp_path, fresh_database_url
):
    settings.MEDIA_ROOT = tmp_path / "media"
    for number in range(3):
        make_signature(make_signatory(open_event, f"Pejabat {number}", nip=""))
    pdf = b"%PDF-1.7 contoh dokumen"
    document = Document(event=open_event, kind="deklarasi", status="ready")
    document.sha256 = hashlib.sha256(pdf).hexdigest()
    document.file.save("deklarasi.pdf", ContentFile(pdf))

    call_command("backup", ke=str(tmp_path / "cadangan"))

    restored_media = tmp_path / "restored-media"
    restored = manage(
        "restore",
        str(tmp_path / "cadangan"),
        database_url=fresh_database_url,
        media_root=restored_media,
    )
    assert restored.returncode == 0, restored.stderr
    verified = manage(
        "verify_integrity", database_url=fresh_database_url, media_root=restored_media
    )
    assert verified.returncode == 0, verified.stderr
    assert "3 tanda tangan" in verified.stdout and "1 dokumen" in verified.stdout

    # One changed byte in a restored PDF is caught.
    (restored_media / document.file.name).write_bytes(pdf.replace(b"contoh", b"CONTOH"))
    tampered = manage(
        "verify_integrity", database_url=fresh_database_url, media_root=restored_media
    )
    assert tampered.returncode != 0
    assert f"Dokumen #{document.pk}: isi berkas tidak cocok" in tampered.stderr


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_backup_and_a_database_in_use(open_event, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("backup", ke=str(tmp_path / "cadangan"))
    with pytest.raises(CommandError, match="sudah berisi"):
        call_command("restore", str(tmp_path / "cadangan"))
    (tmp_path / "cadangan" / "media.tar.gz").write_bytes(b"rusak")
    with pytest.raises(CommandError, match="hilang atau rusak"):
        call_command("restore", str(tmp_path / "cadangan"))
