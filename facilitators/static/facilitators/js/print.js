// "Print this guide": any button with a data-print attribute opens the browser's print dialog.
// A file rather than an onclick attribute, so that the page's Content-Security-Policy needs no
// inline script.
document.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) {
        window.print();
    }
});
