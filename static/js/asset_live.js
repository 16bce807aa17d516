// The asset page refreshes itself when background work changes it: a queued edit becomes a new
// version, a reproduction finishes, a review is decided. It polls a small JSON state while the
// tab is visible (faster while something is running) and reloads when the state differs; a new
// version opens on that version.
(function () {
  "use strict";
  var box = document.getElementById("asset-live");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var state = box.getAttribute("data-state");
  var latest = box.getAttribute("data-latest");
  var working = Number(box.getAttribute("data-working")) > 0;
  var note = document.getElementById("asset-live-note");

  function show(isWorking) {
    if (!note) { return; }
    note.hidden = !isWorking;
  }

  function poll() {
    if (document.hidden) { return schedule(); }
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return schedule(); }
        if (data.state !== state) {
          if (data.latest !== null && String(data.latest) !== latest) {
            var target = new URL(window.location.href);
            target.searchParams.set("v", data.latest);
            window.location.assign(target.toString());
          } else {
            window.location.reload();
          }
          return;
        }
        working = data.working > 0;
        show(working);
        schedule();
      })
      .catch(schedule);
  }

  function schedule() {
    window.setTimeout(poll, working ? 2000 : 5000);
  }

  show(working);
  schedule();
})();
