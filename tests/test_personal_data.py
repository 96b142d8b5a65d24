"""A person can get everything held about them, by NIP."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from pledges.models import AuditEntry, Document, Event, Signature
from tests.conftest import VALID_NIP, make_event, make_signatory, make_signature


def test_export_person_gathers_every_event_and_signature_of_one_nip(
    signatory, unit, pasuruan, template, tmp_path
):
    make_signature(signatory, client_ip="10.1.2.3", user_agent="Tablet Meja 1")
    # Later than the signatory's event: the export lists events by their start.
    later = make_event(
        unit,
        pasuruan,
        template,
        title="Apel Netralitas",
        starts_at=signatory.event.starts_at + timedelta(days=30),
    )
    make_signatory(later, "Rudiyanto", position="Sekda (Plt.)")
    make_signatory(later, "Orang Lain", nip="199007232015032004")

    call_command("export_person", VALID_NIP, ke=str(tmp_path / "data.json"))

    data = json.loads((tmp_path / "data.json").read_text())
    assert data["nip"] == VALID_NIP
    assert [r["kegiatan"] for r in data["pendaftaran"]] == [
        "Sosialisasi Netralitas ASN",
        "Apel Netralitas",
    ]
    signed = data["pendaftaran"][0]["tanda_tangan"]
    assert signed["alamat_ip"] == "10.1.2.3" and signed["goresan"]
    assert data["pendaftaran"][1]["tanda_tangan"] is None
    assert "Orang Lain" not in json.dumps(data)


def test_export_person_accepts_a_formatted_nip_and_refuses_a_bad_one(signatory, capsys):
    call_command("export_person", "19800512 200501 1 002")
    assert json.loads(capsys.readouterr().out)["pendaftaran"][0]["nama"] == "Rudiyanto"
    with pytest.raises(CommandError, match="18 digit"):
        call_command("export_person", "12345")


def closed_long_ago(event, days):
    from django.utils import timezone

    from pledges.services.events import close_event

    close_event(event)
    Event.objects.filter(pk=event.pk).update(closed_at=timezone.now() - timedelta(days=days))
    event.refresh_from_db()
    return event


def test_purge_erases_personal_data_but_keeps_documents_verifiable(
    signatory, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    settings.PERSONAL_DATA_RETENTION_DAYS = 365
    make_signature(signatory, client_ip="10.1.2.3")
    document = Document(event=signatory.event, signatory=signatory, kind="pakta_integritas")
    document.sha256, document.status = "ab" * 32, "ready"
    document.file.save("pakta.pdf", ContentFile(b"%PDF contoh"))
    path = Path(document.file.path)
    event = closed_long_ago(signatory.event, days=400)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_personal_data")

    assert not Signature.objects.exists()
    signatory.refresh_from_db()
    assert (signatory.full_name, signatory.nip, signatory.category) == ("(dihapus)", "", "sekda")
    assert "rudiyanto" not in signatory.search_text  # nor can the name be searched for
    document.refresh_from_db()
    assert document.file.name == "" and not path.exists()
    assert document.sha256 == "ab" * 32 and document.verification_code
    event.refresh_from_db()
    assert event.personal_data_purged_at and (event.final_registered, event.final_signed) == (1, 1)
    assert not AuditEntry.objects.filter(changes__icontains="Rudiyanto").exists()
    assert "Rudiyanto" not in json.dumps(export_person_data_of(event), default=str)


def export_person_data_of(event):
    return list(
        AuditEntry.objects.filter(event_id=event.pk).values("object_repr", "changes")
    ) + list(event.signatories.values())


def test_purge_refuses_an_event_inside_its_retention_period(signatory, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 365
    make_signature(signatory)
    closed_long_ago(signatory.event, days=30)

    call_command("purge_personal_data")  # nothing is due
    with pytest.raises(CommandError, match="belum melewati masa retensi"):
        call_command("purge_personal_data", kegiatan=signatory.event.pk)

    assert Signature.objects.count() == 1
    signatory.refresh_from_db()
    assert signatory.full_name == "Rudiyanto"
