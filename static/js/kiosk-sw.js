/* Service worker of the signing tablet, served from /meja/sw.js so that it
 * controls the kiosk pages. The kiosk page comes from the network when it
 * can (so a revoked station or a closed event shows at once) and from the
 * cache when the venue's network is down; static files and the unit's logo
 * come from the cache and are refreshed behind it. API calls are never cached: signatures are
 * queued by kiosk.js, not here.
 */
"use strict";

const CACHE = "netralitas-kiosk-v1";

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "precache" && Array.isArray(event.data.urls)) {
    const urls = event.data.urls.filter((url) => new URL(url, self.location).origin === self.location.origin);
    event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(urls)));
  }
});

function shellFromNetwork(request) {
  return fetch(request)
    .then((response) => {
      if (response.ok) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(request.url, copy));
      }
      return response;
    })
    .catch(() =>
      caches
        .match(request.url, { ignoreVary: true })
        .then((cached) => cached || caches.match(new URL("./", self.location).href, { ignoreVary: true })),
    );
}

function staticFromCache(request) {
  return caches.open(CACHE).then((cache) =>
    cache.match(request).then((cached) => {
      const fresh = fetch(request)
        .then((response) => {
          if (response.ok) cache.put(request, response.clone());
          return response;
        })
        .catch(() => cached);
      return cached || fresh;
    }),
  );
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === new URL("./", self.location).pathname) {
    event.respondWith(shellFromNetwork(request));
  } else if (url.pathname.startsWith("/static/") || url.pathname === new URL("logo/", self.location).pathname) {
    event.respondWith(staticFromCache(request));
  }
});
