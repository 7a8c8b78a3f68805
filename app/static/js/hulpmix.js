// Hulpmix: small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.body.classList.add("js");

  // Phone menu.
  var toggle = document.querySelector(".nav-toggle");
  var nav = document.getElementById("site-nav");
  if (toggle && nav) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // Quick exit: leave at once, replace this page in the history, forget what we kept.
  function quickExit(target, forgetUrl) {
    // The server forgets this visitor's chat or mail too (the request survives the page leaving).
    if (forgetUrl && navigator.sendBeacon) { try { navigator.sendBeacon(forgetUrl); } catch (e) { /* leave anyway */ } }
    try { window.sessionStorage.clear(); } catch (e) { /* storage may be blocked */ }
    try { window.localStorage.clear(); } catch (e) { /* storage may be blocked */ }
    document.title = "";
    document.body.hidden = true;
    window.location.replace(target);
  }
  var exitLinks = document.querySelectorAll("[data-quick-exit]");
  exitLinks.forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      quickExit(link.href, link.dataset.forgetUrl);
    });
  });
  if (exitLinks.length) {
    var lastEscape = 0;
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      var now = Date.now();
      if (now - lastEscape < 800) { quickExit(exitLinks[0].href, exitLinks[0].dataset.forgetUrl); }
      lastEscape = now;
    });
  }

  // Move focus to the error summary so screen readers hear what went wrong.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
