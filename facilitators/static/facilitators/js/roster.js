// The facilitator's roster on a phone: find a person, mark everyone present then the
// exceptions, see what is not saved, and keep marking with no signal.
//
// With no network, marks and walk-ins are kept on the phone (IndexedDB, "queue"), each with a
// key of its own, and sent to the roster's sync address when the network returns; the server
// records each key once, so sending again never doubles anything. A form the service worker
// caught on its way out (the network went while it was sent) is kept as posted ("forms") and
// turned into marks here. Without this script the roster is a plain form, as before.
"use strict";

(function () {
    const DATABASE = "facilitate";
    const script = document.currentScript;
    // Who is signed in, as a tag (not their name): what this phone keeps is theirs only.
    const user = script ? script.dataset.user || "" : "";
    document.documentElement.classList.add("js");

    // Texts come from the page, in its language.
    const texts = document.getElementById("roster-texts");
    const language = document.documentElement.lang || "en";

    function text(name, count) {
        if (!texts) {
            return "";
        }
        let value;
        if (count === undefined) {
            value = texts.dataset[name] || "";
        } else {
            const one = language.startsWith("fr") ? count <= 1 : count === 1;
            value = texts.dataset[name + (one ? "One" : "Other")] || "";
        }
        return value.replace("%(count)s", String(count));
    }

    // IndexedDB, shared with the service worker.
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

    async function withStore(name, mode, work) {
        const db = await openDatabase();
        return new Promise((resolve, reject) => {
            const transaction = db.transaction(name, mode);
            const result = work(transaction.objectStore(name));
            transaction.oncomplete = () => resolve(result && "result" in result ? result.result : result);
            transaction.onerror = () => reject(transaction.error);
            transaction.onabort = () => reject(transaction.error);
        });
    }

    const allOf = (name) => withStore(name, "readonly", (store) => store.getAll());
    const putAll = (name, items) =>
        withStore(name, "readwrite", (store) => items.forEach((item) => store.put(item)));
    const deleteAll = (name, keys) =>
        withStore(name, "readwrite", (store) => keys.forEach((key) => store.delete(key)));

    function newKey() {
        if (self.crypto && self.crypto.randomUUID) {
            return self.crypto.randomUUID();
        }
        const bytes = new Uint8Array(16);
        self.crypto.getRandomValues(bytes);
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }

    // The service worker, which keeps pages for when there is no signal.
    function registerWorker() {
        if (!("serviceWorker" in navigator) || !script || !script.dataset.worker) {
            return Promise.resolve(null);
        }
        return navigator.serviceWorker
            .register(script.dataset.worker, { scope: script.dataset.scope })
            .then(() => navigator.serviceWorker.ready)
            .catch(() => null);
    }

    function keepPages(registration) {
        const list = document.getElementById("offline-pages");
        if (!registration || !list || !navigator.onLine) {
            return;
        }
        let urls = [];
        try {
            urls = JSON.parse(list.textContent);
        } catch (error) {
            return;
        }
        const worker = registration.active || navigator.serviceWorker.controller;
        if (worker) {
            worker.postMessage({ type: "keep", urls: urls, user: user });
        }
    }

    registerWorker().then(keepPages);

    const form = document.getElementById("roster-form");
    const walkInForm = document.querySelector("[data-walk-in-form]");
    const closeForm = document.querySelector("[data-close-form]");
    const session = texts ? texts.dataset.session : null;
    if (!session) {
        return;
    }
    const syncUrl = texts.dataset.syncUrl;
    const part = texts.dataset.part || null;
    const rosterPath = new URL(texts.dataset.rosterUrl, location.href).pathname;
    const status = document.querySelector("[data-roster-status]");
    const rows = form ? Array.from(form.querySelectorAll(".attendance-row")) : [];
    const offlineNote = document.getElementById("roster-offline");
    const refusedList = document.getElementById("roster-refused");
    let pending = [];

    function csrfToken() {
        // The cookie, which a page kept from an earlier visit may no longer match.
        const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
        if (cookie) {
            return decodeURIComponent(cookie.slice("csrftoken=".length));
        }
        const field = document.querySelector("input[name=csrfmiddlewaretoken]");
        return field ? field.value : "";
    }

    const mine = (items) => items.filter((item) => item.user === user);

    function chosen(row) {
        const checked = row.querySelector("input[type=radio]:checked");
        return checked ? checked.value : "";
    }

    function hoursOf(row) {
        const field = row.querySelector(".attendance-row__hours input");
        return field ? field.value.trim() : "";
    }

    function isChanged(row) {
        return chosen(row) !== (row.dataset.status || "") || hoursOf(row) !== (row.dataset.hours || "");
    }

    function showStatus() {
        if (!status) {
            return;
        }
        const changed = rows.filter(isChanged).length;
        const marks = pending.filter((item) => item.session === session).length;
        const parts = [];
        if (!navigator.onLine) {
            parts.push(text("offline"));
        }
        if (changed) {
            parts.push(text("unsaved", changed));
        }
        if (marks) {
            parts.push(text("pending", marks));
        }
        const anyMarked = rows.some((row) => row.dataset.status);
        status.textContent = parts.length
            ? parts.join(" ")
            : anyMarked
              ? status.dataset.savedText
              : status.dataset.emptyText;
        status.classList.toggle("roster-bar__status--waiting", Boolean(changed || marks));
        if (offlineNote) {
            offlineNote.hidden = navigator.onLine;
        }
        const waiting = new Set(
            pending
                .filter((item) => item.kind === "mark" && String(item.part || "") === String(part || ""))
                .map((item) => String(item.enrollment))
        );
        rows.forEach((row) => {
            const badge = row.querySelector("[data-pending]");
            if (badge) {
                badge.hidden = !waiting.has(row.dataset.enrollment);
            }
        });
        const walkIns = document.getElementById("pending-walk-ins");
        if (walkIns) {
            const items = pending.filter((item) => item.kind === "walk_in" && item.session === session);
            walkIns.hidden = items.length === 0;
            const list = walkIns.querySelector("ul");
            list.replaceChildren(
                ...items.map((item) => {
                    const entry = document.createElement("li");
                    entry.textContent = `${item.name} (${item.email})`;
                    return entry;
                })
            );
        }
    }

    // The hours field is asked for "partly present" only.
    function followStatus(row, focus) {
        const hours = row.querySelector(".attendance-row__hours input");
        if (!hours) {
            return;
        }
        if (chosen(row) !== "partial" && chosen(row) !== (row.dataset.status || "")) {
            hours.value = "";
        }
        if (focus && chosen(row) === "partial") {
            hours.focus();
        }
    }

    rows.forEach((row) => {
        row.addEventListener("change", (event) => {
            if (event.target.type === "radio") {
                followStatus(row);
                row.classList.toggle("attendance-row--unmarked", !chosen(row));
            }
            showStatus();
        });
        // A tap on "partly present" goes on to its hours; the arrow keys, which move through
        // the choices, do not (their click has no detail), so the keyboard can pass it by.
        row.addEventListener("click", (event) => {
            if (event.target.type === "radio" && event.detail > 0) {
                followStatus(row, true);
            }
        });
        row.addEventListener("input", showStatus);
    });

    // Find a person by name.
    const filter = document.querySelector("[data-roster-filter]");
    const filterCount = document.getElementById("roster-filter-count");
    if (filter) {
        const fold = (value) =>
            value.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
        filter.addEventListener("input", () => {
            const wanted = fold(filter.value);
            let shown = 0;
            rows.forEach((row) => {
                const match = !wanted || fold(row.dataset.name).includes(wanted);
                row.hidden = !match;
                shown += match ? 1 : 0;
            });
            filterCount.textContent = wanted ? text("shown", shown) : "";
        });
    }

    // Mark everyone present: every row without a mark; then the exceptions by hand.
    const markAll = document.querySelector("[data-mark-all-present]");
    if (markAll) {
        markAll.hidden = false;
        markAll.addEventListener("click", () => {
            rows.forEach((row) => {
                if (chosen(row)) {
                    return;
                }
                const present = row.querySelector("input[type=radio][value=present]");
                if (present) {
                    present.checked = true;
                    row.classList.remove("attendance-row--unmarked");
                }
            });
            showStatus();
        });
    }

    // Offline: marks and walk-ins kept on the phone.
    function markItem(row, markedAt) {
        return {
            key: newKey(),
            kind: "mark",
            user: user,
            session: session,
            syncUrl: syncUrl,
            enrollment: Number(row.dataset.enrollment),
            part: part ? Number(part) : null,
            status: chosen(row),
            hours: hoursOf(row) || null,
            marked_at: markedAt,
        };
    }

    async function queue(items) {
        if (!items.length) {
            return;
        }
        await putAll("queue", items);
        pending = mine(await allOf("queue"));
        items
            .filter((item) => item.kind === "mark")
            .forEach((item) => {
                const row = rows.find((r) => r.dataset.enrollment === String(item.enrollment));
                if (row) {
                    // What is kept is now what this page is based on.
                    row.dataset.status = item.status;
                    row.dataset.hours = item.hours || "";
                }
            });
        showStatus();
    }

    // The local as typed (a number or a name): the server finds it when the walk-in is sent,
    // as the form would have; with no signal, the phone cannot look it up.
    function localText(text) {
        return (text || "").trim() || null;
    }

    function walkInItem(name, email, local, markedAt) {
        return {
            key: newKey(),
            kind: "walk_in",
            user: user,
            session: session,
            syncUrl: syncUrl,
            name: name,
            email: email,
            local: null,
            local_text: local,
            part: part ? Number(part) : null,
            marked_at: markedAt,
        };
    }

    if (form) {
        form.addEventListener("submit", (event) => {
            const submitter = event.submitter;
            if (navigator.onLine || (submitter && submitter.value !== "mark")) {
                return;
            }
            event.preventDefault();
            const now = new Date().toISOString();
            queue(rows.filter((row) => chosen(row) && isChanged(row)).map((row) => markItem(row, now)));
        });
    }

    if (walkInForm) {
        walkInForm.addEventListener("submit", (event) => {
            if (navigator.onLine) {
                return;
            }
            event.preventDefault();
            const name = walkInForm.querySelector("[name=walk_in-name]");
            const email = walkInForm.querySelector("[name=walk_in-email]");
            const local = walkInForm.querySelector("[name=walk_in-local]");
            const error = walkInForm.querySelector("[data-walk-in-offline-error]");
            const localValue = localText(local.value);
            let problem = "";
            if (!name.value.trim()) {
                problem = text("needName");
                name.focus();
            } else if (!email.checkValidity() || !email.value.trim()) {
                problem = text("needEmail");
                email.focus();
            }
            error.textContent = problem;
            error.hidden = !problem;
            if (problem) {
                return;
            }
            queue([
                walkInItem(name.value.trim(), email.value.trim(), localValue, new Date().toISOString()),
            ]).then(() => {
                name.value = "";
                email.value = "";
                local.value = "";
            });
        });
    }

    // Forms the service worker caught as the network went. Their marks are read from the
    // fields as posted (status-<enrolment>[-<part>]), whichever day this page shows; a mark the
    // page already shows as recorded is left out.
    async function takeCaughtForms() {
        const forms = (await allOf("forms")).filter(
            (caught) => caught.user === user && new URL(caught.url).pathname === rosterPath
        );
        if (!forms.length) {
            return;
        }
        const items = [];
        forms.forEach((caught) => {
            const fields = new Map(caught.fields);
            const postedPart = fields.get("part") || null;
            if (fields.get("action") === "walk_in") {
                const item = walkInItem(
                    fields.get("walk_in-name") || "",
                    fields.get("walk_in-email") || "",
                    localText(fields.get("walk_in-local")),
                    caught.at
                );
                item.part = postedPart ? Number(postedPart) : null;
                items.push(item);
                return;
            }
            for (const [name, value] of fields) {
                const match = /^status-(\d+)(?:-(\d+))?$/.exec(name);
                if (!match || !value) {
                    continue;
                }
                const key = match[2] ? `${match[1]}-${match[2]}` : match[1];
                const hours = (fields.get(`hours-${key}`) || "").trim();
                const row = rows.find((r) => r.dataset.key === key);
                if (row && value === row.dataset.status && hours === (row.dataset.hours || "")) {
                    continue;
                }
                items.push({
                    key: newKey(),
                    kind: "mark",
                    user: user,
                    session: session,
                    syncUrl: syncUrl,
                    enrollment: Number(match[1]),
                    part: match[2] ? Number(match[2]) : null,
                    status: value,
                    hours: hours || null,
                    marked_at: caught.at,
                });
            }
        });
        await queue(items);
        await deleteAll("forms", forms.map((caught) => caught.key));
    }

    // What is kept shows on its row, as chosen.
    function showKept() {
        pending
            .filter((item) => item.kind === "mark" && item.session === session)
            .forEach((item) => {
                const row = rows.find((r) => r.dataset.enrollment === String(item.enrollment));
                if (!row || (item.part && String(item.part) !== String(part))) {
                    return;
                }
                const radio = row.querySelector(`input[type=radio][value="${item.status}"]`);
                if (radio) {
                    radio.checked = true;
                    row.classList.remove("attendance-row--unmarked");
                }
                const hours = row.querySelector(".attendance-row__hours input");
                if (hours) {
                    hours.value = item.hours || "";
                }
                row.dataset.status = item.status;
                row.dataset.hours = item.hours || "";
            });
    }

    function showRefused(results) {
        if (!refusedList || !results.length) {
            return;
        }
        const list = refusedList.querySelector("ul");
        results.forEach((result) => {
            const entry = document.createElement("li");
            entry.textContent = result.label ? `${result.label}: ${result.message}` : result.message;
            list.appendChild(entry);
        });
        refusedList.hidden = false;
        refusedList.focus();
    }

    let sending = false;
    const BATCH = 50;
    const noticesKey = `roster-notices-${session}`;

    function showNoticesKept() {
        const kept = sessionStorage.getItem(noticesKey);
        sessionStorage.removeItem(noticesKey);
        if (kept) {
            try {
                showRefused(JSON.parse(kept));
            } catch (error) {
                // Nothing worth showing.
            }
        }
    }

    async function send() {
        if (sending || !navigator.onLine) {
            return;
        }
        // This facilitator's, in the order they were made, so that the later of two marks of
        // one person is the one that stands; a sending holds at most BATCH of them.
        const items = mine(await allOf("queue"))
            .filter((item) => item.syncUrl)
            .sort((a, b) => (a.marked_at < b.marked_at ? -1 : a.marked_at > b.marked_at ? 1 : 0));
        if (!items.length) {
            return;
        }
        sending = true;
        let saved = false;
        const notices = [];
        try {
            const bySession = new Map();
            items.forEach((item) => {
                if (!bySession.has(item.syncUrl)) {
                    bySession.set(item.syncUrl, []);
                }
                bySession.get(item.syncUrl).push(item);
            });
            const sendings = [];
            for (const [url, all] of bySession) {
                for (let start = 0; start < all.length; start += BATCH) {
                    sendings.push([url, all.slice(start, start + BATCH)]);
                }
            }
            for (const [url, group] of sendings) {
                const body = {
                    marks: group
                        .filter((item) => item.kind === "mark")
                        .map(({ key, enrollment, part: itemPart, status: mark, hours, marked_at }) => ({
                            key,
                            enrollment,
                            part: itemPart,
                            status: mark,
                            hours,
                            marked_at,
                        })),
                    walk_ins: group
                        .filter((item) => item.kind === "walk_in")
                        .map(({ key, name, email, local, local_text, part: itemPart, marked_at }) => ({
                            key,
                            name,
                            email,
                            local,
                            local_text,
                            part: itemPart,
                            marked_at,
                        })),
                };
                let response;
                try {
                    response = await fetch(url, {
                        method: "POST",
                        credentials: "same-origin",
                        headers: {
                            "Content-Type": "application/json",
                            "X-CSRFToken": csrfToken(),
                            Accept: "application/json",
                        },
                        body: JSON.stringify(body),
                    });
                } catch (error) {
                    break; // The network went again: try later.
                }
                const isJson = (response.headers.get("Content-Type") || "").includes("json");
                if (response.status === 400 && isJson) {
                    // The roster's sync address refused the sending as a whole and stored
                    // nothing: sending it again would be refused again. Say what it held, to be
                    // marked again.
                    let reason = "";
                    try {
                        reason = (await response.json()).error || "";
                    } catch (error) {
                        continue; // Not the sync address's answer: try again later.
                    }
                    if (!reason) {
                        continue;
                    }
                    await deleteAll("queue", group.map((item) => item.key));
                    group.forEach((item) => {
                        const row = rows.find((r) => r.dataset.enrollment === String(item.enrollment));
                        notices.push({
                            label: item.kind === "walk_in" ? item.name : row ? row.dataset.name : "",
                            message: reason,
                        });
                    });
                    saved = true;
                    continue;
                }
                if (!response.ok) {
                    if (status) {
                        status.textContent = response.status === 403 ? text("signIn") : text("notSent");
                    }
                    continue;
                }
                const answer = await response.json();
                const byKey = new Map(group.map((item) => [item.key, item]));
                const done = [];
                const refused = [];
                (answer.results || []).forEach((result) => {
                    const item = byKey.get(result.key);
                    if (!item) {
                        return;
                    }
                    done.push(item.key);
                    saved = true;
                    if (result.outcome === "refused" || result.outcome === "superseded") {
                        const row = rows.find((r) => r.dataset.enrollment === String(item.enrollment));
                        refused.push({
                            label: item.kind === "walk_in" ? item.name : row ? row.dataset.name : "",
                            message: result.message,
                        });
                    }
                });
                await deleteAll("queue", done);
                notices.push(...refused);
            }
        } finally {
            sending = false;
            pending = mine(await allOf("queue"));
            showStatus();
        }
        if (saved && !rows.some(isChanged)) {
            // Show what the server now records, with everyone's marks, and what it did not
            // take from this phone.
            sessionStorage.setItem(noticesKey, JSON.stringify(notices));
            location.reload();
        } else {
            showRefused(notices);
        }
    }

    // Closing needs the network, and every mark kept on the phone sent first.
    if (closeForm) {
        closeForm.addEventListener("submit", (event) => {
            const refusal = closeForm.querySelector("[data-close-refused]");
            const waiting = pending.filter((item) => item.session === session).length;
            let problem = "";
            if (!navigator.onLine) {
                problem = text("closeOffline");
            } else if (waiting) {
                problem = text("closePending", waiting);
                send();
            }
            refusal.textContent = problem;
            refusal.hidden = !problem;
            if (problem) {
                event.preventDefault();
                refusal.focus();
            }
        });
    }

    window.addEventListener("online", () => {
        showStatus();
        send();
    });
    window.addEventListener("offline", showStatus);

    (async () => {
        try {
            await takeCaughtForms();
            pending = mine(await allOf("queue"));
        } catch (error) {
            pending = [];
        }
        showKept();
        showNoticesKept();
        showStatus();
        send();
    })();
})();
