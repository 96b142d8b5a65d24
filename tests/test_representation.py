"""Representation: an official who cannot come is represented by someone signing "mewakili",
with the number of a surat tugas; documents, coverage and counts say "diwakili"."""

import io
import uuid

import pytest
from django.urls import reverse
from pypdf import PdfReader

from pledges.errors import Code, PledgeError
from pledges.models import AuditEntry, Document, Representation, Signature
from pledges.rendering.ink import LIST_BOX_MM, ink_sha256, pdf_path, stored_path
from pledges.services import representation
from pledges.services.documents import make_document
from pledges.services.events import close_event
from tests.conftest import bind_client, make_signatory, make_signature
from tests.test_signing import post, submission

DEPUTY = {
    "full_name": "Drs. Bambang Sutrisno, M.Si.",
    "nip": "197703152002121003",
    "position": "Sekretaris Kelurahan Krapyakrejo",
    "letter_number": "800/112/423.305/2024",
}


@pytest.fixture
def lurah(open_event):
    return make_signatory(
        open_event,
        "Yuliana",
        "199007232015032004",
        category="lurah",
        led_region_id="35.75.01.1001",
        position="Lurah Krapyakrejo",
    )


def pdf_text(document) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def sign_on_tablet(client, signatory, **extra):
    return post(client, submission(signatory, **extra))


def test_staff_record_a_representative_and_every_page_and_document_says_diwakili(
    client, staff, lurah
):
    event = lurah.event
    client.force_login(staff)
    url = reverse("staff:signatory_representative", args=[event.pk, lurah.pk])
    response = client.post(url, {**DEPUTY, "nip": "19770315 200212 1 003"})
    assert response.status_code == 302
    deputy = Representation.objects.get(signatory=lurah)
    assert (deputy.full_name, deputy.nip, deputy.letter_number) == (
        DEPUTY["full_name"],
        DEPUTY["nip"],
        DEPUTY["letter_number"],
    )
    assert deputy.registered_by == staff
    assert AuditEntry.objects.filter(
        action="create", object_type="Representation", event_id=event.pk
    ).exists()
    listing = client.get(event.get_absolute_url()).content.decode()
    assert "Diwakili" in listing and DEPUTY["letter_number"] in listing

    # The representative signs on a tablet, under the official's name.
    tablet = type(client)()
    bind_client(tablet, event)
    listed = tablet.get("/meja/api/penanda-tangan/").json()["signatories"]
    assert [p["representative"] for p in listed if p["id"] == lurah.pk] == [DEPUTY["full_name"]]
    assert sign_on_tablet(tablet, lurah).status_code == 200

    coverage = client.get(reverse("staff:coverage", args=[event.pk])).content.decode()
    assert "Sudah tanda tangan (diwakili)" in coverage
    assert "(1 diwakili)" in coverage
    assert f"Yuliana (diwakili oleh {DEPUTY['full_name']})" in coverage
    progress = client.get(reverse("staff:progress", args=[event.pk])).content.decode()
    assert "1 diwakili" in progress
    exported = client.get(reverse("staff:export", args=[event.pk, "csv"])).content.decode()
    assert f"{DEPUTY['full_name']} ({DEPUTY['position']}), surat tugas" in exported

    deklarasi = pdf_text(make_document(event, Document.Kind.DEKLARASI))
    assert f"diwakili oleh {DEPUTY['full_name']}" in deklarasi
    assert DEPUTY["letter_number"] in deklarasi
    daftar = pdf_text(make_document(event, Document.Kind.DAFTAR_HADIR))
    assert "Diwakili," in daftar and "Hadir," not in daftar
    pakta = make_document(event, Document.Kind.PAKTA_INTEGRITAS, lurah)
    text = pdf_text(pakta)
    assert "a.n. Yuliana" in text
    assert f"Mewakili berdasarkan surat tugas nomor {DEPUTY['letter_number']}" in text
    # The representative's name stands under the signature, the official's after "a.n.".
    assert text.index("a.n. Yuliana") < text.index(DEPUTY["full_name"])

    public = client.get(f"/verifikasi/{pakta.verification_code}/").content.decode()
    assert f"diwakili oleh {DEPUTY['full_name']}" in public
    assert DEPUTY["nip"] not in public


def test_the_laporan_says_who_was_represented(client, staff, lurah):
    from pledges.services.reports import laporan_text

    representation.represent(lurah, DEPUTY, user=staff)
    make_signature(lurah)
    text = laporan_text(lurah.event)
    assert "1 (satu) lurah (1 (satu) diwakili)" in text
    assert "Sebanyak 1 (satu) pejabat berhalangan hadir dan diwakili" in text


def database_state():
    return (
        list(Representation.objects.values()),
        list(Signature.objects.values_list("pk", flat=True)),
    )


def test_once_signed_the_representative_stays_as_signed(client, staff, lurah):
    representation.represent(lurah, DEPUTY, user=staff)
    make_signature(lurah)
    before = database_state()
    client.force_login(staff)
    url = reverse("staff:signatory_representative", args=[lurah.event.pk, lurah.pk])
    page = client.post(url, {**DEPUTY, "full_name": "Orang Lain"}).content.decode()
    assert "sudah menandatangani" in page
    client.post(url, {"withdraw": "1"})
    assert database_state() == before
    with pytest.raises(PledgeError) as refused:
        representation.withdraw_representation(lurah)
    assert refused.value.code == Code.SIGNATORY_SIGNED
    assert database_state() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"letter_number": "  "}, "Isi nomor surat tugas."),
        ({"full_name": ""}, "Isi nama wakil."),
        ({"nip": "1977"}, "NIP"),
        ({"full_name": "Bambang\u202e"}, "karakter"),
        ({"nip": "199007232015032004"}, "Wakil tidak boleh pejabat itu sendiri"),
    ],
)
def test_bad_representative_details_are_refused_in_indonesian_and_nothing_is_kept(
    client, staff, lurah, change, message
):
    client.force_login(staff)
    url = reverse("staff:signatory_representative", args=[lurah.event.pk, lurah.pk])
    page = client.post(url, {**DEPUTY, **change}).content.decode()
    assert message in page
    assert not Representation.objects.exists()


def test_a_representative_is_replaced_or_withdrawn_before_signing_and_each_act_is_audited(
    client, staff, lurah
):
    client.force_login(staff)
    url = reverse("staff:signatory_representative", args=[lurah.event.pk, lurah.pk])
    client.post(url, DEPUTY)
    client.post(url, {**DEPUTY, "full_name": "Siti Aminah, S.STP."})
    assert Representation.objects.get().full_name == "Siti Aminah, S.STP."
    client.post(url, {"withdraw": "1"})
    assert not Representation.objects.exists()
    actions = list(
        AuditEntry.objects.filter(object_type="Representation")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "delete", "create", "delete"]


def test_a_closed_event_takes_no_representative(client, staff, lurah):
    close_event(lurah.event)
    client.force_login(staff)
    url = reverse("staff:signatory_representative", args=[lurah.event.pk, lurah.pk])
    assert "sudah ditutup" in client.post(url, DEPUTY).content.decode()
    assert not Representation.objects.exists()


def test_another_unit_cannot_record_a_representative(client, other_staff, lurah):
    client.force_login(other_staff)
    url = reverse("staff:signatory_representative", args=[lurah.event.pk, lurah.pk])
    assert client.post(url, DEPUTY).status_code == 404
    assert not Representation.objects.exists()


def test_a_tablet_records_the_representative_with_the_signature_when_the_event_allows(
    client, lurah
):
    event = lurah.event
    event.allow_representatives = True
    event.save()
    bind_client(client, event)
    key = str(uuid.uuid4())
    response = sign_on_tablet(client, lurah, representative=DEPUTY, idempotency_key=key)
    assert response.status_code == 200, response.content
    deputy = Representation.objects.get(signatory=lurah)
    assert deputy.station is not None and deputy.registered_by is None
    entry = AuditEntry.objects.get(action="sign")
    assert entry.changes["representative"] == DEPUTY["full_name"]
    # Drawn for the lists when recorded, as any signature taken at a tablet.
    signature = Signature.objects.get(signatory=lurah)
    assert stored_path(signature.ink, *LIST_BOX_MM) == pdf_path(signature.strokes, *LIST_BOX_MM)
    assert entry.changes["ink_sha256"] == ink_sha256(signature.ink)
    # A retry of the same submission (the answer was lost) is the same signature.
    again = sign_on_tablet(client, lurah, representative=DEPUTY, idempotency_key=key)
    assert again.status_code == 200
    assert again.json()["signature"] == response.json()["signature"]
    assert Representation.objects.count() == 1 and Signature.objects.count() == 1


def test_a_tablet_representative_is_refused_unless_the_event_allows_it(client, lurah):
    bind_client(client, lurah.event)
    response = sign_on_tablet(client, lurah, representative=DEPUTY)
    assert response.status_code == 422
    assert response.json()["code"] == "representation_not_allowed"
    assert "petugas" in response.json()["error"]
    assert not Representation.objects.exists() and not Signature.objects.exists()


def test_a_bad_representative_from_a_tablet_stores_neither_signature_nor_representative(
    client, lurah
):
    event = lurah.event
    event.allow_representatives = True
    event.save()
    bind_client(client, event)
    response = sign_on_tablet(client, lurah, representative={**DEPUTY, "letter_number": ""})
    assert response.status_code == 422
    assert response.json()["error"] == "Isi nomor surat tugas."
    assert not Representation.objects.exists() and not Signature.objects.exists()


def test_the_admin_shows_the_representative_and_cannot_set_one(client, superuser, staff, lurah):
    representation.represent(lurah, DEPUTY, user=staff)
    before = list(Representation.objects.values())
    client.force_login(superuser)
    url = f"/admin/pledges/signatory/{lurah.pk}/change/"
    page = client.get(url).content.decode()
    assert f"{DEPUTY['full_name']} ({DEPUTY['position']}), surat tugas" in page
    client.post(url, {"represented_by": "Orang Lain", "full_name": lurah.full_name})
    assert list(Representation.objects.values()) == before
