"""The event page's signatory list: a count, search, filters and pages, at any size."""

import unicodedata
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pledges.models import Signatory, Signature
from pledges.services.signatories import update_signatory
from tests.conftest import VALID_NIP, make_event, make_signatory, make_signature


@pytest.fixture
def logged_in(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def people(open_event):
    """A small event: names with accents, NIPs, jabatan and instansi to search for."""
    return {
        "rene": make_signatory(
            open_event,
            full_name="René Susanto",
            nip=VALID_NIP,
            category="kepala_opd",
            position="Kepala Dinas Perhubungan",
            agency="Dinas Perhubungan",
        ),
        "dewi": make_signatory(
            open_event,
            full_name="Dewi Lestari",
            nip="198604112008012002",
            category="camat",
            position="Camat Gadingrejo",
            agency="Kecamatan Gadingrejo",
        ),
        "siti": make_signatory(
            open_event,
            full_name="Siti Aminah",
            nip="",
            category="non_asn",
            position="Tenaga Pendukung",
            agency="Sekretariat DPRD",
        ),
    }


def names(client, event, **params):
    response = client.get(event.get_absolute_url(), params)
    assert response.status_code == 200
    return [s.full_name for s in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("rene", ["René Susanto"]),  # no accent typed
        ("RENÉ", ["René Susanto"]),  # upper case
        (unicodedata.normalize("NFD", "rené"), ["René Susanto"]),  # accent typed decomposed
        ("lestari dewi", ["Dewi Lestari"]),  # every word, in any order
        ("19860411", ["Dewi Lestari"]),  # part of the NIP
        ("1980 0512 2005", ["René Susanto"]),  # NIP grouped as people type it
        ("perhubungan", ["René Susanto"]),  # jabatan / instansi
        ("camat", ["Dewi Lestari"]),  # jabatan
        ("sekretariat dprd", ["Siti Aminah"]),  # instansi
        ("tidak ada", []),
    ],
)
def test_search_by_name_nip_jabatan_and_instansi(logged_in, people, open_event, query, found):
    assert names(logged_in, open_event, q=query) == found


def test_search_follows_an_edit_of_the_name(logged_in, people, open_event):
    update_signatory(people["siti"], full_name="Siti Nurhaliza")
    assert names(logged_in, open_event, q="nurhaliza") == ["Siti Nurhaliza"]
    assert names(logged_in, open_event, q="aminah") == []


def test_filters_by_category_and_status(logged_in, people, open_event):
    make_signature(people["dewi"])
    assert names(logged_in, open_event, category="camat") == ["Dewi Lestari"]
    assert names(logged_in, open_event, status="signed") == ["Dewi Lestari"]
    assert names(logged_in, open_event, status="not_signed") == ["René Susanto", "Siti Aminah"]
    assert names(logged_in, open_event, status="not_signed", category="camat") == []
    # A filter value nobody offers filters nothing rather than failing.
    assert len(names(logged_in, open_event, status="maybe", category="raja")) == 3


def test_count_of_all_and_of_matches_is_shown(logged_in, people, open_event):
    make_signature(people["dewi"])
    page = logged_in.get(open_event.get_absolute_url()).content.decode()
    assert "<strong>3</strong> penanda tangan · 1 sudah tanda tangan" in page
    page = logged_in.get(open_event.get_absolute_url(), {"q": "camat"}).content.decode()
    assert "<strong>1</strong> cocok dari 3 penanda tangan" in page
    page = logged_in.get(open_event.get_absolute_url(), {"q": "zzz"}).content.decode()
    assert "Tidak ada penanda tangan yang cocok." in page


def fill(event, size, signed_every=1):
    """`size` asn_lainnya, named in order, every `signed_every`th one signed."""
    signatories = Signatory.objects.bulk_create(
        Signatory(
            event=event,
            full_name=f"Peserta {i:04d}",
            position="Staf",
            category="asn_lainnya",
            agency=f"OPD {i % 7}",
        )
        for i in range(size)
    )
    Signature.objects.bulk_create(
        Signature(
            signatory=signatory,
            signed_at=timezone.now(),
            strokes=[[[1, 1, 0, 0.5], [9, 9, 9, 0.5]]],
            svg='<svg xmlns="http://www.w3.org/2000/svg"></svg>',
            pledge_sha256=event.frozen_pledge_sha256,
            idempotency_key=uuid.uuid4(),
        )
        for i, signatory in enumerate(signatories)
        if i % signed_every == 0
    )


def test_pages_of_fifty_with_links_that_keep_the_search(logged_in, open_event):
    fill(open_event, 120)
    first = logged_in.get(open_event.get_absolute_url(), {"q": "peserta"})
    assert len(first.context["page"].object_list) == 50
    assert "Halaman 1 dari 3" in first.content.decode()
    assert "?q=peserta&amp;page=2" in first.content.decode()
    last = names(logged_in, open_event, q="peserta", page=3)
    assert last == [f"Peserta {i:04d}" for i in range(100, 120)]
    # A page past the end shows the last one, not an error.
    assert names(logged_in, open_event, page=99) == last


def test_htmx_gets_only_the_list(logged_in, people, open_event):
    response = logged_in.get(
        open_event.get_absolute_url(), {"q": "dewi"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "Dewi Lestari" in html and "René" not in html
    assert "nav-tabs" not in html and "<form" not in html
    assert "HX-Request" in response["Vary"]
    # Back in the browser's history htmx asks for the whole page again.
    restore = logged_in.get(
        open_event.get_absolute_url(),
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "nav-tabs" in restore.content.decode()


@pytest.mark.parametrize("params", [{}, {"q": "peserta 01", "status": "signed", "page": "2"}])
def test_event_page_costs_the_same_queries_for_50_and_600(
    logged_in, unit, pasuruan, template, django_assert_num_queries, params
):
    from pledges.services.events import open_event as open_

    small = open_(make_event(unit, pasuruan, template, title="Kecil"))
    large = open_(make_event(unit, pasuruan, template, title="Besar"))
    fill(small, 50, signed_every=2)
    fill(large, 600, signed_every=2)
    logged_in.get(small.get_absolute_url(), params)  # session, permissions cached alike
    with CaptureQueriesContext(connection) as small_queries:
        small_page = logged_in.get(small.get_absolute_url(), params)
    with django_assert_num_queries(len(small_queries)):
        large_page = logged_in.get(large.get_absolute_url(), params)
    assert len(large_page.context["page"].object_list) <= 50
    assert large_page.context["registered"] == 600
    assert small_page.status_code == large_page.status_code == 200
