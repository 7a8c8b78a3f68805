// The staff connection indicator: one /chat socket, state shown in the header.
(function () {
  "use strict";
  var box = document.querySelector("[data-connection]");
  if (!box || typeof window.io !== "function") { return; }
  var text = box.querySelector("[data-connection-text]");
  var labels = document.documentElement.lang === "en"
    ? { online: "Connected", offline: "No connection", connecting: "Connecting…" }
    : { online: "Verbonden", offline: "Geen verbinding", connecting: "Verbinden…" };
  function show(state) {
    box.hidden = false;
    box.dataset.state = state;
    text.textContent = labels[state];
  }
  show("connecting");
  var socket = window.io("/chat", { transports: ["websocket", "polling"] });
  window.hulpmixSocket = socket;
  socket.on("connect", function () { show("online"); });
  socket.on("disconnect", function () { show("offline"); });
  socket.io.on("reconnect_attempt", function () { show("connecting"); });
  // Ended elsewhere (logout on another device, a role change): show the login page.
  // Not when this page is already leaving, e.g. after pressing "log out" here.
  var leaving = false;
  window.addEventListener("beforeunload", function () { leaving = true; });
  socket.on("session_ended", function () { if (!leaving) { window.location.reload(); } });
})();
