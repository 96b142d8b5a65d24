"""A tablet bound to a station reaches its own kiosk and nothing else."""

import re

import pytest
from django.contrib import admin
from django.urls import URLResolver, get_resolver, reverse

from pledges.services.events import open_event
from tests.conftest import make_event, make_signatory, make_signature


def staff_paths(ids):
    """Every URL of the `staff` namespace, with each number filled by an id to probe."""
    _prefix, resolver = get_resolver().namespace_dict["staff"]
    samples = {"uuid": "00000000-0000-0000-0000-000000000000", "slug": "x", "str": "x"}
    routes = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            else:
                routes.append(route)

    walk(resolver.url_patterns)
    paths = set()
    for route in routes:
        for value in ids:
            filled = re.sub(
                r"<(?:(\w+):)?\w+>",
                lambda match, value=value: str(
                    value if match.group(1) in ("int", "path") else samples.get(match.group(1), "x")
                ),
                route,
            )
            paths.add("/" + filled)
    return sorted(paths)


def admin_paths(ids):
    paths = [reverse("admin:index")]
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        paths.append(reverse(f"{name}_changelist"))
        paths.append(reverse(f"{name}_add"))
        paths += [reverse(f"{name}_change", args=[value]) for value in ids]
    return paths


@pytest.fixture
def world(kiosk, open_event, unit, pasuruan, template):
    """The tablet's event with a signed and an unsigned person, and another open event."""
    signed = make_signatory(open_event, "Sudah Bertanda Tangan", nip="197001012000031001")
    make_signature(signed, station=kiosk.station)
    unsigned = make_signatory(open_event, "Belum Bertanda Tangan", nip="")
    other_event = open_event_for(unit, pasuruan, template)
    stranger = make_signatory(other_event, "Peserta Kegiatan Lain", nip="197203152000032001")
    ids = {open_event.pk, other_event.pk, signed.pk, unsigned.pk, stranger.pk, kiosk.station.pk}
    return {"ids": sorted(ids), "signed": signed, "stranger": stranger, "other": other_event}


def open_event_for(unit, region, template):
    return open_event(make_event(unit, region, template, title="Rapat Kegiatan Lain"))


def assert_no_data(response, world):
    body = response.content.decode(errors="replace")
    for secret in (
        world["signed"].full_name,
        world["signed"].nip,
        world["stranger"].full_name,
        world["stranger"].nip,
        world["other"].title,
    ):
        assert secret not in body, f"{response.request['PATH_INFO']} leaked {secret!r}"


def test_station_session_reaches_no_staff_page(kiosk, world):
    paths = staff_paths(world["ids"])
    assert "/" in paths and len(paths) > 3
    for path in paths:
        for method in (kiosk.get, kiosk.post):
            response = method(path)
            assert response.status_code in (302, 404, 405), (path, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("login")), path
            assert_no_data(response, world)


def test_station_session_reaches_no_admin_page(kiosk, world):
    for path in admin_paths(world["ids"]):
        response = kiosk.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("admin:login")), path


def test_station_never_sees_signed_people_or_other_events(kiosk, world):
    listing = kiosk.get("/meja/api/penanda-tangan/")
    names = [person["name"] for person in listing.json()["signatories"]]
    assert names == ["Belum Bertanda Tangan"]
    for query in ("Sudah", "Peserta", "1970", "19720315"):
        response = kiosk.get("/meja/api/penanda-tangan/", {"q": query})
        assert response.json()["signatories"] == [], query
    assert_no_data(kiosk.get("/meja/"), world)


def test_station_cannot_sign_for_another_event(kiosk, world):
    from tests.test_signing import post, submission

    response = post(
        kiosk,
        submission(world["stranger"], pledge_sha256=kiosk.station.event.frozen_pledge_sha256),
    )
    assert response.status_code == 404
    assert (
        not world["stranger"]
        .__class__.objects.filter(signature__isnull=False)
        .filter(pk=world["stranger"].pk)
        .exists()
    )


def test_kiosk_pages_refuse_a_browser_without_station(client, open_event):
    assert client.get("/meja/").status_code == 403
    for path in ("/meja/api/penanda-tangan/", "/meja/api/status/"):
        response = client.get(path)
        assert response.status_code == 403
        assert response.json()["code"] == "no_station"
    assert client.post("/meja/api/tanda-tangan/", "{}", "application/json").status_code == 403


def test_staff_login_is_not_a_station(client, staff, open_event):
    client.force_login(staff)
    assert client.get("/meja/").status_code == 403


def test_a_forged_station_cookie_binds_nothing(kiosk):
    """The binding cookie is signed: naming a station by hand, or reusing a value, fails."""
    genuine = kiosk.cookies["netralitas_meja"].value
    assert kiosk.get("/meja/api/status/").status_code == 200
    for forged in (str(kiosk.station.pk), genuine.replace(":", ":x", 1), genuine + "0"):
        kiosk.cookies["netralitas_meja"] = forged
        response = kiosk.get("/meja/api/status/")
        assert response.status_code == 403
        assert response.json()["code"] == "no_station"
