/* The venue screen: the pledge read point by point, then the wall of who has signed.
 *
 * The screen's token comes in the link's fragment (/layar/#<token>), which no
 * server sees; it is kept in this tab's sessionStorage (a reload keeps it)
 * and sent in a header. The screen polls a small JSON answer every few
 * seconds, saying which version it holds: unchanged, the answer is an empty
 * 304. When the network drops it keeps what it shows and says, discreetly,
 * that it is reconnecting. Arrow keys, space, Page Up/Down (a presenter's
 * clicker) and a click move the reading; staff can move it from their page.
 */
(function () {
  "use strict";

  const root = document.getElementById("venue");
  if (!root) return;
  const POLL_MS = 2000;
  const MAX_BACKOFF_MS = 10000;
  const TIMEOUT_MS = 8000;
  const MAX_SIGNERS = 60;
  const TOKEN_KEY = "netralitas.display";
  const $ = (id) => document.getElementById(id);

  let token = "";
  let version = "";
  let since = 0;
  let state = null; // {step, wall_step, parts, ...}
  let signers = [];
  let backoff = POLL_MS;
  let timer = null;
  let stopped = false;

  function takeToken() {
    let found = "";
    try {
      found = decodeURIComponent(location.hash.slice(1)).trim();
    } catch (error) {
      found = "";
    }
    if (location.hash) history.replaceState(null, "", location.pathname + location.search);
    try {
      if (found) sessionStorage.setItem(TOKEN_KEY, found);
      else found = sessionStorage.getItem(TOKEN_KEY) || "";
    } catch (error) {
      /* private mode: the token lives as long as the page */
    }
    return found;
  }

  function showOnly(id) {
    ["venue-message", "venue-reading", "venue-wall"].forEach((name) => {
      $(name).hidden = name !== id;
    });
  }

  function message(title, text) {
    $("message-title").textContent = title;
    $("message-text").textContent = text;
    showOnly("venue-message");
  }

  function reconnecting(on) {
    $("venue-status").hidden = !on;
  }

  async function call(url, options = {}) {
    const controller = new AbortController();
    const abort = setTimeout(() => controller.abort(), TIMEOUT_MS);
    const headers = { Accept: "application/json", "X-Display-Token": token };
    if (options.etag) headers["If-None-Match"] = options.etag;
    if (options.body) headers["Content-Type"] = "application/json";
    try {
      return await fetch(url, {
        method: options.body ? "POST" : "GET",
        headers,
        body: options.body ? JSON.stringify(options.body) : undefined,
        credentials: "omit",
        cache: "no-store",
        signal: controller.signal,
      });
    } finally {
      clearTimeout(abort);
    }
  }

  async function refused(response) {
    let body = {};
    try {
      body = await response.json();
    } catch (error) {
      body = {};
    }
    stopped = true;
    clearTimeout(timer);
    signers = [];
    $("wall-signers").replaceChildren();
    $("venue-event").textContent = "";
    reconnecting(false);
    const title = body.code === "display_revoked" ? "Layar ini sudah dicabut" : "Layar tidak dapat dibuka";
    message(title, body.error || "Minta tautan layar baru kepada petugas Bawaslu.");
  }

  // --- drawing -----------------------------------------------------------------

  function fit(box, text) {
    // Shrink the type until the part fits without scrolling; start from the stylesheet's size.
    text.style.fontSize = "";
    let size = parseFloat(getComputedStyle(text).fontSize);
    while ((box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1) && size > 14) {
      size *= 0.92;
      text.style.fontSize = size + "px";
    }
  }

  function drawReading() {
    const parts = state.parts || [];
    const part = parts[state.step];
    if (!part) return;
    const points = parts.filter((item) => item.kind === "point").length;
    $("reading-title").textContent = state.pledge_title || "Ikrar";
    $("reading-where").textContent =
      part.kind === "point" ? "· poin " + part.number + " dari " + points : part.kind === "opening" ? "· pembukaan" : "· penutup";
    const number = $("reading-number");
    number.hidden = part.kind !== "point";
    number.textContent = part.kind === "point" ? part.number + "." : "";
    $("reading-text").textContent = part.text;
    showOnly("venue-reading");
    fit($("reading-box"), $("reading-text"));
  }

  function signerItem(person, fresh) {
    const item = document.createElement("li");
    if (fresh) item.className = "new";
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = person.name;
    const position = document.createElement("span");
    position.className = "position";
    position.textContent = person.position || "";
    item.append(name, position);
    return item;
  }

  function drawWall(fresh) {
    $("wall-signed").textContent = state.signed;
    $("wall-registered").textContent = state.registered;
    const percent = state.registered ? Math.round((100 * state.signed) / state.registered) : 0;
    $("wall-bar").style.width = percent + "%";
    $("wall-progress").setAttribute("aria-valuenow", String(percent));
    $("wall-categories").replaceChildren(
      ...(state.categories || []).map((row) => {
        const item = document.createElement("li");
        const count = document.createElement("strong");
        count.textContent = row.signed + "/" + row.registered;
        item.append(count, " " + row.label);
        return item;
      }),
    );
    const freshIds = new Set(fresh.map((person) => person.id));
    const list = $("wall-signers");
    list.replaceChildren(...signers.map((person) => signerItem(person, freshIds.has(person.id))));
    $("wall-empty").hidden = signers.length > 0;
    // Only whole names: the oldest that would be cut at the bottom are left off.
    if (!$("venue-wall").hidden) {
      while (list.lastElementChild && list.scrollHeight > list.clientHeight + 1) list.lastElementChild.remove();
    }
  }

  function draw(fresh = []) {
    if (!state) return;
    if (state.step >= state.wall_step) {
      showOnly("venue-wall");
      drawWall(fresh);
    } else {
      drawWall([]);
      drawReading();
    }
  }

  // --- polling -----------------------------------------------------------------

  function take(body, first) {
    const fresh = first ? [] : body.signers;
    if (body.signers.length) {
      const known = new Set(signers.map((person) => person.id));
      signers = body.signers.filter((person) => !known.has(person.id)).concat(signers).slice(0, MAX_SIGNERS);
      since = Math.max(since, ...body.signers.map((person) => person.id));
    }
    state = Object.assign(state || {}, body);
    if (wanted !== null) state.step = wanted; // the screen's own move, not yet on the server
    if (body.event) $("venue-event").textContent = body.event.title + " · " + body.event.venue;
    draw(fresh);
  }

  async function poll() {
    if (stopped) return;
    const first = !state;
    const url = root.dataset.stateUrl + "?since=" + since + (first ? "&full=1" : "");
    try {
      const response = await call(url, { etag: first ? "" : version });
      if (response.status === 403 || response.status === 404) return refused(response);
      if (response.status === 200) {
        const body = await response.json();
        version = response.headers.get("ETag") || "";
        take(body, first);
      } else if (response.status !== 304) {
        throw new Error("status " + response.status);
      }
      reconnecting(false);
      backoff = POLL_MS;
      if (wanted !== null) sendStep();
    } catch (error) {
      // Keep what is on screen; try again a little later each time.
      reconnecting(true);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
    if (!stopped) timer = setTimeout(poll, backoff);
  }

  // One step request at a time, always for where the screen is now: two
  // presses in quick succession must not reach the server in the wrong order
  // and leave staff (and a reload) one point behind. Until the server has
  // the screen's own step, a poll does not move the screen back.
  let sending = false;
  let wanted = null; // the step this screen moved to that the server has not confirmed

  async function move(by) {
    if (!state || stopped) return;
    const step = Math.max(0, Math.min(state.wall_step, state.step + by));
    if (step === state.step) return;
    state.step = wanted = step; // at once on screen; the server keeps it for staff and a reload
    draw();
    sendStep();
  }

  async function sendStep() {
    if (sending) return; // the request in flight sends the latest step when it is back
    sending = true;
    try {
      while (!stopped && wanted !== null) {
        const step = wanted;
        const response = await call(root.dataset.stepUrl, { body: { to: step } });
        if (response.status === 403 || response.status === 404) return refused(response);
        if (!response.ok) throw new Error("status " + response.status);
        if (wanted === step) wanted = null;
        reconnecting(false);
      }
    } catch (error) {
      reconnecting(true); // tried again after the next poll or press
    } finally {
      sending = false;
    }
  }

  document.addEventListener("keydown", (event) => {
    const forward = ["ArrowRight", "ArrowDown", "PageDown", " ", "Enter"];
    const back = ["ArrowLeft", "ArrowUp", "PageUp", "Backspace"];
    if (forward.includes(event.key)) move(1);
    else if (back.includes(event.key)) move(-1);
    else if (event.key === "Home") move(-1000);
    else if (event.key === "End") move(1000);
    else return;
    event.preventDefault();
  });
  document.addEventListener("click", () => move(1));
  window.addEventListener("resize", () => draw());

  token = takeToken();
  if (!token) {
    message("Tautan layar tidak lengkap", "Buka tautan layar dari halaman meja petugas, atau pindai kode QR-nya.");
    return;
  }
  poll();
})();
