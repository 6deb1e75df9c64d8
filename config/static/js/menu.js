/* The header's menu on a phone. Loaded in <head> (not deferred) so that the page is laid out once with
   the menu folded; without JavaScript the menu is simply always open. The account menu is a
   <details> that works without this script: here it also closes with Escape or a click elsewhere. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  function setup() {
    var toggle = document.querySelector(".menu-toggle");
    var menu = document.getElementById("site-menu");
    if (toggle && menu) {
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", String(open));
        menu.classList.toggle("is-open", open);
      });
    }
    var account = document.querySelector(".account-menu");
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      if (account && account.open) {
        account.open = false;
        account.querySelector("summary").focus();
      } else if (toggle && toggle.getAttribute("aria-expanded") === "true" && menu.contains(document.activeElement)) {
        toggle.click();
        toggle.focus();
      }
    });
    document.addEventListener("click", function (event) {
      // A dropdown on a wide screen folds when one clicks elsewhere; inside the phone's menu it stays.
      if (!account || !account.open || account.contains(event.target)) return;
      var list = account.querySelector("ul");
      if (list && window.getComputedStyle(list).position === "absolute") account.open = false;
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
