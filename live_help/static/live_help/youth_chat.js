// The young person's waiting room: position and expected wait, live; the moment a
// counsellor accepts; requeue, closing time and the end. Uses the console's socket.
(function () {
  "use strict";
  var page = document.querySelector("[data-youth-chat]");
  var root = document.querySelector("[data-console]");
  if (!page || !root) { return; }
  var t = JSON.parse(page.dataset.i18n);
  var room = page.querySelector("[data-waiting-room]");
  var position = page.querySelector("[data-position]");
  var expected = page.querySelector("[data-expected]");
  var onDuty = page.querySelector("[data-on-duty]");
  var notice = page.querySelector("[data-notice]");
  var leaveForm = page.querySelector("[data-leave-form]");

  function fill(text, key, value) { return text.replace("{" + key + "}", value); }
  function showPosition(data) {
    if (!data || !data.position) { return; }
    room.hidden = false;
    position.textContent = fill(t.position, "position", data.position);
    expected.firstChild.textContent = fill(t.expected, "minutes", data.expected_minutes) + " ";
    onDuty.textContent = fill(t.on_duty, "n", data.on_duty);
  }
  function say(text) { notice.textContent = text; }

  function wire(socket) {
    function ask() {
      socket.emit("live_status", {}, function (ack) {
        if (!ack || !ack.ok) { return; }
        if (ack.status === "waiting" || ack.status === "offered") { showPosition(ack); }
        else { room.hidden = true; }
        if (ack.status === "active" && ack.counsellor) { say(fill(t.accepted, "name", ack.counsellor)); }
      });
    }
    socket.on("connect", ask);
    if (socket.connected) { ask(); }
    socket.on("live_position", showPosition);
    socket.on("live_accepted", function (data) {
      room.hidden = true;
      say(fill(t.accepted, "name", data.counsellor));
      if (leaveForm) { leaveForm.querySelector("button").textContent = t.end_chat; }
    });
    socket.on("live_requeued", function () { say(t.requeued); ask(); });
    socket.on("live_ended", function (data) {
      room.hidden = true;
      if (leaveForm) { leaveForm.hidden = true; }
      say(t[data.status] || t.ended);
    });
  }
  if (root.chatSocket) { wire(root.chatSocket); }
  else { root.addEventListener("console:ready", function (e) { wire(e.detail.socket); }); }
})();
