"""The audit trail is a hash chain per event: a rewrite of history is found and named."""

import threading
import uuid
from datetime import timedelta
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from pledges.core.chain import short_hash
from pledges.models import AuditChain, AuditEntry, Document, Event, Signatory
from pledges.services import audit
from pledges.services.documents import make_document
from pledges.services.events import close_event
from pledges.services.personal_data import purge_event_personal_data
from pledges.services.trail import check_audit_chains
from tests.conftest import bind_client, make_event, make_signatory, make_signature, make_strokes


def verify() -> tuple[bool, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_integrity", stdout=out, stderr=err)
    except CommandError as error:
        return False, err.getvalue() + str(error)
    return True, out.getvalue()


def raw_sql(sql, params):
    # Whoever holds the database: no model, no signal, no trigger in the way.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def signed_event(open_event, count=3):
    for number in range(count):
        make_signature(make_signatory(open_event, f"Penanda Tangan {number}", nip=""))
    return open_event


def test_each_entry_carries_the_hash_of_the_one_before_it(open_event):
    event = signed_event(open_event)
    entries = list(AuditEntry.objects.filter(chain=event.pk).order_by("seq"))
    assert [entry.seq for entry in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == "0" * 64
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.prev_hash == before.hash
    head = AuditChain.objects.get(pk=event.pk)
    assert (head.length, head.head) == (len(entries), entries[-1].hash)
    assert verify()[0]


@pytest.mark.parametrize(
    ("column", "value", "what"),
    [
        ("object_repr", "Orang lain", "label atau perubahan"),
        ("action", "delete", "tindakan"),
        ("actor_id", 999, "pelaku"),
        ("at", "2020-01-01T00:00:00+00:00", "waktu"),
    ],
)
def test_verify_integrity_names_the_entry_rewritten_behind_the_apps_back(
    open_event, column, value, what
):
    event = signed_event(open_event)
    victim = AuditEntry.objects.filter(chain=event.pk).order_by("seq")[2]
    raw_sql(f"UPDATE pledges_auditentry SET {column} = %s WHERE id = %s", [value, victim.pk])
    ok, report = verify()
    assert not ok
    assert f"entri #{victim.pk} (urutan 3, " in report and what in report
    assert "1 masalah ditemukan" in report  # the first broken link, not every one after it


def test_a_deleted_entry_and_a_cut_off_end_are_found(open_event):
    event = signed_event(open_event)
    entries = list(AuditEntry.objects.filter(chain=event.pk).order_by("seq"))
    raw_sql("DELETE FROM pledges_auditentry WHERE id = %s", [entries[1].pk])
    ok, report = verify()
    assert not ok and f"entri #{entries[2].pk} (urutan 3, " in report
    assert "seharusnya 2" in report

    raw_sql("DELETE FROM pledges_auditentry WHERE chain = %s AND seq > 1", [event.pk])
    ok, report = verify()
    assert not ok and f"ujung rantai mencatat {len(entries)} entri, ditemukan 1" in report


def test_bulk_entries_of_an_import_join_the_same_chain(open_event):
    people = [make_signatory(open_event, f"Impor {n}", nip="") for n in range(3)]
    audit.record_many("create", people)
    audit.record("update", open_event, note="sesudah impor")
    entries = AuditEntry.objects.filter(chain=open_event.pk)
    assert entries.filter(action="create", object_type="Signatory").count() == 6
    assert sorted(entries.values_list("seq", flat=True)) == list(range(1, entries.count() + 1))
    assert list(check_audit_chains()) == []


def test_entries_outside_events_have_their_own_chain(superuser, unit):
    audit.record("update", unit, note="satu")
    audit.record("update", unit, note="dua")
    outside = AuditEntry.objects.filter(chain=0).order_by("seq")
    assert outside.count() >= 2 and outside.last().prev_hash == outside[outside.count() - 2].hash
    assert list(check_audit_chains()) == []


def test_purge_erases_personal_data_and_the_chain_still_verifies(open_event, settings):
    event = signed_event(open_event)
    close_event(event)
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    purge_event_personal_data(event, now=timezone.now() + timedelta(days=31))
    erased = AuditEntry.objects.filter(chain=event.pk, object_type="Signature")
    assert erased.exists()
    assert all(entry.object_repr == "(data pribadi dihapus)" for entry in erased)
    assert not erased.filter(object_repr__contains="Penanda Tangan").exists()
    assert list(check_audit_chains()) == []
    assert verify()[0]
    # Another label rewritten the same way, outside a purged event, is still caught.
    other = AuditEntry.objects.filter(chain=0).first()
    raw_sql(
        "UPDATE pledges_auditentry SET object_repr = %s, changes = %s WHERE id = %s",
        ["(data pribadi dihapus)", "{}", other.pk],
    )
    assert any(f"entri #{other.pk} " in problem for problem in check_audit_chains())


def test_deklarasi_prints_the_chain_head_at_sealing_and_the_page_notices_a_rewrite(
    client, open_event
):
    event = signed_event(open_event)
    document = make_document(event, Document.Kind.DEKLARASI)
    assert document.status == Document.Status.READY, document.error
    # The head as it was when the PDF was drawn: the document's own row had just been made.
    head = AuditEntry.objects.get(chain=event.pk, seq=document.audit_length)
    assert (head.object_type, head.action, head.hash) == ("Document", "create", document.audit_head)
    assert AuditChain.objects.get(pk=event.pk).length > document.audit_length  # "pdf" came after
    with document.file.open("rb") as handle:
        text = " ".join(
            page.extract_text() for page in PdfReader(BytesIO(handle.read())).pages
        ).replace("\n", " ")
    assert f"Jejak audit kegiatan ini saat disegel: {head.seq} entri" in text
    assert short_hash(head.hash) in text
    page = client.get(document.verification_path()).content.decode()
    assert head.hash in page and "masih memuat titik ini" in page

    # History rewritten and re-hashed from that point on: the page no longer finds it.
    raw_sql(
        "UPDATE pledges_auditentry SET hash = %s WHERE chain = %s AND seq = %s",
        ["f" * 64, event.pk, head.seq],
    )
    page = client.get(document.verification_path()).content.decode()
    assert "tidak lagi memuat titik ini" in page
    ok, report = verify()
    assert not ok and f"Dokumen #{document.pk}: jejak audit kegiatan #{event.pk}" in report


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_on_postgresql_make_one_unbroken_chain(unit, pasuruan, template):
    if connection.vendor == "sqlite":
        pytest.skip("row locks between real connections need PostgreSQL")
    from pledges.services.events import open_event

    event = open_event(make_event(unit, pasuruan, template))
    people = [make_signatory(event, f"Peserta {n}", nip="") for n in range(24)]
    tablets = [Client() for _ in range(6)]
    for number, tablet in enumerate(tablets, 1):
        bind_client(tablet, event, f"Meja {number}")
    barrier = threading.Barrier(len(tablets) + 2)
    statuses = []

    def sign(tablet, mine):
        barrier.wait()
        try:
            for person in mine:
                body = {
                    "idempotency_key": str(uuid.uuid4()),
                    "signatory_id": person.pk,
                    "strokes": make_strokes(),
                    "pledge_sha256": event.frozen_pledge_sha256,
                    "canvas_width": 800,
                    "canvas_height": 320,
                }
                response = tablet.post(
                    "/meja/api/tanda-tangan/", body, content_type="application/json"
                )
                statuses.append(response.status_code)
        finally:
            connection.close()

    def note(number):
        barrier.wait()
        try:
            for step in range(15):
                audit.record("update", Event(pk=event.pk, title="x"), event=event, step=step)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=sign, args=(tablet, people[n :: len(tablets)]))
        for n, tablet in enumerate(tablets)
    ] + [threading.Thread(target=note, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * len(people)
    assert Signatory.objects.filter(event=event, signature__isnull=False).count() == len(people)
    entries = AuditEntry.objects.filter(chain=event.pk)
    assert entries.filter(action="sign").count() == len(people)
    assert sorted(entries.values_list("seq", flat=True)) == list(range(1, entries.count() + 1))
    assert list(check_audit_chains()) == []
