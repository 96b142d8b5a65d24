"""Every staff URL: another unit's objects are a 404, anonymous users go to login.

The URLs come from the resolver, so a new staff URL cannot escape this sweep.
"""

import pytest
from django.urls import get_resolver, reverse

from pledges.models import (
    Document,
    Event,
    EventPhoto,
    Signatory,
    SigningStation,
    VenueDisplay,
)
from tests.conftest import make_event, make_signatory

OBJECT_KWARGS = {
    "pk",
    "signatory_pk",
    "document_pk",
    "station_pk",
    "archive_pk",
    "run_pk",
    "photo_pk",
}


def staff_patterns():
    _prefix, resolver = get_resolver().namespace_dict["staff"]
    return [(p.name, set(p.pattern.converters)) for p in resolver.url_patterns]


def url_for(name, kwargs_names, event, signatory, document, station):
    values = {
        "station_pk": station.pk,
        "pk": event.pk,
        "signatory_pk": signatory.pk,
        "document_pk": document.pk,
        # Looked up within the event, after it: any id shows whether the event is checked.
        "archive_pk": document.pk,
        "run_pk": document.pk,
        "photo_pk": event.photos.get().pk,
        "display_pk": VenueDisplay.objects.get(event=event).pk,
        "fmt": "csv",
        "kind": "deklarasi",
    }
    return reverse(f"staff:{name}", kwargs={key: values[key] for key in kwargs_names})


@pytest.fixture
def foreign(other_unit, gorontalo, template):
    event = make_event(other_unit, gorontalo, template, title="Rahasia Gorontalo")
    document = Document.objects.create(event=event, kind="daftar_hadir", status="ready")
    # Made directly: the domain opens stations only for open events, and this one stays a draft.
    station = SigningStation.objects.create(event=event, label="Meja", token_sha256="0" * 64)
    EventPhoto.objects.create(event=event, image="foto_kegiatan/x.jpg", sha256="0" * 64)
    VenueDisplay.objects.create(event=event, label="Layar", token_sha256="1" * 64)
    return event, make_signatory(event, "Pejabat Gorontalo"), document, station


def test_every_staff_url_is_in_the_sweep():
    names = {name for name, _ in staff_patterns()}
    assert {"event", "coverage", "progress", "export", "import_commit", "signatory_edit"} <= names


@pytest.mark.parametrize(("name", "kwargs"), staff_patterns())
def test_other_units_objects_are_not_found(client, staff, foreign, name, kwargs):
    event, signatory, _document, station = foreign
    client.force_login(staff)
    url = url_for(name, kwargs, *foreign)
    if not kwargs & OBJECT_KWARGS:
        # Pages of one's own (a POST-only one answers GET with 405).
        assert client.get(url).status_code in (200, 405)
        return
    # A POST-only URL answers GET with 405 whatever the id: nothing leaks.
    assert client.get(url).status_code in (404, 405), url
    assert client.post(url, {"token": "x", "mode": "all"}).status_code == 404, url
    assert Event.objects.filter(pk=event.pk, status="draft").exists()
    assert Signatory.objects.filter(pk=signatory.pk).exists()
    assert Document.objects.filter(event=event).count() == 1
    station.refresh_from_db()
    assert station.revoked_at is None
    assert EventPhoto.objects.filter(event=event).count() == 1
    assert VenueDisplay.objects.get(event=event).revoked_at is None


@pytest.mark.parametrize(("name", "kwargs"), staff_patterns())
def test_anonymous_users_are_sent_to_login(client, foreign, name, kwargs):
    url = url_for(name, kwargs, *foreign)
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_listing_and_filters_do_not_leak_other_units(client, staff, foreign, event):
    client.force_login(staff)
    page = client.get(reverse("staff:home")).content.decode()
    assert "Rahasia Gorontalo" not in page and "Kota Gorontalo" not in page
    page = client.get(reverse("staff:home"), {"region": "75.71"}).content.decode()
    assert "Rahasia Gorontalo" not in page


def test_province_staff_see_the_events_of_their_kabupaten(client, unit, event):
    from tests.conftest import make_staff

    province_staff = make_staff(unit.parent, "petugas_jatim")
    client.force_login(province_staff)
    assert client.get(reverse("staff:event", args=[event.pk])).status_code == 200
    assert event.title in client.get(reverse("staff:home")).content.decode()


def test_user_without_staff_flag_sees_nothing(client, unit, event):
    from pledges.models import User

    user = User.objects.create_user("tamu", password="rahasia-uji-123", unit=unit)
    client.force_login(user)
    assert client.get(reverse("staff:event", args=[event.pk])).status_code == 404
    assert client.post(reverse("staff:event_create"), {}).status_code == 302
    assert Event.objects.count() == 1
