// Service worker of the DICOM viewer. Generated at build time from src/app_shell/sw.js by
// `make-app-shell service-worker` (Trunk post_build hook): PRECACHE is every file of this build
// (paths relative to this script) and VERSION a hash of their names and bytes, so a new build
// is a new worker with a new cache. Nothing else is ever cached: study data from DICOMweb
// servers and archives (cross-origin, or any URL not in PRECACHE) is not intercepted.
const VERSION = "__VERSION__";
const PRECACHE = ["__PRECACHE__"];
const CACHE_PREFIX = "dicom-viewer-shell-";
const CACHE = CACHE_PREFIX + VERSION;
const BASE = new URL("./", self.location.href);
const INDEX = new URL("index.html", BASE).href;
const CONFIG = new URL("config.json", BASE).href;
const PRECACHED = new Set(PRECACHE.map((path) => new URL(path, BASE).href));

self.addEventListener("install", (event) => {
  // cache: "no-cache" revalidates each file with the server, so the files stored are this
  // build's, yet a file the page has just loaded (the wasm modules) comes from the HTTP cache on
  // a 304 instead of being downloaded a second time.
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      cache.addAll(PRECACHE.map((path) => new Request(new URL(path, BASE).href, { cache: "no-cache" })))
    )
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })()
  );
});

// The page asks a waiting worker to take over when the user accepts the update notice.
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "skip-waiting") self.skipWaiting();
});

async function fromCache(url) {
  const cache = await caches.open(CACHE);
  return cache.match(url);
}

// Network first; the cached copy of `fallbackUrl` when the network fails. `store`: keep the
// fresh answer (config.json) so the next offline start sees the newest settings.
async function networkFirst(request, fallbackUrl, store) {
  try {
    const response = await fetch(request);
    if (store && response.ok) {
      const cache = await caches.open(CACHE);
      await cache.put(fallbackUrl, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await fromCache(fallbackUrl);
    if (cached) return cached;
    throw error;
  }
}

// Cache first for this build's files (hashed names, samples): they never change under a name.
async function cacheFirst(request) {
  const cached = await fromCache(request.url);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(CACHE);
    await cache.put(request.url, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== BASE.origin) return;
  if (request.mode === "navigate") {
    // The app's own page (any query: ?lng=, deep links); other pages in scope are not ours.
    const page = url.origin + url.pathname;
    if (page === BASE.href || page === INDEX) event.respondWith(networkFirst(request, INDEX, false));
    return;
  }
  if (!PRECACHED.has(url.href)) return;
  if (url.href === CONFIG) {
    event.respondWith(networkFirst(request, CONFIG, true));
    return;
  }
  event.respondWith(cacheFirst(request));
});
