// Campaign page: live generation progress (polls the JSON endpoint while anything is queued or
// running), and reloading the form when a template is picked so its slots appear, carrying
// everything typed so far (the server puts it back into the form).
(function () {
  "use strict";

  var templateSelect = document.getElementById("id_poster_template");
  if (templateSelect) {
    templateSelect.addEventListener("change", function () {
      var form = templateSelect.form;
      var params = new URLSearchParams();
      if (templateSelect.value) { params.set("template", templateSelect.value); }
      new FormData(form).forEach(function (value, name) {
        if (typeof value === "string" && name !== "csrfmiddlewaretoken") { params.append(name, value); }
      });
      params.set("template_pick", "1");
      var url = new URL(window.location.href);
      url.search = params.toString();
      url.hash = "generate-h";
      window.location.assign(url.toString());
    });
  }

  // Show the fields that matter for the chosen mode (all stay visible without JavaScript).
  var mode = document.getElementById("id_mode");
  function syncMode() {
    var group = document.getElementById("id_group_size");
    var source = document.getElementById("id_source_version");
    if (group) { group.closest("p").hidden = mode.value !== "group"; }
    if (source) { source.closest("p").hidden = mode.value !== "edit"; }
  }
  if (mode) { mode.addEventListener("change", syncMode); syncMode(); }

  // Offer only what the chosen model supports: its sizes, group sets, output formats and
  // backgrounds, read from the data attributes of the model's option (the server enforces the
  // same rules from the same table).
  var model = document.getElementById("id_model");
  function words(option, name) {
    var value = option.getAttribute(name) || "";
    return value ? value.split(" ") : [];
  }
  function restrict(select, allowed, keepBlank) {
    if (!select) { return; }
    var current = select.options[select.selectedIndex];
    Array.prototype.forEach.call(select.options, function (option) {
      var ok = (keepBlank && option.value === "") || allowed(option.value);
      option.hidden = !ok;
      option.disabled = !ok;
    });
    if (current && current.disabled) {
      var first = Array.prototype.find.call(select.options, function (o) { return !o.disabled; });
      if (first) { select.value = first.value; }
    }
    select.closest("p").hidden = !Array.prototype.some.call(select.options, function (o) {
      return !o.disabled && o.value !== "";
    });
  }
  function syncModel() {
    var chosen = model.options[model.selectedIndex];
    var presets = words(chosen, "data-sizes");
    var minPixels = Number(chosen.getAttribute("data-min-pixels"));
    var maxPixels = Number(chosen.getAttribute("data-max-pixels"));
    var size = document.getElementById("id_size");
    var sizeBefore = size ? size.value : "";
    restrict(size, function (value) {
      var match = /^(\d+)x(\d+)$/.exec(value);
      if (!match) { return presets.indexOf(value) !== -1; }
      var pixels = Number(match[1]) * Number(match[2]);
      return pixels >= minPixels && pixels <= maxPixels;
    }, false);
    if (size && size.value !== sizeBefore && presets.indexOf(chosen.getAttribute("data-default-size")) !== -1) {
      size.value = chosen.getAttribute("data-default-size");
    }
    var groups = Number(chosen.getAttribute("data-max-outputs")) > 1;
    var groupSize = document.getElementById("id_group_size");
    if (groupSize) {
      groupSize.max = chosen.getAttribute("data-max-outputs");
      groupSize.closest("p").hidden = !groups || (mode && mode.value !== "group");
    }
    if (mode) {
      var groupOption = mode.querySelector('option[value="group"]');
      if (groupOption) {
        groupOption.hidden = !groups;
        groupOption.disabled = !groups;
        if (!groups && mode.value === "group") { mode.value = "text_to_image"; syncMode(); }
      }
    }
    var formats = words(chosen, "data-output-formats");
    restrict(document.getElementById("id_output_format"), function (v) { return formats.indexOf(v) !== -1; }, true);
    var backgrounds = words(chosen, "data-backgrounds");
    restrict(document.getElementById("id_background"), function (v) { return backgrounds.indexOf(v) !== -1; }, true);
  }
  // Prompt length against the chosen model's limit (the server refuses past it too).
  var prompt = document.getElementById("id_prompt");
  var promptCount = document.getElementById("prompt-count");
  function syncPromptCount() {
    if (!prompt || !promptCount || !model) { return; }
    var limit = Number(model.options[model.selectedIndex].getAttribute("data-max-prompt"));
    if (!limit) { promptCount.textContent = ""; return; }
    prompt.maxLength = limit;
    var used = prompt.value.length;
    promptCount.textContent = used.toLocaleString() + " / " + limit.toLocaleString() + " characters";
    promptCount.classList.toggle("error", used > limit);
  }
  if (prompt) { prompt.addEventListener("input", syncPromptCount); }
  if (model) {
    model.addEventListener("change", syncPromptCount);
    model.addEventListener("change", syncModel);
    if (mode) { mode.addEventListener("change", syncModel); }
    syncModel();
    syncPromptCount();
  }

  // Source-version picker: suggestions from versions.json (this campaign's versions only) as
  // the user types; the field itself takes the version's id, so it works without JavaScript.
  var picker = document.querySelector("[data-version-picker]");
  var pickerForm = picker && picker.closest("form[data-versions-url]");
  var options = document.getElementById("source-version-options");
  if (picker && pickerForm && options) {
    var pickerTimer = null;
    var lastQuery = null;
    picker.addEventListener("input", function () {
      window.clearTimeout(pickerTimer);
      pickerTimer = window.setTimeout(function () {
        var query = picker.value.trim();
        if (query === lastQuery || /^\d+$/.test(query) && options.querySelector('option[value="' + query + '"]')) { return; }
        lastQuery = query;
        var address = new URL(pickerForm.getAttribute("data-versions-url"), window.location.href);
        address.searchParams.set("q", query);
        fetch(address.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.json(); })
          .then(function (data) {
            options.replaceChildren.apply(options, data.versions.map(function (version) {
              var option = document.createElement("option");
              option.value = String(version.id);
              option.label = version.label;
              option.textContent = version.label;
              return option;
            }));
          })
          .catch(function () { /* the field still takes an id typed by hand */ });
      }, 200);
    });
  }

  var section = document.getElementById("progress");
  if (!section) { return; }
  var url = section.getAttribute("data-progress-url");
  var rows = document.getElementById("generation-rows");
  var POLL_MS = 2000;

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span.innerHTML;
  }

  function statusCell(row) {
    var html = '<span class="badge status-' + text(row.status) + '">' + text(row.status_label) + "</span>" +
      '<div class="bar small"><span style="width:' + Number(row.percent) + '%"></span></div>';
    if (row.queue_position) { html += '<span class="meta">#' + Number(row.queue_position) + " in queue</span>"; }
    if (row.attempts > 1) { html += '<span class="meta"> attempt ' + Number(row.attempts) + "</span>"; }
    if (row.retry_at && row.status === "queued") { html += '<span class="meta"> retry at ' + text(new Date(row.retry_at).toLocaleTimeString()) + "</span>"; }
    return html;
  }

  var newest = 0;
  function findNewest() {
    Array.prototype.forEach.call(rows.querySelectorAll("tr[data-generation]"), function (tr) {
      newest = Math.max(newest, Number(tr.getAttribute("data-generation")));
    });
  }
  findNewest();
  // Only the first unfiltered page shows new work as it arrives.
  var onFirstPage = !new URL(window.location.href).searchParams.get("gpage") &&
    !new URL(window.location.href).searchParams.get("gstatus");

  // Ask only about what can change: the active rows shown, newer rows, unfinished batches.
  function pollUrl() {
    var active = Array.prototype.map.call(
      rows.querySelectorAll('tr[data-status="queued"], tr[data-status="running"]'),
      function (tr) { return tr.getAttribute("data-generation"); });
    var batches = Array.prototype.filter.call(document.querySelectorAll("[data-batch]"), function (box) {
      return box.getAttribute("data-finished") !== "1";
    }).map(function (box) { return box.getAttribute("data-batch"); });
    var address = new URL(url, window.location.href);
    address.searchParams.set("ids", active.join(","));
    address.searchParams.set("batches", batches.join(","));
    if (onFirstPage) { address.searchParams.set("after", String(newest)); }
    return address.toString();
  }

  function refreshProgress() {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("generation-rows");
        if (fresh) { rows.replaceWith(fresh); rows = fresh; findNewest(); }
      });
  }

  function update(data) {
    var unseen = false;
    data.generations.forEach(function (row) {
      var tr = rows.querySelector('tr[data-generation="' + row.id + '"]');
      if (!tr) { unseen = unseen || row.id > newest; return; }
      var cells = tr.children;
      cells[1].innerHTML = statusCell(row);
      if (row.error && !cells[2].querySelector(".error")) {
        cells[2].insertAdjacentHTML("beforeend", '<p class="error">' + text(row.error) + "</p>");
      }
      cells[3].innerHTML = row.outputs.map(function (output, index) {
        return '<a href="' + text(output.url) + '"><img class="checker" src="' + text(output.thumbnail) +
          '" alt="Output ' + (index + 1) + '" width="64" height="64"></a>';
      }).join("");
      tr.setAttribute("data-status", row.status);
      if (!row.can_cancel) {
        var cancel = cells[4].querySelector('form[action$="/cancel/"]');
        if (cancel) { cancel.remove(); }
      }
    });
    data.batches.forEach(function (batch) {
      var box = document.querySelector('[data-batch="' + batch.id + '"]');
      if (!box) { return; }
      var bar = box.querySelector(".bar span");
      if (bar) { bar.style.width = (batch.total ? Math.round(batch.finished * 100 / batch.total) : 0) + "%"; }
      if (!batch.running && !batch.queued) {
        // Nothing left to cancel once the batch has finished.
        var cancelBatch = box.querySelector("form.batch-cancel");
        if (cancelBatch) { cancelBatch.remove(); }
      }
      var meta = box.querySelector(".meta");
      if (meta) { meta.textContent = batch.done + " done, " + batch.failed + " failed, " + batch.running + " running, " + batch.queued + " queued of " + batch.total; }
      if (!batch.running && !batch.queued) { box.setAttribute("data-finished", "1"); }
    });
    if (unseen && onFirstPage) { refreshProgress(); }
    var budgetBar = document.getElementById("budget-bar");
    if (budgetBar) { budgetBar.style.width = data.spend.percent_used + "%"; }
    var budgetText = document.getElementById("budget-text");
    if (budgetText) { budgetText.textContent = "$" + Number(data.spend.spent).toFixed(2) + " spent + $" + Number(data.spend.reserved).toFixed(2) + " reserved of $" + Number(data.spend.budget).toFixed(2); }
  }

  function refreshBoard() {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("asset-board");
        var board = document.getElementById("asset-board");
        if (fresh && board) { board.replaceWith(fresh); }
      });
  }

  function anyActive() {
    return rows.querySelector('tr[data-status="queued"], tr[data-status="running"]') !== null;
  }

  function poll() {
    if (!anyActive()) { return; }
    fetch(pollUrl(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        update(data);
        if (anyActive()) { window.setTimeout(poll, POLL_MS); } else { refreshBoard(); }
      })
      .catch(function () { window.setTimeout(poll, POLL_MS * 3); });
  }

  window.setTimeout(poll, POLL_MS);
})();
