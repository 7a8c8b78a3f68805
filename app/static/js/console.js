// The chat console (simulations and live help): store-then-ack sending with client ids,
// resend after a reconnect, catch-up by sequence number, typing, phases and nudges.
(function () {
  "use strict";
  var root = document.querySelector("[data-console]");
  if (!root || typeof window.io !== "function") { return; }

  var t = JSON.parse(root.dataset.i18n);
  var conversationId = parseInt(root.dataset.conversationId, 10);
  var side = root.dataset.side;
  var log = root.querySelector("[data-log]");
  var stateBox = root.querySelector(".console-state");
  var stateText = root.querySelector("[data-state-text]");
  var typingBox = root.querySelector("[data-typing]");
  var form = root.querySelector("[data-composer]");
  var input = root.querySelector("[data-input]");
  var counter = root.querySelector("[data-counter]");
  var errorBox = root.querySelector("[data-error]");
  var nudge = root.querySelector("[data-nudge]");
  var prefix = "hulpmix:" + conversationId + ":";
  var store = window.sessionStorage;

  var lastSeq = Math.max(parseInt(root.dataset.lastSeq || "0", 10), parseInt(store.getItem(prefix + "seq") || "0", 10));
  var seen = {};
  log.querySelectorAll("[data-seq]").forEach(function (li) { seen[li.dataset.seq] = true; });
  var outbox = JSON.parse(store.getItem(prefix + "outbox") || "[]");  // [{client_id, body}]
  var ended = false;

  function saveOutbox() { store.setItem(prefix + "outbox", JSON.stringify(outbox)); }
  function saveSeq() { store.setItem(prefix + "seq", String(lastSeq)); }
  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }
  function timeOf(iso) {
    var d = new Date(iso);
    // Shown in Dutch time, as the server renders it, wherever the browser is.
    return isNaN(d) ? "" : d.toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Amsterdam" });
  }
  function setState(state) {
    stateBox.dataset.state = state;
    stateText.textContent = t[state];
  }
  function showError(code) {
    if (!errorBox) { return; }
    errorBox.textContent = code ? (t[code] || t.invalid) : "";
  }
  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function messageItem(m, pending) {
    var li = document.createElement("li");
    li.className = "msg msg-" + m.side + (m.side === side ? " msg-own" : "");
    if (m.seq) { li.dataset.seq = m.seq; }
    if (m.client_id) { li.dataset.clientId = m.client_id; }
    var meta = document.createElement("p");
    meta.className = "msg-meta";
    var author = document.createElement("span");
    author.className = "msg-author";
    author.textContent = m.side === side ? t.you : (m.author || t[m.side] || "");
    meta.appendChild(author);
    meta.appendChild(document.createTextNode(" "));
    var time = document.createElement("time");
    time.dateTime = m.at || "";
    time.textContent = m.at ? timeOf(m.at) : "";
    meta.appendChild(time);
    if (m.side === side) {
      var status = document.createElement("span");
      status.className = "msg-status";
      status.textContent = pending ? t.sending : t.sent;
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(status);
    }
    var body = document.createElement("p");
    body.className = "msg-body";
    body.textContent = m.body;  // text, never HTML
    li.appendChild(meta);
    li.appendChild(body);
    if (pending) { li.classList.add("msg-pending"); }
    return li;
  }

  function pendingItem(clientId) { return log.querySelector('[data-client-id="' + clientId + '"]'); }

  function addMessage(m) {
    if (seen[m.seq]) { return; }
    seen[m.seq] = true;
    var existing = m.client_id ? pendingItem(m.client_id) : null;
    if (existing && !existing.dataset.seq) {
      existing.replaceWith(messageItem(m, false));
    } else {
      log.appendChild(messageItem(m, false));
    }
    if (m.seq > lastSeq) { lastSeq = m.seq; saveSeq(); }
    outbox = outbox.filter(function (o) { return o.client_id !== m.client_id; });
    saveOutbox();
    scrollDown();
    phaseWatch();
  }

  var socket = window.io("/chat", {
    transports: ["websocket", "polling"],
    auth: root.dataset.token ? { token: root.dataset.token } : {}
  });
  // Features (live help's waiting room and staff panel) use this same socket.
  root.chatSocket = socket;
  root.dispatchEvent(new CustomEvent("console:ready", { bubbles: true, detail: { socket: socket } }));

  function transmit(item) {
    socket.timeout(10000).emit("send", { conversation_id: conversationId, client_id: item.client_id, body: item.body },
      function (err, ack) {
        if (err) { return; }  // no answer: kept in the outbox, sent again on reconnect
        if (ack && ack.ok) {
          addMessage({ seq: ack.seq, client_id: item.client_id, body: item.body, side: side, at: ack.at });
          var li = pendingItem(item.client_id);
          if (li) { li.classList.remove("msg-pending"); var s = li.querySelector(".msg-status"); if (s) { s.textContent = t.sent; } }
        } else if (ack) {
          outbox = outbox.filter(function (o) { return o.client_id !== item.client_id; });
          saveOutbox();
          var failed = pendingItem(item.client_id);
          if (failed && ack.error !== "rate_limited") { failed.remove(); }
          if (ack.error === "rate_limited") { outbox.push(item); saveOutbox(); }
          if (ack.error === "ended") { markEnded(); }
          showError(ack.error);
          if (failed && ack.error !== "rate_limited" && input && !input.value) { input.value = item.body; updateCounter(); }
        }
      });
  }

  socket.on("connect", function () {
    setState("online");
    socket.emit("join", { conversation_id: conversationId, after: lastSeq }, function (ack) {
      if (!ack || !ack.ok) { showError(ack ? ack.error : "invalid"); return; }
      ack.messages.forEach(addMessage);
      if (ack.phase) { showPhase(ack.phase); }
      if (ack.status === "ended") { markEnded(); return; }
      outbox.forEach(transmit);  // whatever was never acknowledged goes again, same ids
    });
  });
  socket.on("disconnect", function () { setState("offline"); });
  socket.io.on("reconnect_attempt", function () { setState("connecting"); });
  socket.on("message", function (m) {
    if (m.conversation_id !== conversationId) { return; }
    if (m.seq > lastSeq + 1) {  // a gap: ask for what is missing first
      socket.emit("sync", { conversation_id: conversationId, after: lastSeq }, function (ack) {
        if (ack && ack.ok) { ack.messages.forEach(addMessage); }
      });
      return;
    }
    addMessage(m);
    if (m.side !== side) { typingBox.textContent = ""; }
  });
  socket.on("typing", function (data) {
    if (data.conversation_id !== conversationId || data.side === side) { return; }
    typingBox.textContent = data.typing ? (t[data.side] || "") + " " + t.typing : "";
  });
  socket.on("ended", function (data) { if (data.conversation_id === conversationId) { markEnded(); } });
  socket.on("session_ended", function () { window.location.reload(); });

  function markEnded() {
    if (ended) { return; }
    ended = true;
    setState("online");
    stateText.textContent = t.ended;
    if (form) { form.querySelectorAll("textarea, button").forEach(function (el) { el.disabled = true; }); }
    store.removeItem(prefix + "outbox");
    if (root.dataset.endedUrl) {
      var link = document.createElement("a");
      link.href = root.dataset.endedUrl;
      link.className = "button";
      link.textContent = document.documentElement.lang === "en" ? "Continue" : "Verder";
      root.appendChild(link);
    }
  }

  // Composer.
  function updateCounter() { if (counter) { counter.textContent = input.value.length + " / 2000"; } }
  var typingTimer = null;
  var typingSent = false;
  if (form) {
    input.addEventListener("input", function () {
      updateCounter();
      showError("");
      if (!typingSent) { socket.emit("typing", { conversation_id: conversationId, typing: true }); typingSent = true; }
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () {
        socket.emit("typing", { conversation_id: conversationId, typing: false });
        typingSent = false;
      }, 3000);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = input.value.trim();
      if (!body) { showError("empty"); return; }
      if (body.length > 2000) { showError("too_long"); return; }
      var item = { client_id: newId(), body: body };
      outbox.push(item);
      saveOutbox();
      log.appendChild(messageItem({ client_id: item.client_id, body: body, side: side }, true));
      scrollDown();
      input.value = "";
      updateCounter();
      if (typingSent) { socket.emit("typing", { conversation_id: conversationId, typing: false }); typingSent = false; }
      if (socket.connected) { transmit(item); }
      input.focus();
    });
  }

  // The five phases: marking, the timeline's suggestion, nudges.
  var phases = ["welcome", "clarify", "goal", "work", "close"];
  var marked = [];
  var current = null;
  var currentSince = lastSeq;
  function showPhase(phase) {
    current = phase;
    root.querySelectorAll("[data-phase]").forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.phase === phase ? "true" : "false");
    });
  }
  function say(text) { if (nudge) { nudge.textContent = text; } }
  function phaseWatch() {
    if (!nudge || !current) { return; }
    var limits = { welcome: 6, clarify: 24, goal: 10, work: 30, close: 10 };
    if (lastSeq - currentSince > limits[current]) { say(t.phase_long); }
  }
  root.querySelectorAll("[data-phase]").forEach(function (button) {
    button.addEventListener("click", function () {
      var phase = button.dataset.phase;
      socket.emit("phase", { conversation_id: conversationId, phase: phase }, function (ack) {
        if (!ack || !ack.ok) { showError(ack ? ack.error : "invalid"); return; }
        var index = phases.indexOf(phase);
        var skipped = phases.slice(0, index).filter(function (p) { return marked.indexOf(p) < 0; });
        if (marked.indexOf(phase) < 0) { marked.push(phase); }
        showPhase(phase);
        currentSince = lastSeq;
        say(skipped.length
          ? t.phase_skipped.replace("{phase}", t.phases[skipped[skipped.length - 1]])
          : t.phase_marked.replace("{phase}", t.phases[phase]));
      });
    });
  });
  socket.on("phase", function (data) {
    if (data.conversation_id !== conversationId) { return; }
    if (data.suggested) {
      if (side === "counsellor" && data.phase !== current) {
        say(t.suggested.replace("{phase}", t.phases[data.phase]));
        root.querySelectorAll("[data-phase]").forEach(function (b) {
          b.classList.toggle("phase-suggested", b.dataset.phase === data.phase);
        });
      }
    } else {
      showPhase(data.phase);
    }
  });

  scrollDown();
  if (input) { updateCounter(); }
})();
