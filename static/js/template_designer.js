// Poster template designer: live preview of the unsaved form, and "add a text slot".
(function () {
  "use strict";
  var form = document.getElementById("designer-form");
  if (!form) { return; }
  var image = document.getElementById("designer-preview");
  var status = document.getElementById("preview-status");
  var slots = document.getElementById("slots");
  var total = form.querySelector("input[name=slot-TOTAL_FORMS]");
  var timer = null;
  var sequence = 0;
  var lastUrl = null;

  function refresh() {
    var mine = ++sequence;
    status.textContent = "Drawing the preview…";
    fetch(form.dataset.previewUrl, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (mine !== sequence) { return null; }
      if (response.ok) {
        return response.blob().then(function (blob) {
          if (lastUrl) { URL.revokeObjectURL(lastUrl); }
          lastUrl = URL.createObjectURL(blob);
          image.src = lastUrl;
          var missing = response.headers.get("X-Brandkit-Missing");
          image.dataset.state = "ok";
          status.textContent = missing ? "Preview up to date. " + missing : "Preview up to date.";
        });
      }
      return response.json().then(function (data) {
        image.dataset.state = "error";
        status.textContent = (data.errors || ["The preview could not be drawn."]).join(" ");
      });
    }).catch(function () {
      status.textContent = "The preview could not be reached; check your connection.";
    });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  }

  document.getElementById("add-slot").addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = document.getElementById("slot-template").innerHTML.replace(/__prefix__/g, String(index));
    slots.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var added = slots.lastElementChild;
    var key = added.querySelector("input[name$='-key']");
    if (key) { key.focus(); }
    schedule();
  });

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  // Fields outside the <form> element that belong to it (form="designer-form").
  Array.prototype.forEach.call(document.querySelectorAll("[form='designer-form']"), function (field) {
    field.addEventListener("change", schedule);
  });
  refresh();
}());
