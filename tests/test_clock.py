"""One clock: every time a person reads is in the event's zone, labelled WIB/WITA/WIT.

Two events far from Jakarta: Kota Gorontalo (WITA, UTC+8) and Kota Jayapura
(WIT, UTC+9). Every page that shows one of their times must show it on the
event's clock with its label; what belongs to no event is on the unit's.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from pledges.core.dates import local_text, time_ago
from pledges.models import AuditEntry, BawasluUnit, Document, Event, SigningStation
from pledges.rendering.facts import event_facts, signer_facts
from pledges.services.events import open_event
from pledges.services.exports import export_signatories
from tests.conftest import make_event, make_region, make_signatory, make_signature, make_staff

# 09.00 WITA = 10.00 WIT = 01.00 UTC on Saturday 21 September 2024 (08.00 WIB).
STARTS = datetime(2024, 9, 21, 1, 0, tzinfo=UTC)
SIGNED = STARTS + timedelta(minutes=5)
MADE = STARTS + timedelta(minutes=30)

ZONES = {
    # region code: (label, starts, signed, made, short start)
    "75.71": ("WITA", "Sabtu, 21 September 2024 09.00 WITA", "09.05 WITA", "09.30 WITA"),
    "91.71": ("WIT", "Sabtu, 21 September 2024 10.00 WIT", "10.05 WIT", "10.30 WIT"),
}


@pytest.fixture
def jayapura(db, unit_ri):
    make_region("91", "Papua")
    kota = make_region("91.71", "Kota Jayapura")
    papua = BawasluUnit.objects.create(
        name="Bawaslu Provinsi Papua", level="provinsi", region_id="91", parent=unit_ri
    )
    return BawasluUnit.objects.create(
        name="Bawaslu Kota Jayapura", level="kabkota", region=kota, parent=papua
    )


@pytest.fixture(params=["75.71", "91.71"], ids=["WITA", "WIT"])
def far_event(request, other_unit, jayapura, template):
    """An open event with one signature, a station and a document, far from Jakarta."""
    code = request.param
    unit = other_unit if code == "75.71" else jayapura
    event = open_event(make_event(unit, unit.region, template, starts_at=STARTS))
    signatory = make_signatory(event, "Ramli Lamato")
    station = SigningStation.objects.create(event=event, label="Meja 1", token_sha256="x" * 64)
    SigningStation.objects.filter(pk=station.pk).update(created_at=MADE, last_seen_at=MADE)
    make_signature(signatory, signed_at=SIGNED, station=station)
    document = Document.objects.create(
        event=event, kind="deklarasi", status="ready", file="documents/x.pdf", sha256="0" * 64
    )
    Document.objects.filter(pk=document.pk).update(created_at=MADE)
    AuditEntry.objects.filter(event=event).update(at=MADE)
    event.refresh_from_db()
    return event, ZONES[code]


@pytest.fixture
def its_staff(client, far_event):
    event, _zone = far_event
    client.force_login(make_staff(event.unit, "petugas_jauh"))
    return client


def page(client, name, *args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_one_function_spells_every_style_on_the_regions_clock():
    assert local_text(STARTS, "75.71") == "Sabtu, 21 September 2024 09.00 WITA"
    assert local_text(STARTS, "91.71", "short") == "21 Sep 2024 10.00 WIT"
    assert local_text(STARTS, "75.71", "time") == "09.00 WITA"
    assert local_text(STARTS, "91.71", "stamp") == "2024-09-21 10:00:00 WIT"
    # Bawaslu RI has no region: Jakarta's clock.
    assert local_text(STARTS, None, "time") == "08.00 WIB"
    assert local_text(None, "75.71") == ""


def test_staff_pages_show_the_events_times_on_its_clock(its_staff, far_event):
    event, (label, starts, signed, made) = far_event
    assert starts in page(its_staff, "staff:home")
    detail = page(its_staff, "staff:event", event.pk)
    assert starts in detail and signed in detail
    assert signed in page(its_staff, "staff:progress", event.pk)
    assert f"21 Sep 2024 {made}" in page(its_staff, "staff:stations", event.pk)
    documents = page(its_staff, "staff:event_documents", event.pk)
    assert f"21 Sep 2024 {made}" in documents
    assert "WIB" not in documents


def test_export_and_pdf_facts_use_the_events_clock(far_event):
    event, (label, starts, signed, made) = far_event
    _name, _type, content = export_signatories(event, "csv")
    hour = signed.split()[0].replace(".", ":")
    assert f"2024-09-21 {hour}:00 {label}" in content.decode()
    facts = event_facts(event)
    assert facts["event"]["time"] == starts.rsplit(" ", 2)[1] + f" {label}"
    signer = signer_facts(event.signatories.get(), event.region)
    assert signer["signed_time"] == signed


def test_admin_lists_and_titles_show_the_events_clock(client, superuser, far_event):
    event, (label, starts, signed, made) = far_event
    client.force_login(superuser)
    start_short = f"21 Sep 2024 {starts.rsplit(' ', 2)[1]} {label}"
    events = page(client, "admin:pledges_event_changelist")
    assert start_short in events
    signature = event.signatories.get().signature
    signatures = page(client, "admin:pledges_signature_changelist")
    assert f"21 Sep 2024 {signed}" in signatures
    change = page(client, "admin:pledges_signature_change", signature.pk)
    # The page title and the read-only time: both on the event's clock.
    assert f"<title>Ramli Lamato — 21 Sep 2024 {signed}" in change
    shown = change.split("Ditandatangani pada")[1].split("</div>")[0]
    assert f"21 Sep 2024 {signed}" in shown, shown
    assert f"21 Sep 2024 {made}" in page(client, "admin:pledges_document_changelist")
    assert f"21 Sep 2024 {made}" in page(client, "admin:pledges_signingstation_changelist")
    entry = AuditEntry.objects.filter(event=event).first()
    assert f"21 Sep 2024 {made}" in page(client, "admin:pledges_auditentry_changelist")
    assert f"<title>21 Sep 2024 {made}" in page(client, "admin:pledges_auditentry_change", entry.pk)
    # The event's own change page shows its start as typed there, in its zone.
    form = page(client, "admin:pledges_event_change", event.pk)
    local_hour = starts.rsplit(" ", 2)[1]
    assert f'name="starts_at_1" value="{local_hour}.00"' in form
    assert label in form.split("dibuat")[-1]


def test_admin_reads_a_typed_start_on_the_regions_clock(client, superuser, other_unit, template):
    client.force_login(superuser)
    data = {
        "unit": other_unit.pk,
        "title": "Apel Netralitas",
        "kind": "apel",
        "election": "Pemilihan Serentak 2024",
        "starts_at_0": "21-09-2024",
        "starts_at_1": "09:00:00",
        "venue": "Aula Kantor Wali Kota",
        "region": "75.71",
        "template": template.pk,
        "chair_name": "",
        "reader_name": "",
        "allow_walk_ins": "on",
        "signatories-TOTAL_FORMS": "0",
        "signatories-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:pledges_event_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Event.objects.get(title="Apel Netralitas").starts_at == STARTS


def test_a_contact_a_moment_ago_is_baru_saja():
    now = datetime(2024, 9, 21, 1, 0, 30, tzinfo=UTC)
    assert time_ago(now - timedelta(seconds=20), now) == "baru saja"
    assert time_ago(now - timedelta(minutes=5), now) == "5 menit lalu"
    assert time_ago(now - timedelta(hours=3), now) == "3 jam lalu"


def test_stations_page_never_says_zero_minutes_ago(its_staff, far_event):
    from django.utils import timezone

    event, _zone = far_event
    SigningStation.objects.filter(event=event).update(last_seen_at=timezone.now())
    stations = page(its_staff, "staff:stations", event.pk)
    assert "baru saja" in stations and "0 menit" not in stations


def test_what_belongs_to_no_event_is_on_its_units_clock(client, superuser, other_unit, template):
    from pledges.models import PledgeTemplate
    from tests.conftest import make_unit_template

    own = make_unit_template(other_unit, "ikrar-gorontalo", "Ikrar Gorontalo")
    PledgeTemplate.objects.filter(pk__in=[own.pk, template.pk]).update(created_at=STARTS)
    client.force_login(superuser)
    change = page(client, "admin:pledges_pledgetemplate_change", own.pk)
    assert "21 Sep 2024 09.00 WITA" in change
    # A national template (no unit): Jakarta's clock.
    assert template.unit_id is None
    national = page(client, "admin:pledges_pledgetemplate_change", template.pk)
    assert "21 Sep 2024 08.00 WIB" in national
