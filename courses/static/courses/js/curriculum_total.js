/* The running total of a workshop's curriculum in the page editor.
 *
 * The element marked data-curriculum-total (rendered by the workshop's "Running total" panel)
 * carries two translated wordings: one for modules that fill the workshop's duration, one for
 * modules that do not. Whenever a module's minutes, the duration or the list of modules
 * changes, the total is added up again and the matching wording is shown.
 */
(function () {
  "use strict";

  var MINUTES_SUFFIX = "-value-minutes";

  function plannedMinutes(form) {
    var sum = 0;
    var inputs = form.querySelectorAll('input[name^="curriculum-"][name$="' + MINUTES_SUFFIX + '"]');
    Array.prototype.forEach.call(inputs, function (input) {
      var prefix = input.name.slice(0, -MINUTES_SUFFIX.length);
      var deleted = form.querySelector('input[name="' + prefix + '-deleted"]');
      if (deleted && deleted.value === "1") {
        return;
      }
      var minutes = parseInt(input.value, 10);
      if (!isNaN(minutes)) {
        sum += minutes;
      }
    });
    return sum;
  }

  function fill(wording, values) {
    return wording.replace(/%\((\w+)\)s/g, function (match, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match;
    });
  }

  function update(element) {
    var form = element.closest("form") || document;
    var durationInput = form.querySelector('[name="duration_hours"]');
    var hours = durationInput ? parseInt(durationInput.value, 10) : NaN;
    if (isNaN(hours)) {
      hours = 0;
    }
    var values = { planned: plannedMinutes(form), hours: hours, expected: hours * 60 };
    var addsUp = values.planned === values.expected;
    element.textContent = fill(addsUp ? element.dataset.matches : element.dataset.differs, values);
    element.classList.toggle("help-info", addsUp);
    element.classList.toggle("help-warning", !addsUp);
  }

  function start() {
    var element = document.querySelector("[data-curriculum-total]");
    if (!element) {
      return;
    }
    var form = element.closest("form") || document.body;
    var scheduled = false;
    var refresh = function () {
      if (scheduled) {
        return;
      }
      scheduled = true;
      window.requestAnimationFrame(function () {
        scheduled = false;
        update(element);
      });
    };
    form.addEventListener("input", refresh);
    form.addEventListener("change", refresh);
    // Modules added, duplicated, moved or deleted.
    new MutationObserver(refresh).observe(form, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ["value"],
    });
    refresh();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
