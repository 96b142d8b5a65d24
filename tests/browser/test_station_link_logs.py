"""A tablet bound through its station link leaves no token in the server's access log.

The real thing: gunicorn, started as docs/deploy/netralitas-web.service starts
it (gthread, default access-log format: request line, status, referrer, user
agent), writing its access log to a file, and Debian's Chromium opening the
link staff give the tablet. nginx's default "combined" log records the same
request line and referrer, so what holds here holds there.
"""

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from pledges.services.signing import open_station
from tests.browser.test_kiosk import wait_until
from tests.conftest import BASE_DIR, make_signatory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url_for_another_process(tmp_path: Path) -> str:
    """A DATABASE_URL under which gunicorn sees this test's (committed) rows."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    # SQLite tests run in this process's memory: hand gunicorn a copy on disk.
    copy_path = tmp_path / "server.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(copy_path) as copy:
        connection.connection.backup(copy)
    return f"sqlite:///{copy_path}"


def start_gunicorn(port, database_url, access_log, error_log, media_root):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "netralitas.settings",
        "DATABASE_URL": database_url,
        # DEBUG only so that WhiteNoise serves static files without collectstatic.
        "DEBUG": "true",
        "MEDIA_ROOT": str(media_root),
        "LOG_LEVEL": "INFO",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "netralitas.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        "--worker-class=gthread",
        "--workers=1",
        "--threads=4",
        f"--access-logfile={access_log}",
        f"--error-logfile={error_log}",
    ]
    # What it prints besides (Django's own log goes to stderr) lands in the error log too.
    with open(error_log, "ab") as output:
        return subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=output, stderr=output)


def wait_until_up(base_url, server, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited early"
        try:
            with urllib.request.urlopen(f"{base_url}/masuk/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer")


def stop(server):
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def test_binding_through_the_link_writes_no_token_to_the_access_log(browser, tmp_path, open_event):
    make_signatory(open_event)
    station, token = open_station(open_event, "Meja Log")
    access_log, error_log = tmp_path / "access.log", tmp_path / "error.log"
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = start_gunicorn(
        port, database_url_for_another_process(tmp_path), access_log, error_log, tmp_path
    )
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, has_touch=True, locale="id-ID"
    )
    try:
        wait_until_up(base_url, server)
        tablet = context.new_page()
        tablet.set_default_timeout(15_000)
        tablet.goto(f"{base_url}/meja/hubungkan/#{token}")
        tablet.get_by_role("heading", name="Selamat datang").wait_for()
        assert tablet.locator(".kiosk-station").inner_text() == "Meja Log"
        # The kiosk's own calls after binding: the list kept for offline search.
        wait_until(tablet, f"!!localStorage.getItem('netralitas.signatories.{station.pk}')")
    finally:
        context.close()
        stop(server)

    log = access_log.read_text()
    assert token not in log
    assert token not in error_log.read_text()
    # The log is real and saw the binding, answered 200, then the kiosk page.
    assert '"GET /meja/hubungkan/ HTTP/1.1" 200' in log
    assert '"POST /meja/hubungkan/ HTTP/1.1" 200' in log
    assert '"GET /meja/ HTTP/1.1" 200' in log
    assert '"GET /meja/api/penanda-tangan/ HTTP/1.1" 200' in log
