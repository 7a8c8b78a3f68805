// Forum: a browser token for the flood limit, and "remember on this device" for secret keys.
// Everything works without this file; keys then stay only where the writer copied them.
(function () {
  "use strict";
  var STORE = "hulpmix-forum-keys";

  function read() {
    try { return JSON.parse(window.localStorage.getItem(STORE) || "{}"); } catch (e) { return {}; }
  }
  function write(keys) {
    try {
      if (Object.keys(keys).length) { window.localStorage.setItem(STORE, JSON.stringify(keys)); }
      else { window.localStorage.removeItem(STORE); }
    } catch (e) { /* storage may be blocked */ }
  }

  // A random token for this tab, so the flood limit does not need the address.
  var token = null;
  try {
    token = window.sessionStorage.getItem("hulpmix-browser");
    if (!token && window.crypto && window.crypto.randomUUID) {
      token = window.crypto.randomUUID();
      window.sessionStorage.setItem("hulpmix-browser", token);
    }
  } catch (e) { token = null; }
  if (token) {
    document.querySelectorAll("[data-browser-token]").forEach(function (input) { input.value = token; });
  }

  // Shown once: offer to keep the key on this device.
  var secret = document.querySelector("[data-secret-key]");
  var remember = document.querySelector("[data-remember]");
  if (secret && remember) {
    remember.closest("label").hidden = false;
    var postId = secret.getAttribute("data-post-id");
    remember.checked = Boolean(read()[postId]);
    remember.addEventListener("change", function () {
      var keys = read();
      if (remember.checked) { keys[postId] = secret.textContent.trim(); } else { delete keys[postId]; }
      write(keys);
    });
  }

  // Coming back: fill in a remembered key.
  var keyForm = document.querySelector("[data-key-form]");
  if (keyForm) {
    var remembered = read()[keyForm.getAttribute("data-post-id")];
    var input = keyForm.querySelector("input[name=key]");
    if (remembered && input && !input.value) { input.value = remembered; }
  }

  // Deleted: forget its key.
  var forget = document.querySelector("[data-forget-post]");
  if (forget) {
    var all = read();
    delete all[forget.getAttribute("data-forget-post")];
    write(all);
  }
})();
