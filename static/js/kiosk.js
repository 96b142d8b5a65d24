/* The signing tablet: search → confirm → pledge and pad → send → thanks.
 *
 * A signature is written to localStorage before it is sent, and leaves it
 * only when the server has answered for it, so a dropped network never
 * loses one. Each carries an idempotency key made here, so sending it again
 * after a lost answer cannot make a second signature.
 */
(function () {
  "use strict";

  const root = document.getElementById("kiosk");
  if (!root) return;
  const config = root.dataset;
  const QUEUE_KEY = "netralitas.queue." + config.station;
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

  // --- storage --------------------------------------------------------------

  function load(key, fallback) {
    try {
      return JSON.parse(localStorage.getItem(key)) || fallback;
    } catch (error) {
      return fallback;
    }
  }
  const queue = {
    all: () => load(QUEUE_KEY, []),
    save: (items) => localStorage.setItem(QUEUE_KEY, JSON.stringify(items)),
    add(item) {
      this.save(this.all().concat([item]));
    },
    remove(key) {
      this.save(this.all().filter((item) => item.idempotency_key !== key));
    },
    signatoryIds: () => new Set(load(QUEUE_KEY, []).map((item) => item.signatory_id)),
  };

  // --- HTTP -------------------------------------------------------------------

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // Resolves to {status, body}; rejects only when the server was not reached.
  async function api(url, options = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    const headers = {
      Accept: "application/json",
      "X-Pending-Signatures": String(queue.all().length),
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
    if (name === "sign") {
      pad.clear();
      agree.checked = false;
      signError.hidden = true;
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
    const count = queue.all().length;
    const status = document.getElementById("queue-status");
    status.hidden = count === 0;
    status.textContent = count + " tanda tangan menunggu dikirim";
  }

  root.addEventListener("click", (event) => {
    const target = event.target.closest("[data-go]");
    if (!target) return;
    if (target.dataset.go === "sign" && !current) return show("search");
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
        detail.textContent = [person.position, person.agency, person.nip]
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
    current = person;
    fillPerson(person);
    show("confirm");
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

  function searchLocally(query) {
    query = searchable(query);
    const words = query.split(/\s+/).filter(Boolean);
    const digits = query.replace(/[\s\p{Zs}.-]/gu, "");
    return load(LIST_KEY, []).filter((person) => {
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
    let people;
    try {
      const url = config.signatoriesUrl + "?q=" + encodeURIComponent(query);
      const { status, body } = await api(url);
      people = status === 200 ? body.signatories : searchLocally(query);
      refuseIfStationEnded(status, body);
    } catch (error) {
      people = searchLocally(query);
    }
    if (seq !== searchSeq) return; // a newer search has answered already
    const waiting = queue.signatoryIds();
    people = people.filter((person) => !waiting.has(person.id)).slice(0, 30);
    renderResults(people);
    searchEmpty.hidden = people.length > 0;
  }

  // Kept for searching by name while the network is down.
  async function refreshList() {
    try {
      const { status, body } = await api(config.signatoriesUrl);
      if (status === 200) localStorage.setItem(LIST_KEY, JSON.stringify(body.signatories));
      refuseIfStationEnded(status, body);
    } catch (error) {
      /* offline: keep the list we have */
    }
  }

  function refuseIfStationEnded(status, body) {
    if (status === 403 && body.code) alertMessage(body.error);
  }

  // --- the pad ------------------------------------------------------------------

  const canvas = document.getElementById("signature-pad");
  const pad = new window.SignaturePad(canvas, { minWidth: 1, maxWidth: 3, penColor: "#000" });
  const agree = document.getElementById("agree");
  const signError = document.getElementById("sign-error");
  const review = document.getElementById("sign-review");
  let padSize = null;

  // Sizes the canvas for the screen's pixel density; when the pad's size
  // changes (a turned tablet), the half-drawn signature is scaled evenly and
  // drawn again instead of being lost or stretched.
  function resizePad() {
    const width = canvas.offsetWidth;
    const height = canvas.offsetHeight;
    if (!width || !height) return;
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    const data = pad.toData();
    const scale = padSize ? Math.min(width / padSize.width, height / padSize.height) : 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.getContext("2d").scale(ratio, ratio);
    padSize = { width, height };
    pad.clear();
    if (data.length) {
      data.forEach((group) => {
        group.points = group.points.map((point) =>
          Object.assign({}, point, { x: point.x * scale, y: point.y * scale }),
        );
      });
      pad.fromData(data);
    }
  }
  window.addEventListener("resize", resizePad);
  window.addEventListener("orientationchange", resizePad);

  document.getElementById("pad-clear").addEventListener("click", () => pad.clear());
  document.getElementById("pad-undo").addEventListener("click", () => {
    const data = pad.toData();
    data.pop();
    pad.fromData(data);
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
    if (!agree.checked) {
      return signProblem("Centang pernyataan bahwa Anda telah membaca dan menyetujui ikrar.");
    }
    signProblem("");
    pad.off();
    review.hidden = false;
    review.scrollIntoView({ block: "center" });
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
      signatory_id: current.id,
      name: current.name,
      strokes: strokesFromPad(),
      canvas_width: canvas.offsetWidth,
      canvas_height: canvas.offsetHeight,
      pledge_sha256: config.pledgeSha256,
    };
    queue.add(item); // first on the tablet, then on the wire
    showQueueCount();
    const outcome = await send(item);
    submitButton.disabled = false;
    if (outcome.refused) {
      review.hidden = true;
      pad.on();
      return signProblem(outcome.message);
    }
    thank(item.name, outcome.stored);
    scheduleFlush(outcome.stored ? 0 : backoffMs);
  });

  function thank(name, stored) {
    fillPerson({ name });
    document.getElementById("thanks-message").textContent = stored
      ? "Tanda tangan Anda sudah tersimpan."
      : "Tanda tangan Anda tersimpan di tablet ini dan akan terkirim otomatis saat jaringan kembali.";
    show("thanks");
    thanksTimer = setTimeout(() => show("search"), Number(config.thanksSeconds) * 1000);
  }

  // One attempt for one queued signature: {stored}, {refused, message} or {waiting}.
  async function send(item) {
    let result;
    try {
      result = await api(config.signUrl, { body: item });
    } catch (error) {
      return { waiting: true };
    }
    if (result.status === 200) {
      queue.remove(item.idempotency_key);
      showQueueCount();
      return { stored: true };
    }
    // A refusal the server will repeat however often we ask (already signed
    // elsewhere, bad strokes): tell the people at the table, then let it go.
    if (result.status >= 400 && result.status < 500 && ![403, 408, 429].includes(result.status)) {
      queue.remove(item.idempotency_key);
      showQueueCount();
      return { refused: true, message: result.body.error || "Tanda tangan ditolak." };
    }
    refuseIfStationEnded(result.status, result.body);
    return { waiting: true };
  }

  function scheduleFlush(delay) {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(flush, delay);
  }

  async function flush() {
    if (flushing) return;
    flushing = true;
    try {
      for (const item of queue.all()) {
        const outcome = await send(item);
        if (outcome.waiting) {
          backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
          scheduleFlush(backoffMs + Math.random() * 500);
          return;
        }
        if (outcome.refused) alertMessage(item.name + ": " + outcome.message);
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
  if (walkInForm) {
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
      current = result.body.signatory;
      fillPerson(current);
      show("sign");
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
          Array.from(document.querySelectorAll("script[src], link[rel=stylesheet]")).map(
            (element) => element.src || element.href,
          ),
        );
        registration.active.postMessage({ type: "precache", urls });
      })
      .catch(() => {
        /* no worker: the kiosk still works while the page stays open */
      });
  }

  showQueueCount();
  refreshList();
  scheduleFlush(0);
  setInterval(() => {
    refreshList();
    if (!flushing && queue.all().length) scheduleFlush(0);
  }, 30000);
  show("search");
})();
