"""Staff add, edit and remove signatories by hand."""

import pytest
from django.urls import reverse

from pledges.errors import PledgeError
from pledges.models import AuditEntry, Signatory
from pledges.services.signatories import register_signatory
from tests.conftest import VALID_NIP, make_signatory, make_signature


@pytest.fixture
def logged_in(client, staff):
    client.force_login(staff)
    return client


def person(**overrides):
    data = {
        "full_name": "Dewi Lestari, S.STP.",
        "nip": "19860411 200801 2 002",
        "position": "Camat Gadingrejo",
        "category": "camat",
        "agency": "Kecamatan Gadingrejo",
        "led_region": "35.75.01",
    }
    return {**data, **overrides}


def test_staff_add_a_camat_with_a_kecamatan_of_the_event_region(logged_in, event):
    response = logged_in.post(reverse("staff:signatory_add", args=[event.pk]), person())
    assert response.status_code == 302
    signatory = Signatory.objects.get()
    assert signatory.nip == "198604112008012002"
    assert signatory.led_region_id == "35.75.01"
    assert signatory.registration == Signatory.Registration.PRE_REGISTERED
    assert AuditEntry.objects.filter(object_type="Signatory", action="create").exists()
    page = logged_in.get(event.get_absolute_url()).content.decode()
    assert "Dewi Lestari" in page and "19860411 200801 2 002" in page


def test_bad_nip_is_explained_and_nothing_saved(logged_in, event):
    page = logged_in.post(
        reverse("staff:signatory_add", args=[event.pk]), person(nip="198613412008012002")
    ).content.decode()
    assert "bukan tanggal lahir yang sah" in page
    assert not Signatory.objects.exists()


def test_camat_must_lead_a_kecamatan(logged_in, event):
    url = reverse("staff:signatory_add", args=[event.pk])
    page = logged_in.post(url, person(led_region="")).content.decode()
    assert "Pilih wilayah yang dipimpin camat ini." in page
    page = logged_in.post(url, person(led_region="35.75.01.1001")).content.decode()
    assert "bukan kecamatan di Kota Pasuruan" in page
    assert not Signatory.objects.exists()


def test_lurah_leads_a_kelurahan_and_others_lead_nothing(event):
    with pytest.raises(PledgeError) as error:
        register_signatory(
            event, full_name="X", position="Sekda", category="sekda", led_region=event.region
        )
    assert error.value.code == "region_not_allowed"
    from pledges.models import Region

    lurah = register_signatory(
        event,
        full_name="Yuliana",
        position="Lurah Krapyakrejo",
        category="lurah",
        led_region=Region.objects.get(code="35.75.01.1001"),
    )
    assert lurah.led_region.name == "Krapyakrejo"


def test_kelurahan_outside_the_event_region_is_refused(event, gorontalo):
    from pledges.models import Region

    village = Region.objects.create(
        code="75.71.01.1001", name="Dembe I", level="village", parent_id="75.71.01"
    )
    with pytest.raises(PledgeError) as error:
        register_signatory(
            event, full_name="Y", position="Lurah", category="lurah", led_region=village
        )
    assert error.value.code == "region_outside"


def test_duplicate_nip_in_the_event_is_refused(logged_in, event):
    make_signatory(event, nip="198604112008012002")
    page = logged_in.post(reverse("staff:signatory_add", args=[event.pk]), person()).content
    assert "sudah terdaftar pada kegiatan ini" in page.decode()
    assert Signatory.objects.count() == 1


def test_unsigned_signatory_can_be_edited(logged_in, event):
    signatory = make_signatory(event, full_name="Salah Ketik", nip="")
    url = reverse("staff:signatory_edit", args=[event.pk, signatory.pk])
    assert "Salah Ketik" in logged_in.get(url).content.decode()
    data = person(full_name="Nama Benar", category="sekda", led_region="", nip=VALID_NIP)
    assert logged_in.post(url, data).status_code == 302
    signatory.refresh_from_db()
    assert (signatory.full_name, signatory.nip, signatory.category) == (
        "Nama Benar",
        VALID_NIP,
        "sekda",
    )


def test_signed_signatory_can_be_neither_edited_nor_removed(logged_in, signatory):
    make_signature(signatory)
    event = signatory.event
    edit = reverse("staff:signatory_edit", args=[event.pk, signatory.pk])
    page = logged_in.post(edit, person(category="sekda", led_region="")).content.decode()
    assert "sudah menandatangani" in page
    response = logged_in.post(
        reverse("staff:signatory_delete", args=[event.pk, signatory.pk]), follow=True
    )
    assert "sudah menandatangani" in response.content.decode()
    signatory.refresh_from_db()
    assert signatory.full_name == "Rudiyanto" and signatory.category == "sekda"
    assert "Ubah</a>" not in logged_in.get(event.get_absolute_url()).content.decode()


def test_unsigned_signatory_is_removed_after_confirmation(logged_in, event):
    signatory = make_signatory(event)
    url = reverse("staff:signatory_delete", args=[event.pk, signatory.pk])
    assert "Hapus Rudiyanto" in logged_in.get(url).content.decode()
    logged_in.post(url)
    assert not Signatory.objects.filter(pk=signatory.pk).exists()
    assert AuditEntry.objects.filter(object_type="Signatory", action="delete").exists()


def test_signatory_of_another_event_is_not_reachable_through_this_one(logged_in, event, unit):
    from tests.conftest import make_event

    other = make_event(unit, event.region, event.template, title="Lain")
    signatory = make_signatory(other)
    url = reverse("staff:signatory_edit", args=[event.pk, signatory.pk])
    assert logged_in.get(url).status_code == 404
