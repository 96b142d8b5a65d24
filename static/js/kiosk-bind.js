/* Binding a tablet to its station from the link staff gave it: /meja/hubungkan/#<token>.
 *
 * The token is in the fragment, which browsers never send to the server, so
 * no access log (gunicorn, nginx, a proxy) can record it. It is taken out of
 * the address bar and the history at once, then POSTed once; the server sets
 * the tablet's binding cookie and says where to go.
 */
(function () {
  "use strict";

  const root = document.getElementById("kiosk-bind");
  if (!root) return;
  const title = document.getElementById("bind-title");
  const message = document.getElementById("bind-message");
  const retry = document.getElementById("bind-retry");
  const retryBox = document.getElementById("bind-retry-box");

  let token = "";

  // Takes the token out of the address bar and the history before anything else.
  function takeToken() {
    let found = "";
    try {
      found = decodeURIComponent(location.hash.slice(1)).trim();
    } catch (error) {
      found = "";
    }
    if (location.hash) history.replaceState(null, "", location.pathname + location.search);
    return found;
  }

  function say(heading, text, canRetry) {
    title.textContent = heading;
    message.textContent = text;
    retryBox.hidden = !canRetry;
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  async function bind() {
    say("Menghubungkan tablet ke meja…", "Tunggu sebentar.", false);
    let response;
    let body = {};
    try {
      response = await fetch(root.dataset.bindUrl, {
        method: "POST",
        headers: {
          Accept: "application/json",
          "Content-Type": "application/json",
          "X-CSRFToken": csrfToken(),
        },
        body: JSON.stringify({ token }),
        credentials: "same-origin",
        cache: "no-store",
      });
      body = await response.json();
    } catch (error) {
      if (!response) {
        // The token is still in this page's memory: trying again needs no new scan.
        return say(
          "Server tidak dapat dihubungi",
          "Periksa jaringan Wi-Fi tablet, lalu sentuh “Coba lagi”.",
          true,
        );
      }
    }
    if (response.ok && body.next) {
      location.replace(body.next);
      return;
    }
    say(
      "Meja tidak dapat dipakai",
      body.error || "Tablet tidak dapat dihubungkan. Minta kode QR baru kepada petugas.",
      response.status >= 500,
    );
  }

  function start() {
    token = takeToken();
    if (!token) {
      say(
        "Tablet belum terhubung ke meja",
        "Pindai kode QR atau buka tautan meja yang ditampilkan petugas pada halaman Meja tanda tangan.",
        false,
      );
      return;
    }
    bind();
  }

  retry.addEventListener("click", bind);
  // A second link opened on this page changes only the fragment: no new page load.
  window.addEventListener("hashchange", () => {
    if (location.hash.length > 1) start();
  });
  start();
})();
