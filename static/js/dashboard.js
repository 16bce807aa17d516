// Dashboard: live status of the recent generations. Polls the JSON endpoint while any row is
// queued or running, and redraws the rows from it (new generations appear too). Every value is
// written as text, never as HTML, so a prompt cannot inject markup.
(function () {
  "use strict";

  var section = document.getElementById("dash-generations");
  if (!section) { return; }
  var url = section.getAttribute("data-progress-url");
  var body = document.getElementById("dash-generation-rows");
  var POLL_MS = 2500;
  var MAX_OUTPUTS = 3;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text != null) { node.textContent = String(text); }
    return node;
  }

  function statusCell(row) {
    var td = el("td");
    td.appendChild(el("span", { "class": "badge status-" + row.status }, row.status_label));
    if (row.queue_position) {
      td.appendChild(document.createTextNode(" "));
      td.appendChild(el("span", { "class": "meta" }, "#" + row.queue_position + " in queue"));
    }
    return td;
  }

  function campaignCell(row) {
    var td = el("td");
    td.appendChild(el("a", { href: row.campaign_url }, row.campaign));
    td.appendChild(el("br"));
    td.appendChild(el("span", { "class": "meta" }, row.brand));
    return td;
  }

  function requestCell(row) {
    var td = el("td");
    td.appendChild(el("span", { "class": "meta" }, row.mode + " · " + row.provider));
    td.appendChild(el("br"));
    var prompt = row.prompt.length > 90 ? row.prompt.slice(0, 89) + "…" : row.prompt;
    td.appendChild(el("span", { "class": "prompt" }, prompt));
    if (row.error) { td.appendChild(el("p", { "class": "error" }, row.error)); }
    return td;
  }

  function outputCell(row) {
    var td = el("td");
    row.outputs.slice(0, MAX_OUTPUTS).forEach(function (output, index) {
      var link = el("a", { href: output.url });
      link.appendChild(el("img", {
        src: output.thumbnail, width: "40", height: "40",
        alt: "Output " + (index + 1) + " of generation " + row.id
      }));
      td.appendChild(link);
    });
    return td;
  }

  function render(rows) {
    var fragment = document.createDocumentFragment();
    rows.forEach(function (row) {
      var tr = el("tr", { "data-generation": row.id, "data-status": row.status });
      tr.appendChild(el("td", {}, row.id));
      tr.appendChild(statusCell(row));
      tr.appendChild(campaignCell(row));
      tr.appendChild(requestCell(row));
      tr.appendChild(outputCell(row));
      fragment.appendChild(tr);
    });
    if (rows.length) { body.replaceChildren(fragment); }
  }

  function anyActive() {
    return body.querySelector('tr[data-status="queued"], tr[data-status="running"]') !== null;
  }

  function poll() {
    if (!anyActive()) { return; }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        render(data.generations);
        if (anyActive()) { window.setTimeout(poll, POLL_MS); }
      })
      .catch(function () { window.setTimeout(poll, POLL_MS * 3); });
  }

  window.setTimeout(poll, POLL_MS);
})();
