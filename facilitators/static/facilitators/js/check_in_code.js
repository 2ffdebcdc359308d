// The facilitator's check-in code: the page loads the next code when this one expires (a
// script rather than a <meta http-equiv="refresh">, which would reload under someone reading).
"use strict";

(function () {
    const screen = document.querySelector("[data-refresh-seconds]");
    const seconds = screen ? Number(screen.dataset.refreshSeconds) : 0;
    if (seconds > 0) {
        window.setTimeout(() => window.location.reload(), seconds * 1000);
    }
})();
