"""Protocol order on every list of people: documents, staff pages, exports, the kiosk.

Kepala daerah, wakil kepala daerah, sekda, kepala OPD, camat, lurah, kepala
desa, ASN lainnya, non-ASN, then by name; unless staff set the event's order.
"""

import csv
import io
import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from pledges.errors import Code, PledgeError
from pledges.models import AuditEntry, Document
from pledges.rendering.facts import daftar_hadir_facts
from pledges.services import documents
from pledges.services.events import close_event
from pledges.services.signatories import set_protocol_position
from pledges.services.signing import unsigned_signatories
from tests.conftest import make_signatory, make_signature

# (name, category, jabatan) in the order they sign: the Wali Kota fourth.
ARRIVALS = [
    ("Lurah Bukir", "lurah", "Lurah Bukir"),
    ("Camat Gadingrejo", "camat", "Camat Gadingrejo"),
    ("Rudiyanto", "sekda", "Sekretaris Daerah"),
    ("Adi Wibowo", "kepala_daerah", "Wali Kota Pasuruan"),
    ("Staf Umum", "asn_lainnya", "Pengadministrasi Umum"),
    ("Mas Adi", "wakil_kepala_daerah", "Wakil Wali Kota Pasuruan"),
    ("Tenaga Honorer", "non_asn", "Pramu Kantor"),
    ("Zainal Arifin", "kepala_opd", "Kepala Dinas Pendidikan"),
    ("Bambang Kepala OPD", "kepala_opd", "Kepala Dinas Kesehatan"),
    ("Kepala Desa Uji", "kepala_desa", "Kepala Desa"),
]
PROTOCOL = [
    "Adi Wibowo",
    "Mas Adi",
    "Rudiyanto",
    "Bambang Kepala OPD",
    "Zainal Arifin",
    "Camat Gadingrejo",
    "Lurah Bukir",
    "Kepala Desa Uji",
    "Staf Umum",
    "Tenaga Honorer",
]


@pytest.fixture
def gathering(open_event):
    """Ten people signed one after another, in ARRIVALS order; returned by name."""
    start = timezone.now() - timedelta(hours=1)
    people = {}
    for minute, (name, category, position) in enumerate(ARRIVALS):
        signatory = make_signatory(
            open_event, full_name=name, nip="", category=category, position=position
        )
        make_signature(signatory, signed_at=start + timedelta(minutes=minute))
        people[name] = signatory
    return people


@pytest.fixture
def logged_in(client, staff):
    client.force_login(staff)
    return client


def pdf_text(document) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def listed(client, event) -> str:
    """The event page's list of people (not the messages above it)."""
    page = client.get(event.get_absolute_url()).content.decode()
    return page[page.index("<tbody>") :]


def order_in(text: str, names) -> list[str]:
    return sorted(names, key=text.index)


def test_deklarasi_lists_the_wali_kota_first_though_they_signed_fourth(gathering, open_event):
    document = documents.make_document(open_event, Document.Kind.DEKLARASI)

    text = pdf_text(document)
    assert order_in(text, PROTOCOL) == PROTOCOL
    assert "1. Adi Wibowo" in text and "2. Mas Adi" in text


def test_order_staff_set_for_the_event_wins_in_the_deklarasi(gathering, open_event):
    set_protocol_position(gathering["Rudiyanto"], 1)
    set_protocol_position(gathering["Lurah Bukir"], 2)

    text = pdf_text(documents.make_document(open_event, Document.Kind.DEKLARASI))

    expected = [
        "Rudiyanto",
        "Lurah Bukir",
        *[n for n in PROTOCOL if n not in ("Rudiyanto", "Lurah Bukir")],
    ]
    assert order_in(text, PROTOCOL) == expected


def test_daftar_hadir_groups_follow_protocol_then_the_staff_order(gathering, open_event):
    groups = [group["category"] for group in daftar_hadir_facts(open_event)["groups"]]
    assert groups[:4] == ["Kepala daerah", "Wakil kepala daerah", "Sekretaris daerah", "Kepala OPD"]
    opd = daftar_hadir_facts(open_event)["groups"][3]["rows"]
    assert [row["full_name"] for row in opd] == ["Bambang Kepala OPD", "Zainal Arifin"]

    set_protocol_position(gathering["Zainal Arifin"], 1)
    groups = daftar_hadir_facts(open_event)["groups"]
    assert groups[0]["category"] == "Kepala OPD"
    assert [row["full_name"] for row in groups[0]["rows"]] == [
        "Zainal Arifin",
        "Bambang Kepala OPD",
    ]


def test_event_page_lists_people_in_protocol_order(logged_in, gathering, open_event):
    page = listed(logged_in, open_event)
    assert order_in(page, PROTOCOL) == PROTOCOL


def test_export_lists_people_in_protocol_order_and_staff_order_first(
    logged_in, gathering, open_event
):
    def exported_names():
        response = logged_in.get(reverse("staff:export", args=[open_event.pk, "csv"]))
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        return [row[0] for row in rows[1:]]

    assert exported_names() == PROTOCOL
    set_protocol_position(gathering["Tenaga Honorer"], 1)
    assert exported_names() == ["Tenaga Honorer", *PROTOCOL[:-1]]


def test_kiosk_list_of_those_still_to_sign_is_in_protocol_order(station, open_event):
    for name, category, position in reversed(ARRIVALS):
        make_signatory(open_event, full_name=name, nip="", category=category, position=position)
    assert [s.full_name for s in unsigned_signatories(station)] == PROTOCOL


def test_progress_and_coverage_count_categories_in_protocol_order(logged_in, gathering, open_event):
    for name in ("staff:progress", "staff:coverage"):
        page = logged_in.get(reverse(name, args=[open_event.pk])).content.decode()
        labels = ["Kepala daerah", "Wakil kepala daerah", "Sekretaris daerah", "Kepala OPD"]
        assert order_in(page, labels) == labels


def test_staff_set_a_signed_persons_place_on_its_page_and_it_is_audited(
    logged_in, gathering, open_event
):
    lurah = gathering["Lurah Bukir"]
    url = reverse("staff:signatory_order", args=[open_event.pk, lurah.pk])
    assert "Nomor urut" in logged_in.get(url).content.decode()

    response = logged_in.post(url, {"position": "1"})

    assert response.status_code == 302
    page = listed(logged_in, open_event)
    assert order_in(page, ["Lurah Bukir", "Adi Wibowo"]) == ["Lurah Bukir", "Adi Wibowo"]
    entry = AuditEntry.objects.filter(object_type="Signatory", action="update").latest("pk")
    assert entry.changes["protocol_position"][-1] == 1
    # Cleared, the person goes back to where protocol puts them.
    logged_in.post(url, {"position": ""})
    page = listed(logged_in, open_event)
    assert order_in(page, PROTOCOL) == PROTOCOL


def test_a_bad_place_is_explained_and_nothing_changes(logged_in, gathering, open_event):
    lurah = gathering["Lurah Bukir"]
    url = reverse("staff:signatory_order", args=[open_event.pk, lurah.pk])
    response = logged_in.post(url, {"position": "0"})
    assert response.status_code == 200
    with pytest.raises(PledgeError) as refused:
        set_protocol_position(lurah, 0)
    assert refused.value.code == Code.POSITION_INVALID
    lurah.refresh_from_db()
    assert lurah.protocol_position is None


def test_the_order_is_fixed_once_the_event_closes(gathering, open_event):
    close_event(open_event)
    with pytest.raises(PledgeError) as refused:
        set_protocol_position(gathering["Lurah Bukir"], 1)
    assert refused.value.code == Code.CLOSED


def test_verification_page_lists_the_deklarasi_signers_as_the_document_does(
    client, gathering, open_event
):
    document = documents.make_document(open_event, Document.Kind.DEKLARASI)
    page = client.get(f"/verifikasi/{document.verification_code}/").content.decode()
    assert order_in(page, PROTOCOL) == PROTOCOL
