// Reference pack editor: reorder a draft's images by drag and drop, and make the Earlier/Later
// buttons work without a page load. Both post the whole new order to the reorder endpoint; if
// the server refuses it, the previous order comes back. Without JavaScript the buttons post
// their own forms and the page reloads.
(function () {
  "use strict";
  var grid = document.querySelector("[data-reorder-url]");
  if (!grid) { return; }
  var url = grid.getAttribute("data-reorder-url");
  var statusLine = document.getElementById("reorder-status");
  var dragged = null;
  var orderBeforeDrag = null;

  function items() {
    return Array.prototype.slice.call(grid.querySelectorAll("[data-image-id]"));
  }

  function currentOrder() {
    return items().map(function (item) { return Number(item.getAttribute("data-image-id")); });
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) { return input.value; }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function announce(message, isError) {
    if (!statusLine) { return; }
    statusLine.textContent = message;
    statusLine.classList.toggle("error", Boolean(isError));
    statusLine.classList.toggle("ok", !isError);
  }

  // Positions, button states and button names follow the order on screen.
  function refresh() {
    var all = items();
    all.forEach(function (item, index) {
      var caption = item.getAttribute("data-label");
      var name = caption ? "\u201c" + caption + "\u201d" : "image " + (index + 1);
      item.querySelector("[data-position]").textContent = "#" + (index + 1);
      var earlier = item.querySelector('[data-move="earlier"]');
      var later = item.querySelector('[data-move="later"]');
      earlier.disabled = index === 0;
      later.disabled = index === all.length - 1;
      earlier.setAttribute("aria-label", "Move " + name + " earlier");
      later.setAttribute("aria-label", "Move " + name + " later");
    });
  }

  function restore(order) {
    order.forEach(function (id) {
      var item = grid.querySelector('[data-image-id="' + id + '"]');
      if (item) { grid.appendChild(item); }
    });
    refresh();
  }

  function save(previous) {
    var order = currentOrder();
    if (order.join(",") === previous.join(",")) { return; }
    grid.setAttribute("aria-busy", "true");
    announce("Saving the new order\u2026", false);
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ order: order })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) { throw new Error(data.error || "The new order could not be saved."); }
        announce(data.message || "Order saved.", false);
      });
    }).catch(function (error) {
      restore(previous);
      announce(error.message + " The previous order is back.", true);
    }).then(function () {
      grid.removeAttribute("aria-busy");
    });
  }

  // Drag and drop. Items are draggable only with JavaScript; pressing inside a caption field or
  // on a button must not start a drag, so text can still be selected there.
  items().forEach(function (item) { item.setAttribute("draggable", "true"); });
  grid.classList.add("is-sortable");
  Array.prototype.forEach.call(document.querySelectorAll("[data-drag-hint]"), function (hint) { hint.hidden = false; });
  Array.prototype.forEach.call(document.querySelectorAll("[data-no-drag-hint]"), function (hint) { hint.hidden = true; });

  grid.addEventListener("pointerdown", function (event) {
    var item = event.target.closest("[data-image-id]");
    if (item) { item.setAttribute("draggable", event.target.closest("input, textarea, button, select, a") ? "false" : "true"); }
  });

  grid.addEventListener("dragstart", function (event) {
    var item = event.target.closest && event.target.closest("[data-image-id]");
    if (!item) { return; }
    dragged = item;
    orderBeforeDrag = currentOrder();
    item.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.getAttribute("data-image-id"));
  });

  grid.addEventListener("dragover", function (event) {
    if (!dragged) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    var target = event.target.closest("[data-image-id]");
    if (!target || target === dragged) { return; }
    var box = target.getBoundingClientRect();
    // Several columns: left or right half decides; one column (narrow screens): top or bottom.
    var inRows = box.width < grid.clientWidth * 0.66;
    var after = inRows ? event.clientX > box.left + box.width / 2 : event.clientY > box.top + box.height / 2;
    grid.insertBefore(dragged, after ? target.nextElementSibling : target);
  });

  grid.addEventListener("drop", function (event) {
    if (dragged) { event.preventDefault(); }
  });

  grid.addEventListener("dragend", function () {
    if (!dragged) { return; }
    dragged.classList.remove("is-dragging");
    dragged = null;
    refresh();
    save(orderBeforeDrag);
  });

  // Earlier/Later: move in place and keep focus on the moved image's buttons.
  grid.addEventListener("click", function (event) {
    var button = event.target.closest("[data-move]");
    if (!button) { return; }
    event.preventDefault();
    var item = button.closest("[data-image-id]");
    var previous = currentOrder();
    var direction = button.getAttribute("data-move");
    if (direction === "earlier" && item.previousElementSibling) {
      grid.insertBefore(item, item.previousElementSibling);
    } else if (direction === "later" && item.nextElementSibling) {
      grid.insertBefore(item, item.nextElementSibling.nextElementSibling);
    }
    refresh();
    var other = item.querySelector('[data-move="' + (direction === "earlier" ? "later" : "earlier") + '"]');
    (button.disabled ? other : button).focus();
    save(previous);
  });
})();
