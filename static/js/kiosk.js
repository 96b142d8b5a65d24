/* The signing tablet: search → confirm → pledge and pad → send → thanks.
 *
 * A signature is written to IndexedDB before it is sent, and leaves it only
 * when the server has answered for it, so a dropped network never loses one;
 * when the tablet has no room left it refuses to take one and says so.
 * Each carries an idempotency key made here, so sending it again after a
 * lost answer cannot make a second signature.
 *
 * A refusal the server will repeat is never shown as saved. When the station
 * itself can take no more (revoked, event closed), the signature stays on the
 * tablet as "tidak terkirim", its count goes to staff with every request, and
 * it is sent again once staff bind the tablet to a new station of the event.
 */
(function () {
  "use strict";

  const root = document.getElementById("kiosk");
  if (!root) return;
  const config = root.dataset;
  const EVENT = Number(config.event);
  // One queue for every station this tablet is bound to: a signature taken
  // under a revoked station goes out under the next one.
  const QUEUE_KEY = "netralitas.queue";
  const OLD_QUEUE_PREFIX = "netralitas.queue."; // one queue per station, before
  // Refusals of the station rather than of the signature: sent again under a
  // usable station (this page loads only for one).
  const STATION_CODES = ["station_revoked", "event_closed", "event_not_open", "no_station"];
  const LIST_KEY = "netralitas.signatories." + config.station;
  // Mirrors pledges/strokes.py: less ink than this is a dot, not a signature.
  const MIN_INK_LENGTH = 60;
  const MIN_INK_EXTENT = 30;
  const MAX_BACKOFF_MS = 60000;
  const REQUEST_TIMEOUT_MS = 15000;

  let current = null; // the signatory being served
  let backoffMs = 1000;
  let retryTimer = null;
  let flushing = false;
  let thanksTimer = null;
  let searchSeq = 0;
  let stationEnded = null; // the server's refusal of this station, once it came

  // --- storage --------------------------------------------------------------

  function load(key, fallback) {
    try {
      return JSON.parse(localStorage.getItem(key)) || fallback;
    } catch (error) {
      return fallback;
    }
  }
  // An item is sendable when it is of this event and no refusal holds it.
  const sendable = (item) => item.event === EVENT && !item.undeliverable;

  // The queue lives in IndexedDB (localStorage holds about 5 M characters,
  // a few hundred signatures); a copy in memory answers the reads. Every
  // write is awaited with strict durability before the tablet says it holds
  // a signature, so a signature is either on the disk or refused out loud.
  const DB_NAME = "netralitas";
  const STORE = "queue";

  function done(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function openDatabase() {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () =>
      request.result.createObjectStore(STORE, { keyPath: "idempotency_key" });
    return done(request);
  }

  let database = null;

  function write(change) {
    return new Promise((resolve, reject) => {
      const transaction = database.transaction(STORE, "readwrite", { durability: "strict" });
      change(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () =>
        reject(transaction.error || new DOMException("Penyimpanan gagal.", "AbortError"));
    });
  }

  const byAge = (a, b) => (a.queued_at || 0) - (b.queued_at || 0);
  let items = [];

  const queue = {
    all: () => items,
    async open() {
      database = await openDatabase();
      items = (await done(database.transaction(STORE).objectStore(STORE).getAll())).sort(byAge);
    },
    async add(item) {
      await write((store) => store.put(item));
      items = items.concat([item]);
    },
    async remove(key) {
      await write((store) => store.delete(key));
      items = items.filter((item) => item.idempotency_key !== key);
    },
    async update(key, changes) {
      const item = Object.assign({}, items.find((each) => each.idempotency_key === key), changes);
      await write((store) => store.put(item));
      items = items.map((each) => (each.idempotency_key === key ? item : each));
    },
    pending() {
      return items.filter(sendable);
    },
    counts() {
      const pending = items.filter(sendable).length;
      return { pending, undeliverable: items.length - pending };
    },
    signatoryIds() {
      return new Set(
        items.filter((item) => item.event === EVENT).map((item) => item.signatory_id),
      );
    },
    // On loading under a usable station: the localStorage queues of earlier
    // versions move here (each key is removed only once its signatures are
    // on the disk), and what only a station's refusal held back is tried again.
    async adopt() {
      const known = new Set(items.map((item) => item.idempotency_key));
      for (const key of Object.keys(localStorage)) {
        if (key !== QUEUE_KEY && !key.startsWith(OLD_QUEUE_PREFIX)) continue;
        const old = load(key, [])
          .filter((item) => item && item.idempotency_key && !known.has(item.idempotency_key))
          // Queued before items named their event: the server checks the person is of this one.
          .map((item, index) => Object.assign({ event: EVENT, queued_at: index }, item));
        try {
          if (old.length) await write((store) => old.forEach((item) => store.put(item)));
        } catch (error) {
          storageFull = true; // left in localStorage, tried again on the next load
          continue;
        }
        localStorage.removeItem(key);
        items = items.concat(old).sort(byAge);
        old.forEach((item) => known.add(item.idempotency_key));
      }
      for (const item of items) {
        if (item.event === EVENT && item.undeliverable && STATION_CODES.includes(item.undeliverable.code)) {
          await this.update(item.idempotency_key, { undeliverable: null });
        }
      }
    },
  };

  // --- room on the tablet -------------------------------------------------------

  // A signature as signature_pad records it on a 10-inch tablet (about 1,000
  // points) takes some 40 KB in IndexedDB: the room is counted in those.
  const SIGNATURE_BYTES = 40000;
  const LOW_ROOM_SIGNATURES = 100;
  let storageFull = false;
  let storageLow = false;

  async function checkRoom() {
    if (!navigator.storage || !navigator.storage.estimate) return;
    try {
      const { usage, quota } = await navigator.storage.estimate();
      const room = Math.floor((quota - usage) / SIGNATURE_BYTES);
      storageLow = room < LOW_ROOM_SIGNATURES || usage / quota > 0.9;
      if (room >= 1) storageFull = false; // a write that still fails says so again
      showRoom(room);
    } catch (error) {
      /* no estimate: the refusal of a write still tells */
    }
  }

  function showRoom(room) {
    const status = document.getElementById("storage-status");
    status.hidden = !storageLow && !storageFull;
    status.textContent = storageFull
      ? "Penyimpanan tablet penuh"
      : "Penyimpanan tablet hampir penuh (sekitar " + Math.max(room, 0) + " tanda tangan lagi)";
  }

  function tellStorageFull() {
    tell(
      "Penyimpanan tablet penuh",
      "Tablet ini tidak dapat menyimpan tanda tangan baru, jadi tanda tangan ini tidak diambil. " +
        "Tanda tangan yang sudah tersimpan tetap aman. Mohon beri tahu petugas Bawaslu: " +
        "sambungkan tablet ke jaringan agar antrean terkirim, atau pakai tablet lain.",
    );
  }

  // --- HTTP -------------------------------------------------------------------

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // Resolves to {status, body}; rejects only when the server was not reached.
  async function api(url, options = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    const counts = queue.counts();
    const headers = {
      Accept: "application/json",
      "X-Pending-Signatures": String(counts.pending),
      "X-Undeliverable-Signatures": String(counts.undeliverable),
      "X-Storage-Low": storageLow || storageFull ? "1" : "0",
    };
    if (options.body) {
      headers["Content-Type"] = "application/json";
      headers["X-CSRFToken"] = csrfToken();
    }
    try {
      const response = await fetch(url, {
        method: options.body ? "POST" : "GET",
        headers,
        body: options.body ? JSON.stringify(options.body) : undefined,
        credentials: "same-origin",
        cache: "no-store",
        signal: controller.signal,
      });
      let body = {};
      try {
        body = await response.json();
      } catch (error) {
        body = {};
      }
      setOnline(true);
      return { status: response.status, body };
    } catch (error) {
      setOnline(false);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  // --- screens ------------------------------------------------------------------

  function show(name) {
    root.querySelectorAll(".screen").forEach((screen) => {
      screen.hidden = screen.id !== "screen-" + name;
    });
    window.scrollTo(0, 0);
    if (name === "search") {
      current = null;
      clearTimeout(thanksTimer);
      searchInput.value = "";
      renderResults([]);
      searchEmpty.hidden = true;
      searchInput.focus();
    }
    if (name === "pledge") {
      agree.checked = false;
      pledgeProblem("");
    }
    if (name === "sign") {
      pad.clear();
      drawnAt = null;
      signProblem("");
      review.hidden = true;
      pad.on();
      resizePad();
    }
  }

  function fillPerson(person) {
    root.querySelectorAll("[data-field]").forEach((element) => {
      element.textContent = person[element.dataset.field] || "—";
    });
  }

  function alertMessage(text) {
    const box = document.getElementById("kiosk-alert");
    box.textContent = text;
    box.hidden = !text;
  }

  function setOnline(online) {
    document.getElementById("network-status").hidden = online;
  }

  function showQueueCount() {
    const counts = queue.counts();
    const status = document.getElementById("queue-status");
    status.hidden = counts.pending === 0;
    status.textContent = counts.pending + " tanda tangan menunggu dikirim";
    const stuck = document.getElementById("undeliverable-status");
    stuck.hidden = counts.undeliverable === 0;
    stuck.textContent = counts.undeliverable + " tanda tangan tidak terkirim";
  }

  // A screen that says what happened to a signature and what to do next.
  function tell(heading, text) {
    document.getElementById("outcome-title").textContent = heading;
    document.getElementById("outcome-message").textContent = text;
    show("outcome");
  }

  root.addEventListener("click", (event) => {
    const target = event.target.closest("[data-go]");
    if (!target) return;
    if (["pledge", "sign"].includes(target.dataset.go) && !current) return show("search");
    show(target.dataset.go);
  });

  // --- search -------------------------------------------------------------------

  const searchInput = document.getElementById("search-input");
  const searchResults = document.getElementById("search-results");
  const searchEmpty = document.getElementById("search-empty");

  function renderResults(people) {
    searchResults.replaceChildren(
      ...people.map((person) => {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "kiosk-result";
        const name = document.createElement("strong");
        name.textContent = person.name;
        const detail = document.createElement("span");
        detail.textContent = [
          person.position,
          person.agency,
          person.nip,
          person.representative ? "diwakili oleh " + person.representative : "",
        ]
          .filter(Boolean)
          .join(" · ");
        button.append(name, detail);
        button.addEventListener("click", () => choose(person));
        item.append(button);
        return item;
      }),
    );
  }

  function choose(person) {
    if (stationEnded) return tellStationEnded();
    if (storageFull) return tellStorageFull();
    current = { ...person }; // a representative typed here belongs to this visit only
    // One recorded by staff signs on behalf of the official: the pad says so.
    if (person.representative) current.signer = person.representative + " a.n. " + person.name;
    fillPerson({ ...current, name: current.signer || current.name });
    show("confirm");
  }

  // --- someone signing "mewakili" the official chosen ---------------------------

  const representForm = document.getElementById("represent-form");

  function representProblem(text) {
    const errorBox = document.getElementById("represent-error");
    errorBox.textContent = text;
    errorBox.hidden = !text;
  }

  if (representForm) {
    document.getElementById("represent-start").addEventListener("click", () => {
      if (!current) return show("search");
      representForm.reset();
      representProblem("");
      fillPerson({ ...current, official: current.name });
      show("represent");
    });
    representForm.addEventListener("input", () => representProblem(""));
    representForm.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!current) return show("search");
      const data = Object.fromEntries(new FormData(representForm));
      const missing = Array.from(representForm.elements).find(
        (field) => field.required && !String(field.value).trim(),
      );
      if (missing) {
        missing.focus();
        return representProblem("Isi " + missing.labels[0].firstChild.textContent.trim().toLowerCase() + ".");
      }
      current.representative = data;
      // Who signs, on behalf of whom: what the pledge and the pad say from here on.
      current.signer = data.full_name.trim() + " a.n. " + current.name;
      fillPerson({ ...current, name: current.signer });
      show("pledge");
    });
  }

  // As the server searches: composed (NFC) letters, any Unicode digits as ASCII.
  function searchable(text) {
    return text
      .normalize("NFC")
      .toLowerCase()
      .replace(/\p{Nd}/gu, (digit) => String(digitValue(digit)));
  }

  function digitValue(digit) {
    // Unicode puts each script's digits 0-9 in a run of ten code points.
    const code = digit.codePointAt(0);
    for (let zero = code; zero > code - 10; zero--) {
      if (!/\p{Nd}/u.test(String.fromCodePoint(zero - 1))) return code - zero;
    }
    return code % 10;
  }

  // The list as the server last gave it, and when (0: only the copy kept
  // from before this page loaded). While it is fresh a name it lists is
  // found here, without asking the server: a signer's searches were a
  // quarter of the server's work. A name it does not list (a walk-in at
  // another tablet, staff adding someone) is asked of the server.
  const LIST_FRESH_MS = 90000; // three refreshes of 30 s
  let list = null;
  let listAt = 0;

  function listed() {
    if (!list) list = load(LIST_KEY, []);
    return list;
  }

  function isNipQuery(query) {
    return /^\d+$/.test(searchable(query).replace(/[\s\p{Zs}.-]/gu, ""));
  }

  function searchLocally(query) {
    query = searchable(query);
    const words = query.split(/\s+/).filter(Boolean);
    const digits = query.replace(/[\s\p{Zs}.-]/gu, "");
    return listed().filter((person) => {
      if (/^\d+$/.test(digits)) return person.nip.replace(/\D/g, "").includes(digits);
      const name = searchable(person.name);
      return words.every((word) => name.includes(word));
    });
  }

  let searchDelay = null;
  searchInput.addEventListener("input", () => {
    clearTimeout(searchDelay);
    searchDelay = setTimeout(search, 250);
  });

  async function search() {
    const query = searchInput.value.trim();
    const seq = ++searchSeq;
    if (query.length < 2) {
      renderResults([]);
      searchEmpty.hidden = true;
      return;
    }
    const waiting = queue.signatoryIds();
    const unqueued = (found) => found.filter((person) => !waiting.has(person.id));
    // Names only: the list's NIPs are masked, so digits are the server's to match.
    let people =
      Date.now() - listAt < LIST_FRESH_MS && !isNipQuery(query)
        ? unqueued(searchLocally(query))
        : [];
    if (people.length) {
      if (stationEnded) return tellStationEnded();
      renderResults(people.slice(0, 30));
      searchEmpty.hidden = true;
      return;
    }
    try {
      const url = config.signatoriesUrl + "?q=" + encodeURIComponent(query);
      const { status, body } = await api(url);
      people = status === 200 ? body.signatories : searchLocally(query);
      refuseIfStationEnded(status, body);
    } catch (error) {
      people = searchLocally(query);
    }
    if (seq !== searchSeq) return; // a newer search has answered already
    if (stationEnded) return tellStationEnded();
    people = unqueued(people).slice(0, 30);
    renderResults(people);
    searchEmpty.hidden = people.length > 0;
  }

  // Kept for searching by name while the network is down.
  async function refreshList() {
    try {
      const { status, body } = await api(config.signatoriesUrl);
      if (status === 200) {
        list = body.signatories;
        listAt = Date.now();
        try {
          localStorage.setItem(LIST_KEY, JSON.stringify(body.signatories));
        } catch (error) {
          /* no room for the list: searching offline uses the one kept before */
        }
      }
      refuseIfStationEnded(status, body);
    } catch (error) {
      /* offline: keep the list we have */
    }
  }

  function refuseIfStationEnded(status, body) {
    if (status === 403 && STATION_CODES.includes(body.code)) {
      stationEnded = body;
      alertMessage(body.error);
    }
  }

  function tellStationEnded() {
    tell(
      "Meja tidak dapat dipakai",
      stationEnded.error + " Tablet ini tidak menerima tanda tangan baru sampai petugas " +
        "menghubungkannya ke meja lain.",
    );
  }

  function undeliveredText(refusal) {
    const reason =
      refusal.code === "station_revoked"
        ? "Meja ini sudah dicabut oleh petugas, jadi server belum menerima tanda tangan Anda."
        : refusal.code === "event_closed"
          ? "Kegiatan ini sudah ditutup, jadi server tidak menerima tanda tangan Anda."
          : refusal.message;
    const next =
      refusal.code === "station_revoked"
        ? " Tanda tangan akan terkirim setelah petugas menghubungkan tablet ini ke meja baru."
        : "";
    return (
      reason +
      " Tanda tangan Anda tetap tersimpan di tablet ini sebagai “tidak terkirim” dan " +
      "petugas dapat melihatnya. Mohon beri tahu petugas Bawaslu." +
      next
    );
  }

  // --- the pad ------------------------------------------------------------------

  const canvas = document.getElementById("signature-pad");
  const pad = new window.SignaturePad(canvas, { minWidth: 1, maxWidth: 3, penColor: "#000" });
  const agree = document.getElementById("agree");
  const signError = document.getElementById("sign-error");
  const pledgeError = document.getElementById("pledge-error");
  const review = document.getElementById("sign-review");
  let padSize = null;
  // The strokes as drawn and the pad's size then: each resize scales from
  // these, so turning the tablet back and forth never shrinks a signature.
  let drawnAt = null;

  // Sizes the canvas for the screen's pixel density. On a 10-inch tablet the
  // pad keeps one size in both orientations (kiosk.css), so a turned tablet
  // redraws a half-drawn signature where it was; where the pad must change
  // size (a phone), the signature is scaled evenly from how it was drawn.
  function resizePad() {
    const width = canvas.offsetWidth;
    const height = canvas.offsetHeight;
    if (!width || !height) return;
    if (padSize && padSize.width === width && padSize.height === height) return;
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    if (!drawnAt && padSize && !pad.isEmpty()) drawnAt = { size: padSize, data: pad.toData() };
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.getContext("2d").scale(ratio, ratio);
    padSize = { width, height };
    pad.clear();
    if (drawnAt) {
      const scale = Math.min(width / drawnAt.size.width, height / drawnAt.size.height);
      pad.fromData(
        drawnAt.data.map((group) =>
          Object.assign({}, group, {
            points: group.points.map((point) =>
              Object.assign({}, point, { x: point.x * scale, y: point.y * scale }),
            ),
          }),
        ),
      );
    }
  }
  window.addEventListener("resize", resizePad);
  window.addEventListener("orientationchange", resizePad);
  // A new stroke is drawn at the pad's present size: from now on that is the reference.
  pad.addEventListener("beginStroke", () => {
    drawnAt = null;
    signProblem("");
  });

  document.getElementById("pad-clear").addEventListener("click", () => {
    drawnAt = null;
    pad.clear();
  });
  document.getElementById("pad-undo").addEventListener("click", () => {
    drawnAt = null;
    const data = pad.toData();
    data.pop();
    pad.fromData(data);
  });

  function pledgeProblem(text) {
    pledgeError.textContent = text;
    pledgeError.hidden = !text;
  }
  agree.addEventListener("change", () => pledgeProblem(""));
  document.getElementById("pledge-next").addEventListener("click", () => {
    if (!current) return show("search");
    if (!agree.checked) {
      return pledgeProblem("Centang pernyataan bahwa Anda telah membaca dan menyetujui ikrar.");
    }
    show("sign");
  });

  function strokesFromPad() {
    const groups = pad.toData().filter((group) => group.points.length);
    const times = groups.flatMap((group) => group.points.map((point) => point.time));
    const start = Math.min(...times);
    const round = (value, places) => Number(value.toFixed(places));
    // Each point as [x, y, t, p] (pledges/strokes.py): half the bytes of
    // objects, on venue Wi-Fi and in the offline queue.
    return groups.map((group) =>
      group.points.map((point) => [
        round(point.x, 2),
        round(point.y, 2),
        Math.max(0, Math.round(point.time - start)),
        round(Math.min(1, Math.max(0, point.pressure || 0)), 3),
      ]),
    );
  }

  function enoughInk(strokes) {
    let length = 0;
    const xs = [];
    const ys = [];
    strokes.forEach((stroke) => {
      stroke.forEach(([x, y], index) => {
        xs.push(x);
        ys.push(y);
        if (index) length += Math.hypot(x - stroke[index - 1][0], y - stroke[index - 1][1]);
      });
    });
    if (!xs.length) return false;
    const extent = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
    return length >= MIN_INK_LENGTH && extent >= MIN_INK_EXTENT;
  }

  function signProblem(text) {
    signError.textContent = text;
    signError.hidden = !text;
  }

  document.getElementById("sign-next").addEventListener("click", () => {
    if (pad.isEmpty() || !enoughInk(strokesFromPad())) {
      return signProblem("Tanda tangan masih kosong atau terlalu kecil. Silakan tanda tangan di kotak.");
    }
    signProblem("");
    pad.off();
    review.hidden = false;
    document.getElementById("sign-submit").focus();
  });
  document.getElementById("sign-back").addEventListener("click", () => {
    review.hidden = true;
    pad.on();
  });

  // --- sending --------------------------------------------------------------------

  document.getElementById("sign-submit").addEventListener("click", async () => {
    if (!current) return show("search");
    const submitButton = document.getElementById("sign-submit");
    submitButton.disabled = true;
    const item = {
      idempotency_key: crypto.randomUUID(),
      event: EVENT,
      taken_at_station: Number(config.station),
      signatory_id: current.id,
      name: current.signer || current.name,
      representative: current.representative,
      strokes: strokesFromPad(),
      canvas_width: canvas.offsetWidth,
      canvas_height: canvas.offsetHeight,
      pledge_sha256: config.pledgeSha256,
      queued_at: Date.now(),
    };
    try {
      await queue.add(item); // first on the tablet, then on the wire
    } catch (error) {
      // Not on the disk, so not taken: said so, and nothing is sent.
      submitButton.disabled = false;
      storageFull = true;
      showRoom(0);
      return tellStorageFull();
    }
    showQueueCount();
    checkRoom();
    const outcome = await send(item, true);
    submitButton.disabled = false;
    if (outcome.undeliverable) {
      fillPerson({ name: item.name });
      return tell("Tanda tangan Anda belum terkirim", undeliveredText(outcome.undeliverable));
    }
    if (outcome.refused && outcome.fixable) {
      // The signer can put it right on this screen (too little ink, say).
      review.hidden = true;
      pad.on();
      return signProblem(outcome.message);
    }
    if (outcome.refused) {
      return tell(
        "Tanda tangan tidak diterima",
        outcome.message + " Jika menurut Anda ini keliru, hubungi petugas Bawaslu.",
      );
    }
    thank(item.name, outcome.stored, outcome.signature);
    scheduleFlush(outcome.stored ? 0 : backoffMs);
  });

  function thank(name, stored, signature) {
    fillPerson({ name });
    document.getElementById("thanks-message").textContent = stored
      ? "Tanda tangan Anda sudah tersimpan."
      : "Tanda tangan Anda tersimpan di tablet ini dan akan terkirim otomatis saat jaringan kembali.";
    showCopy(null, stored ? "" : "Salinan untuk ponsel belum dapat diberikan karena tanda tangan belum terkirim. Petugas Bawaslu dapat mencetak pakta integritas Anda nanti.");
    show("thanks");
    thanksTimer = setTimeout(() => show("search"), Number(config.thanksSeconds) * 1000);
    if (stored && signature) offerCopy(signature);
  }

  // The signer's own copy: a QR code for their phone, asked for once the signature is stored.
  function showCopy(copy, note) {
    document.getElementById("thanks-copy").hidden = !copy;
    document.getElementById("thanks-qr").innerHTML = copy ? copy.qr : ""; // segno's SVG, from our server
    document.getElementById("thanks-code").textContent = copy ? copy.code : "";
    document.getElementById("thanks-minutes").textContent = copy ? copy.minutes : "";
    const noCopy = document.getElementById("thanks-no-copy");
    noCopy.textContent = note;
    noCopy.hidden = !note;
  }

  async function offerCopy(signature) {
    let result = null;
    try {
      result = await api(config.copyUrl, { body: { signature } });
    } catch (error) {
      result = null;
    }
    if (document.getElementById("screen-thanks").hidden) return; // the signer has gone on
    if (result && result.status === 201) {
      showCopy(result.body, "");
      // Time to take out a phone and scan; "Selesai" ends it sooner.
      clearTimeout(thanksTimer);
      thanksTimer = setTimeout(() => show("search"), Number(config.copySeconds) * 1000);
    } else {
      showCopy(null, "Kode salinan tidak dapat dibuat saat ini. Petugas Bawaslu dapat mencetak pakta integritas Anda nanti.");
    }
  }

  // One attempt for one queued signature: {stored}, {undeliverable}, {refused} or {waiting}.
  //
  // `signerHere`: sent as the signer watches, who is told of a refusal of the
  // signature itself (already signed, too little ink) and may put it right;
  // such a signature leaves the queue. Sent later from the queue, the same
  // refusal keeps it as undeliverable, for staff to see.
  async function send(item, signerHere = false) {
    let result;
    try {
      result = await api(config.signUrl, { body: item });
    } catch (error) {
      return { waiting: true };
    }
    if (result.status === 200 || result.body.code === "already_signed") {
      // Signed: no longer one the list offers (the server's next list agrees).
      if (list) list = list.filter((person) => person.id !== item.signatory_id);
    }
    if (result.status === 200) {
      await forget(item);
      return { stored: true, signature: result.body.signature };
    }
    const code = result.body.code || "";
    const message = result.body.error || "Tanda tangan ditolak.";
    const stationRefused = result.status === 403 && STATION_CODES.includes(code);
    // Anything else the server will answer the same however often we ask.
    const final = code && result.status >= 400 && result.status < 500 && result.status !== 429;
    if (stationRefused || (final && !signerHere)) {
      refuseIfStationEnded(result.status, result.body);
      const undeliverable = { code, message, status: result.status };
      try {
        await queue.update(item.idempotency_key, { undeliverable });
      } catch (error) {
        item.undeliverable = undeliverable; // in memory at least; the disk keeps the signature
      }
      showQueueCount();
      return { undeliverable };
    }
    if (final) {
      await forget(item);
      return { refused: true, message, fixable: result.status === 422 || result.status === 413 };
    }
    return { waiting: true };
  }

  // The server has answered for this signature: it leaves the tablet.
  async function forget(item) {
    try {
      await queue.remove(item.idempotency_key);
    } catch (error) {
      /* still on the disk: sent again later, and the key makes that harmless */
    }
    showQueueCount();
    checkRoom();
  }

  function scheduleFlush(delay) {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(flush, delay);
  }

  async function flush() {
    if (flushing) return;
    flushing = true;
    try {
      for (const item of queue.pending()) {
        if (stationEnded) return; // the server would refuse each of them the same way
        const outcome = await send(item);
        if (outcome.waiting) {
          backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
          scheduleFlush(backoffMs + Math.random() * 500);
          return;
        }
      }
      backoffMs = 1000;
    } finally {
      flushing = false;
    }
  }

  window.addEventListener("online", () => {
    backoffMs = 1000;
    scheduleFlush(0);
  });

  // --- walk-in ----------------------------------------------------------------

  const walkInForm = document.getElementById("walk-in-form");
  // Mirrors pledges.signatories.check_led_region: which regions each leader may choose.
  const LEADS = {
    camat: { label: "Kecamatan yang Anda pimpin", villages: null },
    lurah: { label: "Kelurahan yang Anda pimpin", villages: true },
    kepala_desa: { label: "Desa yang Anda pimpin", villages: false },
  };
  let regionList = null;

  async function regionsOfEvent() {
    if (regionList) return regionList;
    const { status, body } = await api(config.regionsUrl);
    if (status !== 200) throw new Error(body.error || "Daftar wilayah tidak dapat dimuat.");
    regionList = body.districts;
    return regionList;
  }

  function option(value, text) {
    const element = document.createElement("option");
    element.value = value;
    element.textContent = text;
    return element;
  }

  async function offerRegions() {
    const box = document.getElementById("walk-in-region");
    const select = document.getElementById("walk-in-region-select");
    const leads = LEADS[walkInForm.elements.category.value];
    select.replaceChildren();
    box.hidden = !leads;
    if (!leads) return;
    document.getElementById("walk-in-region-label").textContent = leads.label;
    select.append(option("", "— memuat daftar… —"));
    let districts;
    try {
      districts = await regionsOfEvent();
    } catch (error) {
      select.replaceChildren(option("", "— daftar wilayah belum dapat dimuat —"));
      return walkInProblem("Daftar wilayah memerlukan jaringan. Coba lagi sebentar lagi.");
    }
    if (LEADS[walkInForm.elements.category.value] !== leads) return; // changed meanwhile
    const choices = [option("", "— pilih —")];
    districts.forEach((district) => {
      if (leads.villages === null) {
        choices.push(option(district.code, "Kec. " + district.name));
        return;
      }
      const group = document.createElement("optgroup");
      group.label = "Kec. " + district.name;
      district.villages
        .filter((village) => village.kelurahan === leads.villages)
        .forEach((village) => group.append(option(village.code, village.name)));
      if (group.children.length) choices.push(group);
    });
    select.replaceChildren(...choices);
  }

  function walkInProblem(text) {
    const errorBox = document.getElementById("walk-in-error");
    errorBox.textContent = text;
    errorBox.hidden = !text;
  }

  if (walkInForm) {
    walkInForm.elements.category.addEventListener("change", () => {
      walkInProblem("");
      offerRegions();
    });
    // An error stays only until the signer puts something right.
    walkInForm.addEventListener("input", () => walkInProblem(""));
    walkInForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const errorBox = document.getElementById("walk-in-error");
      const data = Object.fromEntries(new FormData(walkInForm));
      delete data.csrfmiddlewaretoken;
      let result;
      try {
        result = await api(config.walkInUrl, { body: data });
      } catch (error) {
        errorBox.textContent = "Pendaftaran di tempat memerlukan jaringan. Coba lagi sebentar lagi.";
        errorBox.hidden = false;
        return;
      }
      if (result.status !== 201) {
        errorBox.textContent = result.body.error || "Pendaftaran gagal.";
        errorBox.hidden = false;
        return;
      }
      errorBox.hidden = true;
      walkInForm.reset();
      offerRegions();
      current = result.body.signatory;
      fillPerson(current);
      show("pledge");
    });
  }

  // --- start ---------------------------------------------------------------------

  if ("serviceWorker" in navigator && config.serviceWorkerUrl) {
    navigator.serviceWorker
      .register(config.serviceWorkerUrl, { scope: config.homeUrl })
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        // The first visit was not yet under the worker: hand it the shell's files.
        const urls = [config.homeUrl].concat(
          Array.from(document.querySelectorAll("script[src], link[rel=stylesheet], img[src]")).map(
            (element) => element.src || element.href,
          ),
        );
        registration.active.postMessage({ type: "precache", urls });
      })
      .catch(() => {
        /* no worker: the kiosk still works while the page stays open */
      });
  }

  async function start() {
    try {
      await queue.open();
      await queue.adopt();
    } catch (error) {
      // No IndexedDB here: nothing can be kept, so nothing is taken.
      storageFull = true;
      alertMessage(
        "Tablet ini tidak dapat menyimpan tanda tangan (penyimpanan browser tidak tersedia). " +
          "Hubungi petugas Bawaslu.",
      );
    }
    // A name typed before this script ran is searched once the queue is read,
    // so nobody whose signature waits in it is offered again.
    if (searchInput.value.trim()) search();
    if (navigator.storage && navigator.storage.persist) {
      // Asks the browser never to clear the queue to make room for others.
      navigator.storage.persist().catch(() => {});
    }
    await checkRoom();
    showQueueCount();
    refreshList();
    scheduleFlush(0);
    // The queue is open and the list asked for: what tests (and people) wait for.
    root.dataset.ready = "true";
    setInterval(() => {
      refreshList();
      checkRoom();
      if (!flushing && queue.pending().length) scheduleFlush(0);
    }, 30000);
  }

  // A signer may type while this script is still on its way: keep what they typed.
  const typedEarly = searchInput.value;
  show("search");
  searchInput.value = typedEarly;
  start();
})();
