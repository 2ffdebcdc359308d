// Suggests locals as someone types in a local field: every input with a data-suggest-url
// becomes a combobox (ARIA 1.2) whose list holds the locals the address answers for what is
// typed. The field stays a text field: without this script, or with no connection, the
// number or name typed is sent as it is and the form finds the local.
//
// Keys: Down and Up move through the list, Enter takes the local shown (and does not send the
// form while the list is open), Escape closes the list, Tab leaves the field. A click or a tap
// takes a local. A polite live region says how many locals are suggested, in the page's
// language (the texts come from this script's data- attributes).
(function () {
    "use strict";

    const DEBOUNCE_MS = 150;
    const MAX_QUERY_LENGTH = 50;
    const script = document.currentScript;
    const texts = script ? script.dataset : {};
    let fields = 0;

    function countText(count) {
        if (count === 0) {
            return texts.none || "";
        }
        const text = (count === 1 ? texts.one : texts.other) || "";
        return text.replace("%(count)s", String(count));
    }

    // Whether what is typed is worth asking about: a digit starts a number; a name needs two
    // letters at least.
    function worthAsking(query) {
        if (!query || query.length > MAX_QUERY_LENGTH) {
            return false;
        }
        return query.length >= 2 || /^\d/.test(query);
    }

    function setUp(input) {
        fields += 1;
        const url = input.dataset.suggestUrl;
        const listId = (input.id || "local-field-" + fields) + "-suggestions";

        const wrapper = document.createElement("div");
        wrapper.className = "combobox";
        input.parentNode.insertBefore(wrapper, input);
        wrapper.appendChild(input);

        const listbox = document.createElement("ul");
        listbox.id = listId;
        listbox.className = "combobox__listbox";
        listbox.setAttribute("role", "listbox");
        if (texts.listboxLabel) {
            listbox.setAttribute("aria-label", texts.listboxLabel);
        }
        listbox.hidden = true;
        wrapper.appendChild(listbox);

        const status = document.createElement("div");
        status.className = "visually-hidden";
        status.setAttribute("aria-live", "polite");
        wrapper.appendChild(status);

        input.setAttribute("role", "combobox");
        input.setAttribute("aria-autocomplete", "list");
        input.setAttribute("aria-expanded", "false");
        input.setAttribute("aria-controls", listId);
        input.setAttribute("autocomplete", "off");

        let options = [];
        let active = -1;
        let timer = null;
        let controller = null;

        function isOpen() {
            return !listbox.hidden;
        }

        function close() {
            listbox.hidden = true;
            input.setAttribute("aria-expanded", "false");
            input.removeAttribute("aria-activedescendant");
            active = -1;
        }

        function open() {
            if (!options.length) {
                return;
            }
            listbox.hidden = false;
            input.setAttribute("aria-expanded", "true");
        }

        function move(index) {
            if (!options.length) {
                return;
            }
            active = (index + options.length) % options.length;
            options.forEach((option, at) => {
                option.setAttribute("aria-selected", at === active ? "true" : "false");
            });
            const option = options[active];
            input.setAttribute("aria-activedescendant", option.id);
            option.scrollIntoView({ block: "nearest" });
        }

        function choose(index) {
            const option = options[index];
            if (!option) {
                return;
            }
            input.value = option.dataset.value;
            close();
            input.dispatchEvent(new Event("change", { bubbles: true }));
        }

        function show(results) {
            listbox.replaceChildren();
            options = results.map((result, index) => {
                const option = document.createElement("li");
                option.id = listId + "-" + index;
                option.className = "combobox__option";
                option.setAttribute("role", "option");
                option.setAttribute("aria-selected", "false");
                option.dataset.value = result.value;
                option.textContent = result.label;
                listbox.appendChild(option);
                return option;
            });
            active = -1;
            input.removeAttribute("aria-activedescendant");
            if (options.length) {
                open();
            } else {
                close();
            }
            status.textContent = countText(options.length);
        }

        function clear() {
            if (controller) {
                controller.abort();
                controller = null;
            }
            options = [];
            listbox.replaceChildren();
            close();
        }

        function ask() {
            const query = input.value.trim();
            if (!worthAsking(query) || !navigator.onLine) {
                clear();
                return;
            }
            if (controller) {
                controller.abort();
            }
            const asking = new AbortController();
            controller = asking;
            const address = url + (url.includes("?") ? "&" : "?") + "q=" + encodeURIComponent(query);
            fetch(address, {
                signal: asking.signal,
                credentials: "omit",
                headers: { Accept: "application/json" },
            })
                .then((response) => (response.ok ? response.json() : { results: [] }))
                .then((data) => {
                    if (controller !== asking || input.value.trim() !== query) {
                        return; // Something else was typed since.
                    }
                    controller = null;
                    const results = Array.isArray(data && data.results) ? data.results : [];
                    show(
                        results.filter(
                            (result) =>
                                result && typeof result.value === "string" && typeof result.label === "string"
                        )
                    );
                })
                .catch(() => {
                    // Aborted for newer text, or no connection: no suggestions.
                    if (controller === asking) {
                        clear();
                    }
                });
        }

        input.addEventListener("input", () => {
            input.removeAttribute("aria-activedescendant");
            active = -1;
            window.clearTimeout(timer);
            timer = window.setTimeout(ask, DEBOUNCE_MS);
        });

        input.addEventListener("keydown", (event) => {
            if (event.altKey || event.ctrlKey || event.metaKey) {
                return;
            }
            switch (event.key) {
                case "ArrowDown":
                    event.preventDefault();
                    if (!isOpen()) {
                        if (options.length) {
                            open();
                            move(0);
                        } else {
                            window.clearTimeout(timer);
                            ask();
                        }
                    } else {
                        move(active + 1);
                    }
                    break;
                case "ArrowUp":
                    if (isOpen()) {
                        event.preventDefault();
                        move(active < 0 ? options.length - 1 : active - 1);
                    }
                    break;
                case "Enter":
                    if (isOpen()) {
                        event.preventDefault();
                        if (active >= 0) {
                            choose(active);
                        } else {
                            close();
                        }
                    }
                    break;
                case "Escape":
                    if (isOpen()) {
                        event.preventDefault();
                        close();
                    }
                    break;
                case "Tab":
                    close();
                    break;
                default:
                    break;
            }
        });

        // The list keeps the field's focus when pressed, so that the press (or the tap, on a
        // phone that moves the focus anyway) becomes a choice.
        let pressing = false;
        listbox.addEventListener("pointerdown", () => {
            pressing = true;
        });
        listbox.addEventListener("mousedown", (event) => event.preventDefault());
        listbox.addEventListener("click", (event) => {
            pressing = false;
            const option = event.target.closest("[role=option]");
            if (option) {
                choose(options.indexOf(option));
                input.focus();
            }
        });

        input.addEventListener("blur", () => {
            window.clearTimeout(timer);
            if (!pressing) {
                close();
            }
        });
        document.addEventListener("pointerup", () => {
            // A press that ended outside the list chose nothing.
            window.setTimeout(() => {
                if (pressing && document.activeElement !== input) {
                    close();
                }
                pressing = false;
            }, 0);
        });
    }

    document.querySelectorAll("input[data-suggest-url]").forEach(setUp);
})();
