"""One audit writer: every entry, a kiosk signature's included, holds what `entry_values` gives."""

import pytest
from django.db import connection

from pledges.core.dates import local_text
from pledges.db import signatures
from pledges.models import AuditEntry, Signature
from pledges.rendering.ink import ink_sha256
from pledges.services import audit
from tests.test_signing import post, submission

PATHS = ["one statement", "transaction"]


@pytest.fixture(params=PATHS)
def storage_path(request, monkeypatch):
    """Each way `store_signature` can store: one statement (PostgreSQL only) or a transaction."""
    if request.param == "one statement" and connection.vendor != "postgresql":
        pytest.skip("a data-modifying WITH is PostgreSQL's")
    if request.param == "transaction":
        monkeypatch.setattr(signatures, "ONE_STATEMENT", {})
    return request.param


def test_a_kiosk_signature_is_audited_exactly_as_entry_values_says(kiosk, signatory, storage_path):
    body = submission(signatory)
    assert post(kiosk, body, REMOTE_ADDR="10.1.2.3").status_code == 200
    signature = Signature.objects.select_related("signatory").get(signatory=signatory)
    entry = AuditEntry.objects.get(action="sign")
    with audit.acting_as(None, kiosk.station):
        expected = audit.entry_values(
            "sign",
            signature,
            changes={
                "station": kiosk.station.label,
                "signatory": signatory.pk,
                "signed_at": signature.signed_at,
                "client_ip": "10.1.2.3",
                "idempotency_key": body["idempotency_key"],
                "canvas": [800, 320],
                "pledge_sha256": signatory.event.frozen_pledge_sha256,
                "ink_sha256": ink_sha256(signature.ink),
            },
            at=signature.signed_at,
        )
    for column, value in expected.items():
        assert getattr(entry, column) == value, column
    # Named as the admin names a signature: on its event's clock.
    assert (
        entry.object_repr
        == f"Rudiyanto — {local_text(signature.signed_at, signatory.event.region_id, 'short')}"
    )
    assert (entry.object_id, entry.event_id) == (str(signature.pk), signatory.event_id)


def test_a_refused_signature_writes_no_entry_on_either_path(kiosk, signatory, storage_path):
    assert post(kiosk, submission(signatory)).status_code == 200
    assert post(kiosk, submission(signatory)).json()["code"] == "already_signed"
    assert post(kiosk, submission(signatory, signatory_id=signatory.pk + 99)).status_code == 404
    assert AuditEntry.objects.filter(action="sign").count() == 1


def test_every_other_entry_holds_what_entry_values_gives(staff, signatory):
    from pledges.services.events import close_event

    with audit.acting_as(staff):
        close_event(signatory.event)
        expected = audit.entry_values("close", signatory.event)
    entry = AuditEntry.objects.get(action="close")
    for column, value in expected.items():
        if column != "at":
            assert getattr(entry, column) == value, column
    assert abs(entry.at - expected["at"]).total_seconds() < 5
