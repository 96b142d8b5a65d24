"""What people type is stored one way whichever door it comes through: names in NFC,
NIPs in ASCII digits whatever digits and spaces were typed, and invisible characters
refused with a message that names them, never silently dropped."""

import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from pledges.core.text import clean_text
from pledges.errors import Code, PledgeError
from pledges.models import Event, Signatory
from pledges.services.signatories import register_signatory
from tests.conftest import VALID_NIP, make_signatory

NIPS_AS_TYPED = {
    "full-width digits": "１９８００５１２　２００５０１　１　００２",
    "narrow no-break spaces": "19800512\u202f200501\u202f1\u202f002",
    "figure spaces and no-break spaces": "19800512\u2007200501\u00a01\u2007002",
    "Arabic-Indic digits with en dashes": "١٩٨٠٠٥١٢–٢٠٠٥٠١–١–٠٠٢",
    "full-width dots and hyphens": "１９８００５１２．２００５０１－１－００２",
}

# character -> words of the refusal that say what it is
REFUSED = {
    "\u200b": "karakter tak terlihat (U+200B ZERO WIDTH SPACE)",
    "\u200c": "karakter tak terlihat (U+200C",
    "\u200d": "karakter tak terlihat (U+200D",
    "\u2060": "karakter tak terlihat (U+2060 WORD JOINER)",
    "\ufeff": "karakter tak terlihat (U+FEFF",
    "\u00ad": "karakter tak terlihat (U+00AD SOFT HYPHEN)",
    "\u3164": "karakter tak terlihat (U+3164 HANGUL FILLER)",
    "\U000e0041": "karakter tak terlihat (U+E0041",
    "\u202e": "pengatur arah teks yang tak terlihat (dapat membalik urutan huruf) (U+202E",
    "\u202a": "pengatur arah teks",
    "\u2066": "pengatur arah teks",
    "\u2069": "pengatur arah teks",
    "\u200e": "pengatur arah teks",
    "\u200f": "pengatur arah teks",
    "\u061c": "pengatur arah teks",
    "\x07": "karakter kendali (U+0007)",
    "\x1f": "karakter kendali (U+001F)",
    "\x85": "karakter kendali (U+0085)",
    "\ue000": "karakter yang tidak dikenal (U+E000)",
}
NFD_NAME = unicodedata.normalize("NFD", "José Ramírez")
NFC_NAME = "José Ramírez"


@pytest.fixture
def logged_in(client, staff):
    client.force_login(staff)
    return client


def person(**overrides):
    data = {
        "full_name": "Dewi Lestari",
        "nip": "19860411 200801 2 002",
        "position": "Kepala Dinas Pendidikan",
        "category": "kepala_opd",
        "agency": "Dinas Pendidikan",
        "led_region": "",
    }
    return {**data, **overrides}


def walk_in(kiosk, **overrides):
    data = {key: value for key, value in person(**overrides).items() if key != "led_region"}
    return kiosk.post("/meja/api/daftar/", data, content_type="application/json")


def import_csv(client, event, line):
    header = "nama_lengkap,nip,jabatan,kategori,instansi,wilayah"
    upload = SimpleUploadedFile("daftar.csv", f"{header}\n{line}\n".encode(), "text/csv")
    page = client.post(reverse("staff:import_upload", args=[event.pk]), {"file": upload})
    token = client.session[f"signatory-import-{event.pk}"]["token"]
    committed = client.post(
        reverse("staff:import_commit", args=[event.pk]), {"token": token, "mode": "all"}
    )
    return page.content.decode(), committed


# --- NIPs typed with other digits and spaces ----------------------------------------


@pytest.mark.parametrize("typed", NIPS_AS_TYPED.values(), ids=NIPS_AS_TYPED.keys())
def test_staff_form_stores_a_nip_typed_with_any_digits_and_spaces_as_ascii(logged_in, event, typed):
    url = reverse("staff:signatory_add", args=[event.pk])
    response = logged_in.post(url, person(nip=typed))
    assert response.status_code == 302
    assert Signatory.objects.get().nip == VALID_NIP


@pytest.mark.parametrize("typed", NIPS_AS_TYPED.values(), ids=NIPS_AS_TYPED.keys())
def test_kiosk_walk_in_stores_a_nip_typed_with_any_digits_and_spaces_as_ascii(kiosk, typed):
    response = walk_in(kiosk, nip=typed)
    assert response.status_code == 201
    assert Signatory.objects.get().nip == VALID_NIP


@pytest.mark.parametrize("typed", NIPS_AS_TYPED.values(), ids=NIPS_AS_TYPED.keys())
def test_import_stores_a_nip_typed_with_any_digits_and_spaces_as_ascii(logged_in, event, typed):
    page, committed = import_csv(logged_in, event, f"Dewi,{typed},Staf,asn_lainnya,OPD,")
    assert "1 sah" in page and committed.status_code == 302
    assert Signatory.objects.get().nip == VALID_NIP


def test_kiosk_finds_a_nip_typed_in_full_width_digits(kiosk, signatory):
    query = "２００５０１　１"
    people = kiosk.get("/meja/api/penanda-tangan/", {"q": query}).json()["signatories"]
    assert [person["name"] for person in people] == ["Rudiyanto"]


# --- one spelling of a name: NFC ------------------------------------------------------


def test_a_name_typed_decomposed_is_stored_composed_through_every_door(kiosk, staff):
    event = kiosk.station.event
    office = Client()
    office.force_login(staff)
    url = reverse("staff:signatory_add", args=[event.pk])
    assert office.post(url, person(full_name=NFD_NAME, agency="Dina\u0301s")).status_code == 302
    assert walk_in(kiosk, full_name=NFD_NAME, nip="", category="non_asn").status_code == 201
    import_csv(office, event, f"{NFD_NAME}  Jr.,,Staf,non_asn,OPD,")
    stored = list(Signatory.objects.values_list("full_name", "agency"))
    assert sorted(stored) == sorted(
        [(NFC_NAME, "Dinás"), (NFC_NAME, "Dinas Pendidikan"), (NFC_NAME + " Jr.", "OPD")]
    )


def test_an_event_title_typed_decomposed_is_stored_composed(logged_in, event):
    from tests.test_staff_events import event_form

    data = event_form(event.region, event.template, title=f"Sosialisasi {NFD_NAME}")
    assert logged_in.post(reverse("staff:event_create"), data).status_code == 302
    assert Event.objects.filter(title=f"Sosialisasi {NFC_NAME}").exists()


def test_kiosk_search_typed_decomposed_finds_a_name_stored_composed(kiosk, open_event):
    make_signatory(open_event, NFC_NAME, "")
    make_signatory(open_event, "Jose Ramirez", "199007232015032004")
    people = kiosk.get("/meja/api/penanda-tangan/", {"q": "Jose\u0301"}).json()["signatories"]
    assert [person["name"] for person in people] == [NFC_NAME]


def test_kiosk_search_finds_a_name_stored_decomposed_before_names_were_normalised(
    kiosk, open_event
):
    make_signatory(open_event, NFD_NAME, "")
    people = kiosk.get("/meja/api/penanda-tangan/", {"q": "José"}).json()["signatories"]
    assert [person["name"] for person in people] == [NFD_NAME]


def test_admin_signatory_search_matches_either_spelling(client, superuser, open_event):
    make_signatory(open_event, NFC_NAME, "")
    make_signatory(open_event, unicodedata.normalize("NFD", "Dewi Lestari Ámbar"), VALID_NIP)
    client.force_login(superuser)
    url = reverse("admin:pledges_signatory_changelist")
    page = client.get(url, {"q": "Jose\u0301"}).content.decode()
    assert NFC_NAME in page
    page = client.get(url, {"q": "Ámbar"}).content.decode()
    assert "Lestari" in page and NFC_NAME not in page


def test_editing_an_unsigned_name_stored_decomposed_stores_it_composed(logged_in, open_event):
    old = make_signatory(open_event, NFD_NAME, "", category="non_asn")
    url = reverse("staff:signatory_edit", args=[open_event.pk, old.pk])
    data = person(full_name=old.full_name, nip="", category="non_asn", position="Staf")
    assert logged_in.post(url, data).status_code == 302
    old.refresh_from_db()
    assert (old.full_name, old.position) == (NFC_NAME, "Staf")


# --- invisible, control and bidirectional characters ----------------------------------


@pytest.mark.parametrize("char", REFUSED.keys(), ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_a_name_with_an_invisible_or_control_character_is_refused_naming_it(event, char):
    with pytest.raises(PledgeError) as error:
        register_signatory(
            event, full_name=f"Budi{char}Santoso", position="Staf", category="non_asn"
        )
    assert error.value.code == Code.TEXT_INVALID
    assert error.value.message.startswith("Nama lengkap berisi ")
    assert REFUSED[char] in error.value.message and "huruf ke-5" in error.value.message
    assert not Signatory.objects.exists()


@pytest.mark.parametrize("field", ["position", "agency"])
def test_position_and_agency_refuse_invisible_characters_too(event, field):
    fields = {"full_name": "Budi", "position": "Staf", "agency": "", "category": "non_asn"}
    with pytest.raises(PledgeError) as error:
        register_signatory(event, **{**fields, field: "Dinas\u200bPendidikan"})
    assert error.value.code == Code.TEXT_INVALID
    assert not Signatory.objects.exists()


def test_staff_form_refuses_a_reversed_name_on_its_field_and_saves_nothing(logged_in, event):
    url = reverse("staff:signatory_add", args=[event.pk])
    page = logged_in.post(url, person(full_name="\u202eiduB")).content.decode()
    assert "Nama lengkap berisi karakter pengatur arah teks" in page and "U+202E" in page
    page = logged_in.post(url, person(full_name="Budi\u200b")).content.decode()
    assert "U+200B ZERO WIDTH SPACE" in page
    assert not Signatory.objects.exists()


def test_staff_form_refuses_an_invisible_character_when_editing(logged_in, open_event):
    signatory = make_signatory(open_event, "Dewi Lestari", "")
    url = reverse("staff:signatory_edit", args=[open_event.pk, signatory.pk])
    page = logged_in.post(url, person(full_name="Dewi\u2060Lestari", nip="")).content.decode()
    assert "U+2060 WORD JOINER" in page
    signatory.refresh_from_db()
    assert signatory.full_name == "Dewi Lestari"


def test_staff_form_does_not_drop_a_control_character_at_the_end_of_a_name(logged_in, event):
    url = reverse("staff:signatory_add", args=[event.pk])
    page = logged_in.post(url, person(full_name="Dewi\x1f")).content.decode()
    assert "karakter kendali (U+001F)" in page
    assert not Signatory.objects.exists()


@pytest.mark.parametrize("name", ["Budi\u202eotnaS", "Budi\u200bSantoso", "Budi\ufeff"])
def test_kiosk_walk_in_refuses_an_invisible_character_and_registers_nobody(kiosk, name):
    response = walk_in(kiosk, full_name=name)
    assert response.status_code == 422
    assert response.json()["code"] == "text_invalid"
    assert "Nama lengkap berisi" in response.json()["error"]
    assert not Signatory.objects.exists()


def test_import_refuses_a_row_with_an_invisible_character_and_saves_nothing(logged_in, event):
    page, committed = import_csv(logged_in, event, "Budi\u202eotnaS,,Staf,non_asn,OPD,")
    assert "0 sah" in page and "U+202E" in page
    refused = logged_in.get(committed["Location"]).content.decode()
    assert "1 baris bermasalah; tidak ada yang disimpan." in refused
    assert not Signatory.objects.exists()


def test_admin_refuses_an_invisible_character_in_a_name(client, superuser, event):
    client.force_login(superuser)
    data = {**person(full_name="Budi\u200dSantoso"), "event": event.pk, "nip": ""}
    data.update(category="non_asn", registration="pre_registered")
    response = client.post(reverse("admin:pledges_signatory_add"), data)
    assert response.status_code == 200
    assert "U+200D ZERO WIDTH JOINER" in response.content.decode()
    assert not Signatory.objects.exists()


def test_staff_event_form_refuses_an_invisible_character_in_the_title(logged_in, event):
    from tests.test_staff_events import event_form

    data = event_form(event.region, event.template, title="Sosialisasi\u202e ASN")
    page = logged_in.post(reverse("staff:event_create"), data).content.decode()
    assert "U+202E" in page
    assert Event.objects.count() == 1


def test_line_breaks_and_odd_spaces_between_words_become_one_space(event):
    signatory = register_signatory(
        event,
        full_name="  Dewi\u00a0\u00a0Lestari\n S.STP.\u3000",
        position="Camat\tGadingrejo",
        category="non_asn",
    )
    assert (signatory.full_name, signatory.position) == ("Dewi Lestari S.STP.", "Camat Gadingrejo")


@given(st.text(st.characters(exclude_categories=["Cs"])))
def test_any_text_is_stored_as_visible_nfc_words_or_refused_with_its_reason(text):
    try:
        cleaned = clean_text(text, "nama lengkap")
    except PledgeError as error:
        assert error.code == Code.TEXT_INVALID
        assert error.message.startswith("Nama lengkap berisi ") and "U+" in error.message
    else:
        assert unicodedata.is_normalized("NFC", cleaned)
        assert cleaned == " ".join(cleaned.split())
        assert not any(unicodedata.category(char) in ("Cc", "Cf", "Co", "Cn") for char in cleaned)
        assert clean_text(cleaned, "nama lengkap") == cleaned
