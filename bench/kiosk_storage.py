"""How many realistic signatures a tablet holds offline: localStorage (before) and IndexedDB (now).

Opens Debian's Chromium through Playwright on a blank page of a local origin
and stores queue items as kiosk.js makes them: a signature of --points points
(default 1,000, what signature_pad records for a full signature on a 10-inch
tablet) as [x, y, t, p] rounded as strokesFromPad() rounds them, on a
760×520 pad, with the fields the tablet sends.

- localStorage, as the earlier kiosk.js kept it: one JSON array under one
  key, rewritten on each signature. The largest count that setItem accepts
  is found by bisection, with the station's signatory list (--list people)
  beside it as the kiosk keeps it.
- IndexedDB, as kiosk.js keeps it now: one record per signature, one
  strict-durability transaction each. --idb items are written one by one,
  timed; then navigator.storage.estimate() gives usage per item and the
  origin's quota, and their quotient the projected capacity.

    .venv/bin/python bench/kiosk_storage.py [--points 1000] [--idb 2500] [--list 2000]
"""

import argparse
import http.server
import json
import random
import socketserver
import threading
import time
import uuid

from playwright.sync_api import sync_playwright

PAD = (760, 520)


def signature(points: int, rng: random.Random) -> list:
    """Strokes as the tablet records them: a few strokes, points about 2-4 px apart."""
    strokes, left, t = [], points, 0
    x, y = 80.0, PAD[1] / 2
    while left > 0:
        n = min(left, rng.randint(150, 350))
        stroke = []
        for _ in range(n):
            x = min(PAD[0] - 20, max(20, x + rng.uniform(-1.0, 3.0)))
            y = min(PAD[1] - 20, max(20, y + rng.uniform(-3.0, 3.0)))
            t += rng.randint(6, 17)
            stroke.append([round(x, 2), round(y, 2), t, round(rng.uniform(0.3, 0.7), 3)])
        strokes.append(stroke)
        left -= n
        t += rng.randint(150, 400)
    return strokes


def item(points: int, rng: random.Random, index: int) -> dict:
    return {
        "idempotency_key": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "event": 1,
        "taken_at_station": 1,
        "signatory_id": 1000 + index,
        "name": "Nama Penanda Tangan Contoh, S.Sos., M.Si.",
        "strokes": signature(points, rng),
        "canvas_width": PAD[0],
        "canvas_height": PAD[1],
        "pledge_sha256": "0" * 64,
        "queued_at": 1_700_000_000_000 + index,
    }


class Blank(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(b"<!doctype html><title>bench</title>")

    def log_message(self, *args):
        pass


LOCAL_FITS = """([items, list, count]) => {
  localStorage.clear();
  localStorage.setItem("netralitas.signatories.1", list);
  const parts = [];
  for (let i = 0; i < count; i++) parts.push(items[i % items.length]);
  try {
    localStorage.setItem("netralitas.queue.1", "[" + parts.join(",") + "]");
    return true;
  } catch (error) {
    return false;
  }
}"""

IDB_FILL = """async ([items, count]) => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("bench", 1);
    request.onupgradeneeded = () =>
      request.result.createObjectStore("queue", { keyPath: "idempotency_key" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const key = crypto.randomUUID();
    const item = Object.assign({}, items[i % items.length], { idempotency_key: key });
    await new Promise((resolve, reject) => {
      const tx = db.transaction("queue", "readwrite", { durability: "strict" });
      tx.objectStore("queue").put(item);
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }
  const ms = performance.now() - started;
  const { usage, quota } = await navigator.storage.estimate();
  return { ms, usage, quota };
}"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--idb", type=int, default=2500)
    parser.add_argument("--list", type=int, default=2000, help="signatories in the kept list")
    args = parser.parse_args()

    rng = random.Random(15)
    samples = [json.dumps(item(args.points, rng, i), separators=(",", ":")) for i in range(20)]
    average = sum(map(len, samples)) / len(samples)
    people = [
        {
            "id": i,
            "name": f"Nama Pegawai {i}",
            "position": "Kepala Seksi",
            "agency": "Dinas Contoh",
            "nip": "1980••••••••••002",
        }
        for i in range(args.list)
    ]
    list_json = json.dumps(people)

    server = socketserver.TCPServer(("127.0.0.1", 0), Blank)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://localhost:{server.server_address[1]}/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_context().new_page()
        page.goto(origin)
        print(f"signature: {args.points} points, {average / 1024:.1f} KiB as JSON (mean of 20)")

        for label, kept in (("no list", "[]"), (f"{args.list} people listed", list_json)):
            low, high = 0, 1
            while page.evaluate(LOCAL_FITS, [samples, kept, high]):
                low, high = high, high * 2
            while high - low > 1:
                middle = (low + high) // 2
                if page.evaluate(LOCAL_FITS, [samples, kept, middle]):
                    low = middle
                else:
                    high = middle
            print(f"localStorage (before), {label}: {low} signatures fit")
        page.evaluate("localStorage.clear()")

        objects = [json.loads(sample) for sample in samples]
        started = time.monotonic()
        result = page.evaluate(IDB_FILL, [objects, args.idb])
        per_item = result["usage"] / args.idb
        print(
            f"IndexedDB (now): {args.idb} written one by one in {result['ms'] / 1000:.1f} s "
            f"({result['ms'] / args.idb:.1f} ms each, {time.monotonic() - started:.1f} s wall); "
            f"usage {result['usage'] / 2**20:.1f} MiB = {per_item / 1024:.1f} KiB each"
        )
        print(
            f"IndexedDB quota of this origin here: {result['quota'] / 2**30:.2f} GiB "
            f"-> about {int(result['quota'] / per_item):,} signatures"
        )
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
