// Overlay compare: the slider reveals the right-hand version over the left-hand one.
(function () {
  "use strict";
  document.querySelectorAll("[data-compare]").forEach(function (box) {
    var top = box.querySelector(".compare-top");
    var slider = box.querySelector("input[type=range]");
    function apply() { top.style.clipPath = "inset(0 " + (100 - Number(slider.value)) + "% 0 0)"; }
    slider.addEventListener("input", apply);
    apply();
  });
})();
