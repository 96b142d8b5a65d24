"""Abuse resistance: login throttling, Content-Security-Policy, no inline script."""

import re
from pathlib import Path

from django.urls import reverse

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_login_is_locked_after_five_failures_even_with_the_right_password(client, staff):
    for attempt in range(1, 6):
        response = client.post(
            reverse("login"), {"username": "petugas", "password": "salah"}, REMOTE_ADDR="10.0.0.9"
        )
        # The form again with its error, until the fifth failure locks the pair out.
        assert response.status_code == (429 if attempt == 5 else 200)
    response = client.post(
        reverse("login"),
        {"username": "petugas", "password": "rahasia-uji-123"},
        REMOTE_ADDR="10.0.0.9",
    )
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_login_is_throttled_too(client, superuser):
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": "admin", "password": "x"})
    response = client.post(
        reverse("admin:login"), {"username": "admin", "password": "rahasia-uji-123"}
    )
    assert response.status_code == 429


def test_lockout_is_per_username_and_address(client, staff):
    for _ in range(5):
        client.post(
            reverse("login"), {"username": "petugas", "password": "salah"}, REMOTE_ADDR="10.0.0.9"
        )
    response = client.post(
        reverse("login"),
        {"username": "petugas", "password": "rahasia-uji-123"},
        REMOTE_ADDR="10.0.0.10",
    )
    assert response.status_code == 302


def login(client, username, password, address="10.0.0.9"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_one_address_trying_many_usernames_is_locked_even_for_a_right_password(client, staff):
    # Password spraying: one guess for each of several accounts never fails twice per pair.
    for number in range(1, 6):
        response = login(client, f"pegawai{number}", "Rahasia2024!")
        assert response.status_code == (429 if number == 5 else 200)
    response = login(client, "petugas", "rahasia-uji-123")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another address is not concerned.
    assert login(client, "petugas", "rahasia-uji-123", address="10.0.0.10").status_code == 302


def test_colleagues_behind_one_address_are_not_locked_by_one_forgotten_password(
    client, staff, other_staff
):
    for _ in range(5):
        login(client, "petugas", "salah")
    assert login(client, "petugas", "rahasia-uji-123").status_code == 429
    assert login(client, "petugas_gorontalo", "rahasia-uji-123").status_code == 302
    # ... and a colleague's login does not unlock the account being guessed.
    client.logout()
    assert login(client, "petugas", "rahasia-uji-123").status_code == 429


def test_staff_at_one_venue_who_mistype_and_then_log_in_do_not_add_up(client, unit):
    from tests.conftest import make_staff

    for number in range(1, 8):
        make_staff(unit, f"petugas{number}")
        assert login(client, f"petugas{number}", "salah").status_code == 200
        assert login(client, f"petugas{number}", "rahasia-uji-123").status_code == 302
        client.logout()


def test_pages_carry_a_strict_content_security_policy(client, staff):
    client.force_login(staff)
    for url in (reverse("login"), reverse("staff:home"), reverse("admin:index")):
        policy = client.get(url).headers["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]*)", policy).group(1)
        assert script_src.strip() == "'self'", url
        assert "frame-ancestors 'none'" in policy


def test_no_template_has_inline_script_or_event_handler_attributes():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{template}: {tag}")
        offenders += [f"{template}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text)]
    assert offenders == []
