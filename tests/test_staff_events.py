"""Staff create, edit, open, close and delete events in the browser pages."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from pledges.models import Event, Signatory
from tests.conftest import make_event, make_signatory, make_signature


@pytest.fixture
def logged_in(client, staff):
    client.force_login(staff)
    return client


def event_form(region, template, **overrides):
    data = {
        "kind": "sosialisasi",
        "title": "Sosialisasi Netralitas ASN Kota Gorontalo",
        "election": "Pemilihan Serentak 2024",
        "start_date": "2024-09-21",
        "start_time": "09:00",
        "venue": "Aula Kantor Wali Kota",
        "region": region.code,
        "template": template.pk,
        "chair_name": "Ketua Bawaslu",
        "reader_name": "Sekretaris Daerah",
        "allow_walk_ins": "on",
    }
    return {**data, **overrides}


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("staff:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_in_indonesian_and_logs_in(client, staff):
    page = client.get(reverse("login")).content.decode()
    assert "Masuk petugas" in page and "Nama pengguna" in page
    response = client.post(reverse("login"), {"username": "petugas", "password": "rahasia-uji-123"})
    assert response.status_code == 302
    assert client.get(reverse("staff:home")).status_code == 200


def test_home_lists_own_and_lower_units_events_newest_first_with_counts(
    logged_in, unit, other_unit, pasuruan, gorontalo, template
):
    older = make_event(unit, pasuruan, template, title="Kegiatan lama")
    newer = make_event(
        unit,
        pasuruan,
        template,
        title="Kegiatan baru",
        starts_at=datetime(2024, 10, 1, 9, tzinfo=ZoneInfo("Asia/Jakarta")),
    )
    make_event(other_unit, gorontalo, template, title="Kegiatan Gorontalo")
    from pledges.services.events import open_event

    open_event(newer)
    make_signature(make_signatory(newer))
    make_signatory(newer, full_name="Belum", nip="")
    page = logged_in.get(reverse("staff:home")).content.decode()
    assert "Kegiatan Gorontalo" not in page and "Kota Gorontalo" not in page
    assert page.index("Kegiatan baru") < page.index("Kegiatan lama")
    assert "1 / 2" in page and "0 / 0" in page
    assert older.title in page


def test_home_filters_by_status_and_region(logged_in, unit, pasuruan, template):
    from pledges.services.events import open_event

    make_event(unit, pasuruan, template, title="Masih draf")
    open_event(make_event(unit, pasuruan, template, title="Sudah dibuka"))
    page = logged_in.get(reverse("staff:home"), {"status": "open"}).content.decode()
    assert "Sudah dibuka" in page and "Masih draf" not in page
    page = logged_in.get(reverse("staff:home"), {"region": "35.75"}).content.decode()
    assert "Sudah dibuka" in page and "Masih draf" in page


def test_create_event_in_wita_region_stores_and_shows_local_time(
    client, other_staff, gorontalo, template
):
    logged_in = client
    logged_in.force_login(other_staff)
    response = logged_in.post(reverse("staff:event_create"), event_form(gorontalo, template))
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    assert event.unit == other_staff.unit and event.created_by == other_staff
    assert event.status == Event.Status.DRAFT
    # 09.00 WITA is 01.00 UTC.
    assert event.starts_at == datetime(2024, 9, 21, 1, 0, tzinfo=ZoneInfo("UTC"))
    page = logged_in.get(event.get_absolute_url()).content.decode()
    assert "Sabtu, 21 September 2024 09.00 WITA" in page
    edit = logged_in.get(reverse("staff:event_edit", args=[event.pk])).content.decode()
    assert 'value="09:00"' in edit and 'value="2024-09-21"' in edit


def test_event_form_explains_missing_fields_in_indonesian(logged_in, gorontalo, template):
    data = {**event_form(gorontalo, template), "title": "", "region": "", "start_time": "25:00"}
    page = logged_in.post(reverse("staff:event_create"), data).content.decode()
    assert "Bidang ini tidak boleh kosong." in page
    assert "Masukkan waktu yang valid." in page
    assert not Event.objects.exists()


def test_region_search_finds_regencies_for_logged_in_staff_only(client, staff, pasuruan):
    url = reverse("staff:region_search")
    assert client.get(url, {"q": "pasur"}).status_code == 302
    client.force_login(staff)
    page = client.get(url, {"q": "pasur"}).content.decode()
    assert 'value="35.75"' in page and "Kota Pasuruan" in page
    assert "Gadingrejo" not in page  # kecamatan are not offered
    assert "Tidak ada" in client.get(url, {"q": "zzz"}).content.decode()
    # The region already chosen stays chosen while the person searches on.
    page = client.get(url, {"q": "zzz", "region": "35.75"}).content.decode()
    assert '<option value="35.75" selected>' in page


def test_template_preview_shows_every_point(logged_in, template):
    page = logged_in.get(reverse("staff:template_preview"), {"template": template.pk})
    text = page.content.decode()
    for point in template.points:
        assert point in text


def test_editing_a_draft_changes_its_details(logged_in, event, pasuruan, template):
    data = event_form(pasuruan, template, venue="Gedung Gradhika", start_time="13:30")
    response = logged_in.post(reverse("staff:event_edit", args=[event.pk]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.venue == "Gedung Gradhika"
    assert event.local_starts_at.strftime("%H:%M") == "13:30"


def test_open_event_cannot_change_template(logged_in, open_event, pasuruan):
    from pledges.models import PledgeTemplate

    other = PledgeTemplate.objects.exclude(pk=open_event.template_id).filter(is_current=True)[0]
    data = event_form(pasuruan, other, title="Judul baru")
    logged_in.post(reverse("staff:event_edit", args=[open_event.pk]), data)
    open_event.refresh_from_db()
    # The template field is disabled once the pledge is frozen: the rest is saved.
    assert open_event.template_id != other.pk and open_event.title == "Judul baru"


def test_open_and_close_ask_for_confirmation_first(logged_in, event):
    url = reverse("staff:event_open", args=[event.pk])
    page = logged_in.get(url).content.decode()
    assert "Teks ikrar akan dibekukan" in page
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT
    logged_in.post(url)
    event.refresh_from_db()
    assert event.status == Event.Status.OPEN and event.frozen_pledge_sha256
    logged_in.post(reverse("staff:event_close", args=[event.pk]))
    event.refresh_from_db()
    assert event.status == Event.Status.CLOSED


def test_closed_event_accepts_no_edit_and_no_signatory(logged_in, open_event, pasuruan, template):
    from pledges.services.events import close_event

    close_event(open_event)
    data = event_form(pasuruan, template, title="Diubah setelah ditutup")
    page = logged_in.post(reverse("staff:event_edit", args=[open_event.pk]), data)
    assert "sudah ditutup" in page.content.decode()
    open_event.refresh_from_db()
    assert open_event.title != "Diubah setelah ditutup"
    form = {"full_name": "Terlambat", "position": "Staf", "category": "asn_lainnya"}
    page = logged_in.post(reverse("staff:signatory_add", args=[open_event.pk]), form)
    assert "sudah ditutup" in page.content.decode()
    assert not Signatory.objects.filter(full_name="Terlambat").exists()


def test_event_with_signatures_cannot_be_deleted(logged_in, signatory):
    make_signature(signatory)
    response = logged_in.post(reverse("staff:event_delete", args=[signatory.event_id]), follow=True)
    assert "tidak dapat dihapus" in response.content.decode()
    assert Event.objects.filter(pk=signatory.event_id).exists()


def test_unsigned_event_is_deleted_after_confirmation(logged_in, event):
    make_signatory(event)
    url = reverse("staff:event_delete", args=[event.pk])
    assert "tidak dapat dibatalkan" in logged_in.get(url).content.decode()
    response = logged_in.post(url)
    assert response["Location"] == reverse("staff:home")
    assert not Event.objects.filter(pk=event.pk).exists()


def test_new_event_form_starts_with_the_units_own_kab_kota(logged_in):
    page = logged_in.get(reverse("staff:event_create")).content.decode()
    assert '<option value="35.75" selected>Kota Pasuruan — Jawa Timur</option>' in page


def test_region_search_keeps_the_region_already_chosen(client, staff, pasuruan, gorontalo):
    client.force_login(staff)
    url = reverse("staff:region_search")
    page = client.get(url, {"q": "goron", "region": "35.75"}).content.decode()
    # The chosen Kota Pasuruan stays selected, but below what matches the query.
    assert page.index('value="75.71"') < page.index('value="35.75" selected')
    assert 'value="75.71" selected' not in page
    # On top only when it matches what was typed.
    page = client.get(url, {"q": "kota", "region": "35.75"}).content.decode()
    assert page.index('value="35.75" selected') < page.index('value="75.71"')


def test_home_pages_through_many_events_with_their_counts(logged_in, unit, pasuruan, template):
    from pledges.services.events import close_event, open_event

    for day in range(1, 31):
        make_event(
            unit,
            pasuruan,
            template,
            title=f"Apel {day:02d}",
            starts_at=datetime(2024, 9, day, 8, 0, tzinfo=ZoneInfo("Asia/Jakarta")),
        )
    newest = open_event(Event.objects.get(title="Apel 30"))
    make_signature(make_signatory(newest, "Satu", nip=""))
    make_signatory(newest, "Dua", nip="")
    close_event(newest)

    first = logged_in.get(reverse("staff:home")).content.decode()
    assert "Halaman 1 dari 2 · 30 kegiatan" in first
    assert "Apel 30" in first and "Apel 05" not in first
    assert "1 / 2" in first  # signed / registered of the closed event
    second = logged_in.get(reverse("staff:home"), {"page": 2}).content.decode()
    assert "Apel 05" in second and "Apel 30" not in second


def test_pages_stay_indonesian_for_an_english_browser(logged_in, event):
    page = logged_in.get(
        reverse("staff:event", args=[event.pk]), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    ).content.decode()
    assert "Senin, 23 September 2024" in page and "Monday" not in page
