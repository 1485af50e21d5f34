// Type-ahead for long lists of choices (<select data-select-filter>): a text box in front of the
// list keeps only the options whose text holds every typed word. Without this script the list is a
// plain <select>, already ordered newest first. The option chosen so far is always kept, so that
// typing never changes the form's value behind the user's back.
(function () {
  "use strict";

  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(Boolean);
  }

  function attach(select) {
    var all = Array.prototype.slice.call(select.options).map(function (option) {
      return { option: option, text: option.text.toLowerCase() };
    });
    var box = document.createElement("div");
    box.className = "mb-1 select-filter";
    var label = document.createElement("label");
    label.className = "form-label small mb-1";
    label.htmlFor = select.id + "-saring";
    label.textContent = select.dataset.filterLabel || "";
    var input = document.createElement("input");
    input.type = "search";
    input.id = select.id + "-saring";
    input.className = "form-control form-control-sm";
    input.autocomplete = "off";
    input.setAttribute("aria-controls", select.id);
    var status = document.createElement("div");
    status.className = "form-text";
    status.setAttribute("role", "status");
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(status);
    select.parentNode.insertBefore(box, select);

    input.addEventListener("input", function () {
      var wanted = words(input.value);
      var chosen = select.value;
      var matches = 0;
      select.textContent = "";
      all.forEach(function (entry) {
        var value = entry.option.value;
        var fits = wanted.every(function (w) { return entry.text.indexOf(w) !== -1; });
        if (value !== "" && fits) { matches += 1; }
        if (value === "" || fits || value === chosen) { select.appendChild(entry.option); }
      });
      select.value = chosen;
      status.textContent = wanted.length && !matches ? (select.dataset.filterEmpty || "") : "";
    });
    // Enter in the box would submit the form half filled in; it moves to the list instead.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); select.focus(); }
    });
  }

  document.querySelectorAll("select[data-select-filter]").forEach(attach);
})();
