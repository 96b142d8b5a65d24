"""The kiosk's first load on a slow network: compressed bytes and time until a signer can type.

Runs the production configuration as docs/deploy/netralitas-web.service does
(DJANGO_ENV=production, collectstatic with WhiteNoise's compressed manifest
storage, gunicorn with the service's command line), against PostgreSQL
(DATABASE_URL, default a netralitas_kiosk_first_load database). A tablet is
bound outside the measurement; then a fresh browser profile holding only
its binding cookie (no service worker, no cache) opens /meja/ under
Chromium's network emulation with DevTools' "Slow 3G" figures (2,000 ms
latency, 50 KB/s down and up). Prints the bytes on the wire (compressed, as
encodedDataLength) per resource and in all, the time to DOMContentLoaded and
to interactive: kiosk.js has run and put the cursor in the search box.

    .venv/bin/python bench/kiosk_first_load.py
"""

import os
import random
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.kiosk_load import free_port  # noqa: E402
from bench.postgres import create_database_if_missing  # noqa: E402

DATABASE_URL = os.environ.get(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/netralitas_kiosk_first_load"
)
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "bench-only-" + "k" * 50,
    "ALLOWED_HOSTS": "localhost,127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
    "PROXY_COUNT": "0",
    "DATABASE_URL": DATABASE_URL,
    "LOG_LEVEL": "WARNING",
}
SLOW_3G = {
    "offline": False,
    "latency": 2000,
    "downloadThroughput": 50_000,
    "uploadThroughput": 50_000,
}


def main():
    create_database_if_missing(DATABASE_URL)
    os.environ.update(PRODUCTION_ENV)
    from bench.kiosk_load import prepare, setup_django, start_server

    setup_django(DATABASE_URL)
    _event, stations, _people = prepare(1, 5, random.Random(1))
    token = stations[0][1]

    port = free_port()
    # docs/deploy/netralitas-web.service's command line, as bench/kiosk_load.py runs it.
    server = start_server(port, DATABASE_URL)
    base = f"http://localhost:{port}"
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
            binding = browser.new_context()
            page = binding.new_page()
            for _ in range(100):
                try:
                    page.goto(f"{base}/meja/hubungkan/#{token}")
                    break
                except Exception:
                    time.sleep(0.2)
            page.get_by_role("heading", name="Selamat datang").wait_for()
            cookies = [c for c in binding.cookies() if c["name"] == "netralitas_meja"]
            binding.close()

            context = browser.new_context(
                viewport={"width": 800, "height": 1280}, service_workers="block"
            )
            context.add_cookies(cookies)
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp.send("Network.emulateNetworkConditions", SLOW_3G)
            urls, sizes = {}, {}
            cdp.on(
                "Network.requestWillBeSent",
                lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]),
            )
            cdp.on(
                "Network.loadingFinished",
                lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
            )
            started = time.monotonic()
            page.goto(f"{base}/meja/", wait_until="domcontentloaded", timeout=120_000)
            dom_ready = time.monotonic() - started
            focused = "document.activeElement && document.activeElement.id"
            while page.evaluate(focused) != "search-input":
                time.sleep(0.02)
            interactive = time.monotonic() - started
            page.wait_for_load_state("networkidle", timeout=120_000)
            browser.close()
    finally:
        server.terminate()
        server.wait()

    total = 0
    for request_id, size in sorted(sizes.items(), key=lambda item: -item[1]):
        total += size
        print(f"{size / 1024:8.1f} KiB  {urls.get(request_id, '?').replace(base, '')}")
    print(f"first load on the wire (compressed): {total / 1024:.1f} KiB in {len(sizes)} requests")
    print(f"Slow 3G: DOMContentLoaded {dom_ready:.1f} s, interactive {interactive:.1f} s")


if __name__ == "__main__":
    main()
