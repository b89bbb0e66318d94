{% load static %}// ION Portal offline service worker for the irAE guidelines (generated; version {{ version }}).
// After one visit it keeps the index, every guideline page and the task-force page, so they open
// without a network: pages network-first (fresh when online), static files cache-first.
// Only the public version of a page is ever stored: pages are fetched without cookies, so a member's
// phone numbers and on-call rota are never kept in this cache and nothing of theirs survives sign-out.
"use strict";
const CACHE = "ion-toxicity-{{ version }}";
const PAGES = {{ pages_json|safe }};
const STATIC_URL = {{ static_url_json|safe }};
const ASSETS = [
  "{% static 'css/base.css' %}", "{% static 'css/components.css' %}", "{% static 'css/print.css' %}",
  "{% static 'css/toxicity.css' %}", "{% static 'js/site.js' %}", "{% static 'js/toxicity.js' %}",
  "{% static 'img/favicon.svg' %}", "{% static 'js/early.js' %}"
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      // One page after the other (gentle on a weak connection and on the server); one failing page
      // must not stop the others from being stored.
      PAGES.concat(ASSETS).reduce((chain, url) => chain.then(() =>
        fetch(url, { credentials: "omit" }).then((response) => {
          if (response.ok) { return cache.put(url, response); }
          return undefined;
        }).catch(() => undefined)
      ), Promise.resolve())
    ).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(
      keys.filter((key) => key.startsWith("ion-toxicity-") && key !== CACHE).map((key) => caches.delete(key))
    )).then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") { return; }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.startsWith(STATIC_URL)) {
    event.respondWith(
      caches.match(request, { ignoreSearch: true }).then((hit) => hit || fetch(request))
    );
    return;
  }
  if (request.mode === "navigate") {
    // Online, the visitor sees the network's answer (their own, possibly signed-in view); the copy kept
    // for offline use is refreshed with a cookie-less request: only what any visitor may see.
    event.respondWith(
      fetch(request).then((response) => {
        if (response.ok && !url.search && PAGES.includes(url.pathname)) {
          event.waitUntil(
            fetch(url.pathname, { credentials: "omit" }).then((fresh) => {
              if (fresh.ok) { return caches.open(CACHE).then((cache) => cache.put(url.pathname, fresh)); }
              return undefined;
            }).catch(() => undefined)
          );
        }
        return response;
      }).catch(() => caches.match(url.pathname).then((hit) => hit || caches.match(PAGES[0])))
    );
  }
});
