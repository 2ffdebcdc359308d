// The facilitator's pages with no signal. Served by Django so that it knows the addresses of
// this site's assets and of this language; the language's part of the site is its scope, but it
// only answers for the pages "My sessions" asks it to keep.
//
// - The pages on that list (rosters, sign-in sheets, guides and their PDFs of the sessions of
//   today and the coming week, and "My sessions"): from the network when there is one, and
//   kept; from what was kept when there is none, for a week at most. Every other page goes to
//   the network only.
// - What is kept belongs to the facilitator signed in when it was kept (a tag the pages give,
//   not their name): when someone else signs in on the phone, it is let go.
// - A roster's form posted with no network: kept in IndexedDB as it was posted, and the roster
//   shown again, whose script turns it into marks waiting to be sent (see roster.js).
"use strict";

const VERSION = "{{ version }}";
const PAGES = "facilitate-pages";
const ASSETS = "facilitate-assets-" + VERSION;
const SCOPE = "{{ scope|escapejs }}";
const FACILITATE = "{{ my_sessions_url|escapejs }}";
const ASSET_URLS = [{% for asset in assets %}"{{ asset|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
const DATABASE = "facilitate";
const KEPT = "kept-urls";
// Kept pages are let go after a week: a phone left signed in keeps no old rosters.
const KEEP_FOR_MS = 8 * 24 * 60 * 60 * 1000;

// {user, at, urls} of what is kept, read once the worker starts.
let kept = { user: "", at: 0, urls: [] };
const keptRead = readKept();

self.addEventListener("install", (event) => {
    event.waitUntil(
        caches.open(ASSETS).then((cache) => cache.addAll(ASSET_URLS)).then(() => self.skipWaiting())
    );
});

self.addEventListener("activate", (event) => {
    event.waitUntil(
        caches
            .keys()
            .then((names) =>
                Promise.all(
                    names
                        .filter((name) => name.startsWith("facilitate-assets-") && name !== ASSETS)
                        .map((name) => caches.delete(name))
                )
            )
            .then(() => self.clients.claim())
    );
});

async function readKept() {
    const cache = await caches.open(PAGES);
    const response = await cache.match(KEPT);
    if (response) {
        try {
            kept = await response.json();
        } catch (error) {
            kept = { user: "", at: 0, urls: [] };
        }
    }
    if (kept.at && Date.now() - kept.at > KEEP_FOR_MS) {
        await forgetPages();
    }
    return kept;
}

async function forgetPages() {
    await caches.delete(PAGES);
    kept = { user: "", at: 0, urls: [] };
}

function isKept(url) {
    return kept.urls.includes(url.pathname + url.search);
}

function openDatabase() {
    return new Promise((resolve, reject) => {
        const request = indexedDB.open(DATABASE, 1);
        request.onupgradeneeded = () => {
            const db = request.result;
            if (!db.objectStoreNames.contains("queue")) {
                db.createObjectStore("queue", { keyPath: "key" });
            }
            if (!db.objectStoreNames.contains("forms")) {
                db.createObjectStore("forms", { keyPath: "key" });
            }
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
    });
}

async function keepPostedForm(request) {
    const data = await request.formData();
    const fields = [];
    for (const [name, value] of data.entries()) {
        if (typeof value === "string") {
            fields.push([name, value]);
        }
    }
    await keptRead;
    const db = await openDatabase();
    await new Promise((resolve, reject) => {
        const transaction = db.transaction("forms", "readwrite");
        transaction.objectStore("forms").put({
            key: self.crypto.randomUUID(),
            user: kept.user,
            url: request.url,
            fields: fields,
            at: new Date().toISOString(),
        });
        transaction.oncomplete = resolve;
        transaction.onerror = () => reject(transaction.error);
    });
}

function isFacilitatePage(url) {
    return url.origin === self.location.origin && url.pathname.startsWith(FACILITATE);
}

async function fromNetworkThenKept(request, cacheName) {
    const cache = await caches.open(cacheName);
    try {
        const response = await fetch(request);
        if (response.ok && !response.redirected) {
            await cache.put(request, response.clone());
        }
        return response;
    } catch (error) {
        const copy = await cache.match(request);
        if (copy) {
            return copy;
        }
        throw error;
    }
}

async function keptPage(request) {
    await keptRead;
    if (!isKept(new URL(request.url))) {
        return fetch(request);
    }
    return fromNetworkThenKept(request, PAGES);
}

async function postedRoster(request) {
    const copy = request.clone();
    try {
        return await fetch(request);
    } catch (error) {
        const action = (await copy.clone().formData()).get("action");
        if (action !== "mark" && action !== "walk_in") {
            throw error;
        }
        await keepPostedForm(copy);
        return Response.redirect(request.url, 303);
    }
}

self.addEventListener("fetch", (event) => {
    const request = event.request;
    const url = new URL(request.url);
    if (url.origin !== self.location.origin) {
        return;
    }
    if (request.method === "POST") {
        if (request.mode === "navigate" && isFacilitatePage(url)) {
            event.respondWith(postedRoster(request));
        }
        return;
    }
    if (request.method !== "GET") {
        return;
    }
    if (ASSET_URLS.includes(url.pathname)) {
        event.respondWith(fromNetworkThenKept(request, ASSETS));
        return;
    }
    // Pages on the list: facilitation pages, or pages opened as such (a guide); the worker
    // may have just started, and reads the list first.
    if (isFacilitatePage(url) || request.mode === "navigate" || isKept(url)) {
        event.respondWith(keptPage(request));
    }
});

function isOwnPage(path) {
    if (typeof path !== "string" || !path.startsWith(SCOPE) || path.startsWith("//")) {
        return false;
    }
    const url = new URL(path, self.location.origin);
    return url.origin === self.location.origin && url.pathname.startsWith(SCOPE);
}

// "My sessions" says which pages to keep, and for whom: the rosters, sign-in sheets and guides
// of the sessions of today and the coming week. Pages no longer on the list are let go, and
// all of them when the list is another facilitator's.
self.addEventListener("message", (event) => {
    const message = event.data || {};
    if (message.type !== "keep" || !Array.isArray(message.urls) || typeof message.user !== "string") {
        return;
    }
    const wanted = message.urls.filter(isOwnPage);
    event.waitUntil(
        (async () => {
            await keptRead;
            if (kept.user !== message.user) {
                await forgetPages();
            }
            const previous = kept.urls;
            kept = { user: message.user, at: Date.now(), urls: wanted };
            const cache = await caches.open(PAGES);
            await cache.put(KEPT, new Response(JSON.stringify(kept)));
            for (const path of previous) {
                if (!wanted.includes(path)) {
                    await cache.delete(path);
                }
            }
            for (const path of wanted) {
                try {
                    const response = await fetch(path, { credentials: "same-origin" });
                    if (response.ok && !response.redirected) {
                        await cache.put(path, response);
                    }
                } catch (error) {
                    // No network now: what was kept before stays.
                }
            }
            if (event.source) {
                event.source.postMessage({ type: "kept", count: wanted.length });
            }
        })()
    );
});
