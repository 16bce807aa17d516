// Review inbox keyboard shortcuts: j/n next, k previous, a approve, c request changes, o open.
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-inbox-item]"));
  if (!items.length) { return; }
  var index = 0;
  function select(next) {
    items[index].classList.remove("active");
    index = Math.max(0, Math.min(items.length - 1, next));
    items[index].classList.add("active");
    items[index].focus();
    items[index].scrollIntoView({ block: "nearest" });
  }
  select(0);
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "textarea" || tag === "input" || tag === "select" || event.metaKey || event.ctrlKey || event.altKey) { return; }
    var item = items[index];
    if (event.key === "j" || event.key === "n") { select(index + 1); event.preventDefault(); }
    else if (event.key === "k") { select(index - 1); event.preventDefault(); }
    else if (event.key === "o") { item.querySelector("[data-open]").click(); }
    else if (event.key === "a") { item.querySelector("[data-approve]").click(); }
    else if (event.key === "c") {
      var comment = item.querySelector("textarea");
      if (!comment.value.trim()) { comment.focus(); comment.placeholder = "Say what should change, then press Request changes"; event.preventDefault(); return; }
      item.querySelector("[data-changes]").click();
    }
  });
})();
