"""Coverage of the kab/kota, live progress and export of an event."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from pledges.models import SigningStation
from tests.conftest import make_signatory, make_signature


def setup_leaders(event):
    camat = make_signatory(
        event,
        "Dewi",
        "198604112008012002",
        category="camat",
        led_region_id="35.75.01",
        position="Camat Gadingrejo",
    )
    lurah = make_signatory(
        event,
        "Yuliana",
        "199007232015032004",
        category="lurah",
        led_region_id="35.75.01.1001",
        position="Lurah Krapyakrejo",
    )
    return camat, lurah


def test_coverage_marks_each_kecamatan_and_kelurahan(client, staff, signatory):
    event = signatory.event
    camat, lurah = setup_leaders(event)
    make_signature(camat)
    client.force_login(staff)
    page = client.get(reverse("staff:coverage", args=[event.pk])).content.decode()
    # Gadingrejo's camat signed, Krapyakrejo's lurah is registered, the rest missing.
    assert "1 sudah tanda tangan" in page and "1 belum terdaftar" in page
    gadingrejo = page[page.index("Kecamatan Gadingrejo") :]
    assert 'data-status="signed"' in gadingrejo.split("</tr>")[0]
    krapyakrejo = page[page.index("Kelurahan Krapyakrejo") :].split("</tr>")[0]
    assert 'data-status="registered"' in krapyakrejo and "Yuliana" in krapyakrejo
    bukir = page[page.index("Kelurahan Bukir") :].split("</tr>")[0]
    assert 'data-status="not_registered"' in bukir
    purworejo = page[page.index("Kecamatan Purworejo") :].split("</tr>")[0]
    assert 'data-status="not_registered"' in purworejo
    assert "Sekretaris daerah" in page and "Camat" in page


def test_progress_shows_counts_per_category_and_latest_thumbnails(client, staff, signatory):
    station = SigningStation.objects.create(
        event=signatory.event, label="Meja 2", token_sha256="b" * 64
    )
    make_signature(signatory, station=station)
    make_signatory(signatory.event, "Belum Tanda Tangan", "")
    client.force_login(staff)
    page = client.get(reverse("staff:progress", args=[signatory.event_id])).content.decode()
    assert "<strong>1</strong> dari 2 sudah tanda tangan" in page
    assert 'src="data:image/svg+xml;base64,' in page and "Meja 2" in page
    assert 'hx-trigger="every 5s"' in page
    live = client.get(reverse("staff:progress_live", args=[signatory.event_id])).content.decode()
    assert live.lstrip().startswith('<div id="progress-live"') and "Rudiyanto" in live
    assert "<html" not in live


def test_export_lists_signatories_with_signing_time_and_station(client, staff, signatory):
    station = SigningStation.objects.create(
        event=signatory.event, label="Meja 1", token_sha256="c" * 64
    )
    make_signature(signatory, station=station)
    make_signatory(signatory.event, '=HYPERLINK("x")', "")
    client.force_login(staff)
    response = client.get(reverse("staff:export", args=[signatory.event_id, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Nama lengkap", "NIP"]
    signed = next(row for row in rows if row[0] == "Rudiyanto")
    # Written as ="…" so that a spreadsheet shows all 18 digits (tests/test_exports.py).
    column = dict(zip(rows[0], signed, strict=True))
    assert signed[1] == '="198005122005011002"' and column["Meja tanda tangan"] == "Meja 1"
    assert column["Waktu tanda tangan"].endswith("WIB")
    assert (column["Cara tanda tangan"], column["Diwakili oleh"]) == ("tablet", "")
    response = client.get(reverse("staff:export", args=[signatory.event_id, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [row[0] for row in values if row[0].startswith("=")] == ['=HYPERLINK("x")']
    assert sheet["A3"].data_type == "s" or sheet["A2"].data_type == "s"
    assert any(row[1] == "198005122005011002" for row in values)
