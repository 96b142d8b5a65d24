"""A person can get everything held about them, by NIP."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import VALID_NIP, make_event, make_signatory, make_signature


def test_export_person_gathers_every_event_and_signature_of_one_nip(
    signatory, unit, pasuruan, template, tmp_path
):
    make_signature(signatory, client_ip="10.1.2.3", user_agent="Tablet Meja 1")
    later = make_event(unit, pasuruan, template, title="Apel Netralitas")
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
