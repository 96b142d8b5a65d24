"""System checks of our own, run by `manage.py check --deploy` before going live."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.http.request import validate_host

LOCAL_NAMES = {"localhost", "testserver", "example.com", "example.org"}


def site_url_problem(url: str, allowed_hosts: list[str]) -> str | None:
    """Why `url` cannot be the public address printed in QR codes, or None if it can."""
    if not url:
        return "SITE_URL belum diisi."
    parts = urlsplit(url)
    if parts.scheme != "https":
        return f"SITE_URL {url!r} harus diawali https://."
    host = (parts.hostname or "").lower()
    if not host:
        return f"SITE_URL {url!r} tidak memuat nama host."
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return f"SITE_URL {url!r} hanya boleh berisi alamat situs, tanpa jalur atau parameter."
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        local = host in LOCAL_NAMES or host.endswith(".localhost") or "." not in host
    else:
        local = address.is_loopback or address.is_unspecified or address.is_private
    if local:
        return f"SITE_URL {url!r} menunjuk ke alamat lokal yang tidak dapat dibuka publik."
    if not validate_host(host, allowed_hosts):
        return f"Host SITE_URL {host!r} tidak tercantum di ALLOWED_HOSTS."
    return None


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    problem = site_url_problem(settings.SITE_URL, settings.ALLOWED_HOSTS)
    if problem is None:
        return []
    return [
        Error(
            problem,
            hint=(
                "Isi SITE_URL dengan alamat publik aplikasi, misalnya "
                "https://netralitas.bawaslu.go.id: alamat ini tercetak pada kode QR setiap "
                "dokumen dan harus dapat dibuka siapa pun yang memverifikasi."
            ),
            id="pledges.E001",
        )
    ]
