"""A template speaks for one person on a pakta integritas and for everyone on a deklarasi."""

import re
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from pledges.errors import PledgeError
from pledges.models import Document, Event, PledgeTemplate
from pledges.models.templates import pledge_text, sha256_hex
from pledges.services.documents import make_document
from pledges.services.events import open_event
from pledges.services.integrity import check_frozen_pledges
from pledges.services.templates import create_template, revise_template
from tests.conftest import make_event, make_signatory, make_signature


def pdf_text(document) -> str:
    with document.file.open("rb") as handle:
        pages = PdfReader(BytesIO(handle.read())).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


@pytest.fixture
def pakta_template(db):
    return PledgeTemplate.objects.get(slug="pakta-integritas-netralitas-asn", is_current=True)


@pytest.fixture
def signed(unit, pasuruan, pakta_template):
    event = open_event(make_event(unit, pasuruan, pakta_template))
    for name in ("Rudiyanto", "Adi Wibowo"):
        make_signature(make_signatory(event, name, nip=""))
    return event


def test_individual_pakta_integritas_states_the_signer_once_in_the_first_person(signed):
    signatory = signed.signatories.get(full_name="Rudiyanto")
    document = make_document(signed, Document.Kind.PAKTA_INTEGRITAS, signatory)
    text = pdf_text(document)
    assert text.count("yang bertanda tangan di bawah ini") == 1
    assert "Saya yang bertanda tangan di bawah ini, sebagai Aparatur Sipil Negara" in text
    assert "pakta integritas ini saya buat" in text
    assert not re.search(r"\bkami\b", text, re.IGNORECASE)
    # Who "saya" is stands under the signature: name and position.
    assert text.index("Rudiyanto") > text.index("pakta integritas ini saya buat")
    assert "Sekretaris Daerah" in text


def test_collective_deklarasi_speaks_for_everyone_who_signed(signed):
    document = make_document(signed, Document.Kind.DEKLARASI)
    text = pdf_text(document)
    assert "Kami yang bertanda tangan di bawah ini, sebagai Aparatur Sipil Negara" in text
    assert "pakta integritas ini kami buat" in text and "kami bersedia" in text
    assert not re.search(r"\bsaya\b", text, re.IGNORECASE)


def test_tablet_shows_the_individual_form(kiosk):
    page = kiosk.get("/meja/").content.decode()
    assert "Saya, Aparatur Sipil Negara yang bertanda tangan di bawah ini" in page
    assert "Kami, Aparatur Sipil Negara" not in page


def test_both_forms_are_frozen_and_hashed_on_opening(event, template):
    opened = open_event(event)
    forms = opened.frozen_pledge["forms"]
    assert forms["individual"]["opening"] == template.individual_opening
    assert forms["collective"]["closing"] == template.closing
    assert template.individual_opening in opened.frozen_pledge_text
    assert template.opening in opened.frozen_pledge_text
    assert opened.frozen_pledge_sha256 == sha256_hex(opened.frozen_pledge_text)
    revise_template(template, individual_opening="Saya, pegawai, berikrar untuk:")
    opened.refresh_from_db()
    assert opened.frozen_pledge["forms"]["individual"]["opening"] == template.individual_opening
    opened.frozen_pledge = {**opened.frozen_pledge, "forms": {**forms, "individual": {}}}
    with pytest.raises(PledgeError) as error:
        opened.save()
    assert error.value.code == "pledge_frozen"


def test_an_event_frozen_before_forms_keeps_its_text_hash_and_wording(open_event):
    legacy = {
        "kind": "ikrar",
        "title": "Ikrar lama",
        "opening": "Kami, ASN yang bertanda tangan di bawah ini, berikrar:",
        "points": ["Netral."],
        "closing": "Demikian ikrar ini kami ucapkan.",
        "template": "lama@v1",
    }
    text = "Ikrar lama\n\n" + legacy["opening"] + "\n\n1. Netral.\n\n" + legacy["closing"] + "\n"
    assert pledge_text(legacy) == text
    Event.objects.filter(pk=open_event.pk).update(
        frozen_pledge=legacy, frozen_pledge_text=text, frozen_pledge_sha256=sha256_hex(text)
    )
    assert list(check_frozen_pledges()) == []
    make_signature(make_signatory(Event.objects.get(pk=open_event.pk)))
    document = make_document(Event.objects.get(pk=open_event.pk), Document.Kind.DEKLARASI)
    assert legacy["opening"] in pdf_text(document)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("opening", "Saya yang bertanda tangan di bawah ini menyatakan:", "“Saya”"),
        ("individual_opening", "Kami menyatakan:", "“Kami”"),
        ("closing", "Demikian pernyataan ini saya buat.", "“saya”"),
        ("individual_closing", "Demikian deklarasi ini kami buat.", "“kami”"),
        ("individual_opening", "Yang bertanda tangan di bawah ini:", "sebagai “saya”"),
        ("individual_opening", "", "wajib diisi"),
    ],
)
def test_the_service_refuses_a_form_that_speaks_for_the_wrong_people(
    superuser, field, value, message
):
    content = {
        "slug": "ikrar-uji",
        "kind": "deklarasi",
        "title": "Deklarasi uji",
        "opening": "Kami menyatakan:",
        "points": ["Menjaga netralitas."],
        "closing": "Demikian deklarasi ini kami buat.",
        "individual_opening": "Saya menyatakan:",
        "individual_closing": "Demikian deklarasi ini saya buat.",
    }
    with pytest.raises(PledgeError) as error:
        create_template(superuser, **{**content, field: value})
    assert error.value.code == "template_wording" and message in error.value.message
    assert not PledgeTemplate.objects.filter(slug="ikrar-uji").exists()
    create_template(superuser, **content)  # the same, worded right, is made


def test_a_point_saying_kami_is_refused_on_revision(template):
    with pytest.raises(PledgeError) as error:
        revise_template(template, points=["Kami menolak politik uang."])
    assert error.value.code == "template_wording" and "Butir 1" in error.value.message
    assert PledgeTemplate.objects.filter(slug=template.slug).count() == 1


def test_the_admin_refuses_a_one_person_text_for_the_collective_form(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:pledges_pledgetemplate_add"),
        {
            "unit": "",
            "slug": "deklarasi-salah",
            "kind": "deklarasi",
            "title": "Deklarasi salah",
            "individual_opening": "Saya yang bertanda tangan di bawah ini menyatakan:",
            "opening": "Saya yang bertanda tangan di bawah ini menyatakan:",
            "points": "Menjaga netralitas.",
            "individual_closing": "Demikian deklarasi ini saya buat.",
            "closing": "Demikian deklarasi ini saya buat.",
            "source": "",
        },
    )
    assert response.status_code == 200
    assert "Kalimat pembuka bentuk bersama memuat “Saya”" in response.content.decode()
    assert not PledgeTemplate.objects.filter(slug="deklarasi-salah").exists()


def test_opening_refuses_a_template_whose_forms_were_written_around_the_rules(event, template):
    PledgeTemplate.objects.filter(pk=template.pk).update(opening="Saya berikrar untuk:")
    with pytest.raises(PledgeError) as error:
        open_event(event)
    assert error.value.code == "template_wording"
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT and not event.frozen_pledge
