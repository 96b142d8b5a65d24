"""Every page works under the strict Content-Security-Policy: the browser refuses nothing."""

import re

import pytest
from django.urls import reverse

from tests.conftest import make_signatory, make_signature

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}{reverse('login')}")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Sandi").fill("rahasia-uji-123")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()


def watch_for_refusals(page):
    refusals = []
    page.on(
        "console",
        lambda message: (
            refusals.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: refusals.append(f"error: {error}"))
    return refusals


def test_staff_pages_and_admin_run_without_csp_refusals(live_server, page, superuser, open_event):
    make_signature(make_signatory(open_event))
    refusals = watch_for_refusals(page)
    log_in(page, live_server, "admin")
    urls = [
        reverse("staff:home"),
        reverse("staff:event_create"),
        reverse("staff:event", args=[open_event.pk]),
        reverse("staff:coverage", args=[open_event.pk]),
        reverse("staff:progress", args=[open_event.pk]),
        reverse("staff:national"),
        reverse("admin:index"),
        reverse("admin:pledges_event_change", args=[open_event.pk]),
        reverse("admin:pledges_signature_changelist"),
    ]
    for url in urls:
        response = page.goto(f"{live_server.url}{url}")
        assert response.ok, url
        assert re.search(r"script-src 'self'(;|$)", response.headers["content-security-policy"])
        page.wait_for_load_state("networkidle")
    assert refusals == []


def test_kiosk_and_public_verification_run_without_csp_refusals(
    live_server, page, open_event, staff
):
    from pledges.models import Document
    from pledges.services import documents
    from pledges.services.signing import open_station

    signed = make_signatory(open_event, "Sudah Tanda Tangan", nip="")
    make_signature(signed)
    make_signatory(open_event, "Belum Tanda Tangan", nip="")
    document = documents.make_document(open_event, Document.Kind.PAKTA_INTEGRITAS, signed)
    _station, token = open_station(open_event, "Meja 1", staff)
    refusals = watch_for_refusals(page)

    page.goto(f"{live_server.url}/meja/hubungkan/#{token}")
    page.get_by_role("heading", name="Selamat datang").wait_for()
    page.locator("#kiosk[data-ready]").wait_for(state="attached")
    page.locator("#search-input").fill("Belum")
    page.get_by_role("button", name="Belum Tanda Tangan").wait_for()
    # The kiosk lists only who has not signed yet.
    assert page.get_by_role("button", name="Sudah Tanda Tangan").count() == 0
    page.goto(f"{live_server.url}{document.verification_path()}")
    page.wait_for_load_state("networkidle")

    assert refusals == []
