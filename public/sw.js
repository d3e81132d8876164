// Haven's service worker: keeps the app shell so the forms open with no signal (issue 5, ADR 0009).
// It never caches an API answer, and of the pages only those in OFFLINE_PAGES, whose server-rendered
// HTML holds no client data (the request form: the department's settings and the signed-in
// person's own name; the visit form: no client at all, the browser fills the client in from the
// query and from the device's sealed store). A page is kept under its path alone: a visit form
// opened for one client serves, with no signal, the form for any. scripts/build stamps VERSION with a hash of the bundle: a new release is a
// new worker with a new cache; the old cache goes when the new worker takes over. Queued work is in
// IndexedDB, not here, so a release never loses it.
const VERSION = '__HAVEN_VERSION__';
const CACHE = `haven-shell-${VERSION}`;
const ASSETS = [
  '/pkg/haven.js',
  '/pkg/haven_bg.wasm',
  '/pkg/haven.css',
  '/manifest.webmanifest',
  '/icons/icon-192.png',
  '/offline.html',
];
const OFFLINE_PAGES = ['/requests/new', '/visits/new'];

// A new release takes over at once; the page then offers a reload.
self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(ASSETS))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith('haven-shell-') && key !== CACHE) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

// Keep the offline pages as the signed-in person sees them now (asked by every signed-in page).
async function warm() {
  const cache = await caches.open(CACHE);
  for (const page of OFFLINE_PAGES) {
    try {
      const res = await fetch(page, { credentials: 'same-origin', redirect: 'manual' });
      if (res.status === 200 && res.type === 'basic') await cache.put(page, res);
    } catch (_) {
      // No signal: keep what is there.
    }
  }
}

self.addEventListener('message', (event) => {
  if (event.data === 'warm') event.waitUntil(warm());
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/')) return;
  if (req.mode === 'navigate') {
    event.respondWith(
      (async () => {
        try {
          const res = await fetch(req);
          if (OFFLINE_PAGES.includes(url.pathname) && res.status === 200 && !res.redirected) {
            const cache = await caches.open(CACHE);
            await cache.put(url.pathname, res.clone());
          }
          return res;
        } catch (_) {
          const cache = await caches.open(CACHE);
          return (
            (OFFLINE_PAGES.includes(url.pathname) && (await cache.match(url.pathname))) ||
            (await cache.match('/offline.html')) ||
            Response.error()
          );
        }
      })(),
    );
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(
      caches.open(CACHE).then(async (cache) => (await cache.match(url.pathname)) || fetch(req)),
    );
  }
});
