// Counsellor dashboard: the one script (CSP allows no inline code). It only inserts a canned
// reply into the reply field; every form works without it.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var pick = document.getElementById("canned-pick");
    if (!pick) return;
    pick.addEventListener("change", function () {
      var target = document.getElementById(pick.getAttribute("data-target"));
      if (!target || !pick.value) return;
      target.value = target.value ? target.value + "\n\n" + pick.value : pick.value;
      pick.value = "";
      target.focus();
    });
  });
})();
