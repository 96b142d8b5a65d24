"""An event lies within the region of the unit that runs it; its letterhead is that unit's.

Bawaslu Kota Pasuruan holds events in Kota Pasuruan, Bawaslu Provinsi Jawa
Timur anywhere in Jawa Timur, Bawaslu RI anywhere: through the staff page,
the admin and the domain function commands use alike.
"""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from pledges.errors import Code, PledgeError
from pledges.models import BawasluUnit, Event
from pledges.rendering.facts import event_facts
from pledges.services.events import open_event, save_event
from tests.conftest import make_staff
from tests.test_staff_events import event_form

STARTS = datetime(2024, 9, 21, 1, 0, tzinfo=UTC)
REFUSAL = "berada di luar wilayah kerja Bawaslu Kota Pasuruan (Kota Pasuruan)"


def test_staff_page_refuses_an_event_outside_the_units_kota(client, staff, gorontalo, template):
    client.force_login(staff)
    response = client.post(reverse("staff:event_create"), event_form(gorontalo, template))
    assert response.status_code == 200
    assert "Kota Gorontalo " + REFUSAL in response.content.decode()
    assert not Event.objects.exists()


def test_staff_page_refuses_moving_a_draft_outside(client, staff, event, gorontalo, template):
    client.force_login(staff)
    url = reverse("staff:event_edit", args=[event.pk])
    response = client.post(url, event_form(gorontalo, template))
    assert REFUSAL in response.content.decode()
    event.refresh_from_db()
    assert event.region_id == "35.75"


def test_a_provinsi_unit_holds_events_anywhere_in_its_province(client, unit, template):
    jatim = BawasluUnit.objects.get(name="Bawaslu Provinsi Jawa Timur")
    client.force_login(make_staff(jatim, "petugas_jatim"))
    response = client.post(reverse("staff:event_create"), event_form(unit.region, template))
    assert response.status_code == 302
    assert Event.objects.get().unit == jatim


def test_ri_holds_events_anywhere_and_every_pdf_carries_the_running_units_letterhead(
    unit_ri, unit, gorontalo, template
):
    event = save_event(
        Event(
            unit=unit_ri,
            region=gorontalo,
            template=template,
            title="Rakornas",
            kind="rapat_koordinasi",
            election="Pemilihan Serentak 2024",
            starts_at=STARTS,
            venue="Gorontalo",
        )
    )
    assert event.pk
    assert event_facts(open_event(event))["kop"]["unit"] == "Bawaslu RI"


def test_the_domain_function_refuses_for_every_door(unit, gorontalo, template):
    with pytest.raises(PledgeError) as refused:
        save_event(
            Event(
                unit=unit,
                region=gorontalo,
                template=template,
                title="Sosialisasi",
                kind="sosialisasi",
                election="Pemilihan Serentak 2024",
                starts_at=STARTS,
                venue="Gorontalo",
            )
        )
    assert refused.value.code == Code.OUTSIDE_JURISDICTION
    assert REFUSAL in refused.value.message


def admin_event_data(unit, region, template):
    return {
        "unit": unit.pk,
        "title": "Apel Netralitas",
        "kind": "apel",
        "election": "Pemilihan Serentak 2024",
        "starts_at_0": "21-09-2024",
        "starts_at_1": "09:00:00",
        "venue": "Aula",
        "region": region.code,
        "template": template.pk,
        "chair_name": "",
        "reader_name": "",
        "allow_walk_ins": "on",
        "signatories-TOTAL_FORMS": "0",
        "signatories-INITIAL_FORMS": "0",
    }


def test_admin_refuses_an_event_outside_its_units_region_beside_the_form(
    client, superuser, unit, gorontalo, template
):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:pledges_event_add"), admin_event_data(unit, gorontalo, template)
    )
    assert response.status_code == 200
    assert "Kota Gorontalo " + REFUSAL in response.content.decode()
    assert Event.objects.count() == 0


def test_admin_refuses_moving_an_event_outside(client, superuser, event, gorontalo, template):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:pledges_event_change", args=[event.pk]),
        admin_event_data(event.unit, gorontalo, template),
    )
    assert REFUSAL in response.content.decode()
    event.refresh_from_db()
    assert event.region_id == "35.75"
