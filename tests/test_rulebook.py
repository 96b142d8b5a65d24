"""The rulebook through the domain functions that commands, tasks and views call."""

import pathlib
import re

import pytest
from django.urls import reverse

from pledges.errors import Code, PledgeError
from pledges.models import AuditEntry, BawasluUnit, Event, PledgeTemplate
from pledges.services import accounts
from pledges.services import events as event_ops
from tests.conftest import make_signatory, make_signature, make_unit_template


def refused(code, call, *args, **kwargs):
    with pytest.raises(PledgeError) as error:
        call(*args, **kwargs)
    assert error.value.code == code
    return error.value


def test_every_refusal_code_is_in_the_one_catalogue():
    with pytest.raises(ValueError):
        PledgeError("Pesan", "kode_tanpa_katalog")
    sources = pathlib.Path(__file__).resolve().parent.parent / "pledges"
    for path in sources.rglob("*.py"):
        text = path.read_text()
        # A refusal names its code through Code, never as a loose string.
        assert not re.search(r"PledgeError\([^()]*(\([^()]*\))?[^()]*code=\"", text), path


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("final_signed", 999),
        ("final_registered", 999),
        ("frozen_pledge_sha256", "0" * 64),
        ("frozen_pledge_text", "Ikrar lain"),
        ("status", Event.Status.DRAFT),
    ],
)
def test_no_door_rewrites_the_evidence_of_an_open_event(open_event, field, value):
    before = Event.objects.filter(pk=open_event.pk).values().get()
    setattr(open_event, field, value)
    refused(Code.EVIDENCE_IMMUTABLE, event_ops.save_event, open_event)
    assert Event.objects.filter(pk=open_event.pk).values().get() == before


def test_the_model_itself_refuses_a_rewritten_frozen_pledge(open_event):
    """A command that saves the model directly meets the same wall."""
    open_event.frozen_pledge = {**open_event.frozen_pledge, "points": ["Boleh kampanye."]}
    refused(Code.PLEDGE_FROZEN, open_event.save)
    open_event.refresh_from_db()
    assert open_event.frozen_pledge["points"] != ["Boleh kampanye."]


def test_an_open_event_keeps_its_region_template_and_unit(open_event, other_unit, gorontalo):
    open_event.region = gorontalo
    refused(Code.FIELD_LOCKED, event_ops.save_event, open_event)
    open_event.refresh_from_db()
    open_event.unit = other_unit
    refused(Code.FIELD_LOCKED, event_ops.save_event, open_event)


def test_a_closed_event_accepts_no_change(signatory):
    make_signature(signatory)
    closed = event_ops.close_event(signatory.event)
    closed.title = "Judul baru"
    refused(Code.CLOSED, event_ops.save_event, closed)
    assert Event.objects.get(pk=closed.pk).title != "Judul baru"


def test_a_new_event_starts_without_evidence(unit, pasuruan, template, staff):
    from tests.conftest import make_event

    event = make_event(unit, pasuruan, template)
    event.delete()
    event = Event(
        unit=unit,
        region=pasuruan,
        template=template,
        title="Apel",
        kind="apel",
        election="Pemilihan 2024",
        starts_at=Event.objects.model._meta.get_field("starts_at").to_python("2024-09-23T09:00Z"),
        venue="Aula",
        final_signed=999,
        frozen_pledge_text="Palsu",
    )
    saved = event_ops.save_event(event, user=staff)
    saved.refresh_from_db()
    assert (saved.status, saved.final_signed, saved.frozen_pledge_text) == ("draft", None, "")


def test_staff_page_shows_an_open_events_region_but_does_not_change_it(client, staff, open_event):
    client.force_login(staff)
    url = reverse("staff:event_edit", args=[open_event.pk])
    page = client.get(url).content.decode()
    assert re.search(r'<select[^>]*name="region"[^>]*disabled', page)
    local = open_event.local_starts_at
    client.post(
        url,
        {
            "title": open_event.title,
            "kind": open_event.kind,
            "election": open_event.election,
            "start_date": local.date().isoformat(),
            "start_time": local.strftime("%H:%M"),
            "venue": "Aula Baru",
            "region": "75.71",
            "template": open_event.template_id,
            "allow_walk_ins": "on",
        },
    )
    open_event.refresh_from_db()
    assert (open_event.venue, open_event.region_id) == ("Aula Baru", "35.75")


def test_staff_cannot_place_units_and_the_hierarchy_stays_three_deep(unit, staff, superuser):
    unit.parent = None
    refused(Code.FORBIDDEN, accounts.save_unit, unit, staff)
    unit.refresh_from_db()
    assert unit.parent is not None
    deeper = BawasluUnit(name="Unit keempat", level="kabkota", region=unit.region, parent=unit)
    refused(Code.UNIT_HIERARCHY, accounts.save_unit, deeper, superuser)
    unit.parent = None
    refused(Code.UNIT_HIERARCHY, accounts.save_unit, unit, superuser)
    assert not BawasluUnit.objects.filter(name="Unit keempat").exists()


def test_signatories_of_a_signed_or_closed_list_are_not_changed(signatory):
    from pledges.services.signatories import remove_signatory, update_signatory

    make_signature(signatory)
    refused(Code.SIGNATORY_SIGNED, update_signatory, signatory, full_name="Nama Lain")
    refused(Code.SIGNATORY_SIGNED, remove_signatory, signatory)
    other = make_signatory(signatory.event, "Belum", nip="")
    event_ops.close_event(signatory.event)
    refused(Code.CLOSED, update_signatory, other, full_name="Nama Lain")
    refused(Code.CLOSED, remove_signatory, other)


def test_national_templates_change_only_by_a_superuser(template, staff, superuser):
    from pledges.services.templates import revise_template

    refused(Code.FORBIDDEN, revise_template, template, user=staff, title="Judul lain")
    assert PledgeTemplate.objects.filter(slug=template.slug).count() == 1
    revised = revise_template(template, user=superuser, title="Judul lain")
    assert revised.version == 2


def test_the_staff_template_picker_offers_national_and_own_unit_templates(
    client, staff, other_unit, unit
):
    mine = make_unit_template(unit, "milik-kota", "Ikrar Kota Pasuruan")
    theirs = make_unit_template(other_unit, "milik-lain", "Ikrar Kota Gorontalo")
    client.force_login(staff)
    page = client.get(reverse("staff:event_create")).content.decode()
    assert mine.title in page and theirs.title not in page


def test_an_export_is_audited_with_who_took_it(client, staff, signatory):
    client.force_login(staff)
    response = client.get(reverse("staff:export", args=[signatory.event_id, "xlsx"]))
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action="export").get()
    assert (entry.actor, entry.event_id, entry.changes["format"]) == (
        staff,
        signatory.event_id,
        "xlsx",
    )
