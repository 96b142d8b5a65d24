"""The invariants the database guards, whoever tries to break them."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import ProtectedError

from pledges.errors import PledgeError
from pledges.models import Event, Signatory, Signature
from pledges.services.events import delete_event
from pledges.services.signatories import register_signatory
from tests.conftest import VALID_NIP, make_signatory, make_signature


def test_second_signature_for_same_signatory_is_refused(signatory):
    make_signature(signatory)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_signature(signatory)
    assert Signature.objects.filter(signatory=signatory).count() == 1


def test_same_nip_cannot_be_registered_twice_in_one_event(signatory):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_signatory(signatory.event, full_name="Orang Lain", nip=VALID_NIP)


def test_register_signatory_explains_duplicate_nip(signatory):
    with pytest.raises(PledgeError) as error:
        register_signatory(
            signatory.event,
            full_name="Orang Lain",
            nip="1980 0512 2005 0110 02",
            position="Camat",
            category="camat",
        )
    assert error.value.code == "nip_duplicate"
    assert "sudah terdaftar" in error.value.message
    assert Signatory.objects.filter(event=signatory.event).count() == 1


def test_same_nip_may_sign_at_another_event(signatory, unit, pasuruan, template):
    from tests.conftest import make_event

    other = make_event(unit, pasuruan, template, title="Apel pagi")
    assert make_signatory(other, nip=VALID_NIP).pk


def test_people_without_nip_are_not_duplicates(open_event):
    make_signatory(open_event, full_name="Tokoh Masyarakat", nip="", category="non_asn")
    make_signatory(open_event, full_name="Tokoh Lain", nip="", category="non_asn")
    assert open_event.signatories.count() == 2


def test_signature_cannot_be_edited_through_the_orm(signatory):
    signature = make_signature(signatory)
    signature.user_agent = "diubah"
    with pytest.raises(PledgeError) as error:
        signature.save()
    assert error.value.code == "signature_immutable"
    with pytest.raises(PledgeError):
        Signature.objects.filter(pk=signature.pk).update(user_agent="diubah")
    signature.refresh_from_db()
    assert signature.user_agent == ""


def test_signature_cannot_be_deleted_through_the_orm(signatory):
    signature = make_signature(signatory)
    with pytest.raises(PledgeError):
        signature.delete()
    with pytest.raises(PledgeError):
        Signature.objects.all().delete()
    with pytest.raises(ProtectedError):
        signatory.delete()
    assert Signature.objects.count() == 1


def test_database_itself_refuses_to_update_a_signature(signatory):
    signature = make_signature(signatory)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE pledges_signature SET svg = '' WHERE id = %s", [signature.pk])
    signature.refresh_from_db()
    assert signature.svg.startswith("<svg")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DELETE trigger is PostgreSQL's")
def test_postgresql_refuses_to_delete_a_signature(signatory):
    signature = make_signature(signatory)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM pledges_signature WHERE id = %s", [signature.pk])
    assert Signature.objects.filter(pk=signature.pk).exists()


def test_event_with_signatures_cannot_be_deleted(signatory):
    make_signature(signatory)
    with pytest.raises(PledgeError) as error:
        delete_event(signatory.event)
    assert error.value.code == "event_has_signatures"
    assert Event.objects.filter(pk=signatory.event.pk).exists()


def test_event_without_signatures_can_be_deleted(signatory):
    delete_event(signatory.event)
    assert not Event.objects.exists()
    assert not Signatory.objects.exists()


def test_open_event_without_frozen_text_is_refused_by_the_database(event):
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(status="open")
