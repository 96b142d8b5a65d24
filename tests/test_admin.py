"""Django admin: every page loads, evidence is read-only, staff see only their units."""

import pytest
from django.urls import reverse

from pledges.models import (
    AuditEntry,
    Document,
    Event,
    PledgeTemplate,
    Signatory,
    SigningStation,
)
from tests.conftest import make_event, make_signatory, make_signature


@pytest.fixture
def everything(signatory, staff, pasuruan):
    signature = make_signature(signatory)
    station = SigningStation.objects.create(
        event=signatory.event, label="Meja 1", token_sha256="a" * 64, opened_by=staff
    )
    document = Document.objects.create(event=signatory.event, kind="deklarasi")
    return {
        "region": pasuruan,
        "bawasluunit": signatory.event.unit,
        "user": staff,
        "pledgetemplate": signatory.event.template,
        "event": signatory.event,
        "signatory": signatory,
        "signature": signature,
        "signingstation": station,
        "document": document,
        "auditentry": AuditEntry.objects.first(),
    }


MODELS = [
    "region",
    "bawasluunit",
    "user",
    "pledgetemplate",
    "event",
    "signatory",
    "signature",
    "signingstation",
    "document",
    "auditentry",
]


@pytest.mark.parametrize("model", MODELS)
def test_superuser_sees_changelist_and_change_page_of_every_model(
    client, superuser, everything, model
):
    client.force_login(superuser)
    changelist = client.get(reverse(f"admin:pledges_{model}_changelist"))
    assert changelist.status_code == 200
    obj = everything[model]
    change = client.get(reverse(f"admin:pledges_{model}_change", args=[obj.pk]))
    assert change.status_code == 200
    assert str(obj)[:20] in change.content.decode()


@pytest.mark.parametrize(
    "model", ["region", "bawasluunit", "user", "pledgetemplate", "event", "signatory"]
)
def test_superuser_sees_add_page(client, superuser, model):
    client.force_login(superuser)
    assert client.get(reverse(f"admin:pledges_{model}_add")).status_code == 200


def test_admin_is_in_indonesian(client, superuser):
    client.force_login(superuser)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Kegiatan" in page and "Penanda tangan" in page and "Keluar" in page


def test_signature_is_shown_as_a_picture_and_cannot_be_changed(client, superuser, everything):
    client.force_login(superuser)
    signature = everything["signature"]
    url = reverse("admin:pledges_signature_change", args=[signature.pk])
    page = client.get(url).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    assert 'name="_save"' not in page
    response = client.post(url, {"user_agent": "diubah"})
    assert response.status_code == 403
    delete = client.post(
        reverse("admin:pledges_signature_delete", args=[signature.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403


def test_audit_entries_are_read_only(client, superuser, everything):
    client.force_login(superuser)
    entry = everything["auditentry"]
    assert (
        client.post(reverse("admin:pledges_auditentry_change", args=[entry.pk]), {}).status_code
        == 403
    )
    assert client.get(reverse("admin:pledges_auditentry_add")).status_code == 403


def test_staff_of_one_unit_cannot_see_another_units_events(client, other_staff, everything):
    client.force_login(other_staff)
    event = everything["event"]
    changelist = client.get(reverse("admin:pledges_event_changelist")).content.decode()
    assert event.title not in changelist
    assert client.get(reverse("admin:pledges_event_change", args=[event.pk])).status_code == 302
    for model in ["signatory", "signature", "signingstation", "document", "auditentry"]:
        page = client.get(reverse(f"admin:pledges_{model}_changelist")).content.decode()
        assert "0 " in page or "Rudiyanto" not in page
        obj = everything[model]
        response = client.get(reverse(f"admin:pledges_{model}_change", args=[obj.pk]))
        assert response.status_code == 302, model  # admin redirects a missing object home


def test_staff_see_their_own_units_events(client, staff, everything):
    client.force_login(staff)
    page = client.get(reverse("admin:pledges_event_changelist")).content.decode()
    assert everything["event"].title in page


def test_signatory_is_added_through_the_event_inline_with_nip_validation(client, superuser, event):
    client.force_login(superuser)
    url = reverse("admin:pledges_event_change", args=[event.pk])
    form = {
        "unit": event.unit_id,
        "title": event.title,
        "kind": event.kind,
        "election": event.election,
        "starts_at_0": "2024-09-23",
        "starts_at_1": "09:00:00",
        "venue": event.venue,
        "region": event.region_id,
        "template": event.template_id,
        "allow_walk_ins": "on",
        "signatories-TOTAL_FORMS": "1",
        "signatories-INITIAL_FORMS": "0",
        "signatories-0-full_name": "Camat Gadingrejo",
        "signatories-0-nip": "198005122005131002",
        "signatories-0-position": "Camat",
        "signatories-0-category": "camat",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    assert "bulan 13 tidak ada" in response.content.decode()
    assert not Signatory.objects.exists()
    form["signatories-0-nip"] = "1980 0512 2005 01 1 002"
    assert client.post(url, form).status_code == 302
    assert Signatory.objects.get().nip == "198005122005011002"


def test_editing_a_signed_template_in_admin_makes_a_new_version(client, superuser, everything):
    client.force_login(superuser)
    template = everything["pledgetemplate"]
    response = client.post(
        reverse("admin:pledges_pledgetemplate_change", args=[template.pk]),
        {
            "kind": template.kind,
            "title": template.title,
            "opening": template.opening,
            "individual_opening": template.individual_opening,
            "points": "Butir satu.\nButir dua.",
            "closing": template.closing,
            "individual_closing": template.individual_closing,
            "source": "",
        },
    )
    assert response.status_code == 302
    versions = PledgeTemplate.objects.filter(slug=template.slug).order_by("version")
    assert [v.version for v in versions] == [1, 2]
    assert len(versions[0].points) == 4 and versions[1].points == ["Butir satu.", "Butir dua."]


def test_open_action_freezes_the_pledge(client, superuser, event):
    client.force_login(superuser)
    client.post(
        reverse("admin:pledges_event_changelist"),
        {"action": "open_events", "_selected_action": [event.pk]},
    )
    event.refresh_from_db()
    assert event.status == Event.Status.OPEN and len(event.frozen_pledge_sha256) == 64


def test_admin_changes_are_audited_with_the_actor(client, superuser, event):
    client.force_login(superuser)
    make_signatory(event)
    entry = AuditEntry.objects.filter(object_type="Signatory", action="create").get()
    assert entry.event == event
    other = make_event(event.unit, event.region, event.template, title="Apel")
    assert AuditEntry.objects.filter(object_id=str(other.pk), action="create").exists()
