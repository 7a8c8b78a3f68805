// Live help for staff: duty, offers (sound + notification), the queue, alerts for
// supervisors; on a chat page also escalation, whispers, shadow drafts, quick texts.
(function () {
  "use strict";
  var panel = document.querySelector("[data-live-panel]");
  var chatPage = document.querySelector("[data-staff-chat]");
  var i18nSource = panel || document.querySelector("[data-live-i18n]");
  var t = i18nSource ? JSON.parse(i18nSource.dataset.i18n) : {};
  var consoleRoot = document.querySelector("[data-console]");
  var socket = (consoleRoot && consoleRoot.chatSocket) || window.hulpmixSocket;
  if (!socket) { return; }

  function fill(text, values) {
    return Object.keys(values).reduce(function (s, k) { return s.replace("{" + k + "}", values[k]); }, text || "");
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function beep() {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      var ctx = new Ctx();
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.1;
      osc.connect(gain); gain.connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + 0.25);
    } catch (e) { /* no sound available */ }
  }
  function notify(title, body) {
    if (!("Notification" in window) || Notification.permission !== "granted" || !document.hidden) { return; }
    try { new Notification(title, { body: body }); } catch (e) { /* not allowed here */ }
  }
  function topic(o) { return (o.topic_titles && o.topic_titles[document.documentElement.lang]) || o.topic || ""; }
  function chatUrl(id) { return panel ? panel.dataset.chatUrl.replace(/0$/, String(id)) : "#"; }

  // --- duty, offers, queue ------------------------------------------------------------
  if (panel) {
    var toggle = panel.querySelector("[data-duty-toggle]");
    var dutyState = panel.querySelector("[data-duty-state]");
    var offers = panel.querySelector("[data-offers]");
    var alerts = panel.querySelector("[data-alerts]");
    var figures = panel.querySelector("[data-figures]");
    var errorBox = panel.querySelector("[data-panel-error]");
    var queueBody = document.querySelector("[data-queue] tbody");

    var showDuty = function (on) {
      dutyState.textContent = on ? t.on : t.off;
      toggle.textContent = on ? t.go_off : t.go_on;
      toggle.setAttribute("aria-pressed", on ? "true" : "false");
      toggle.classList.toggle("button-secondary", on);
    };
    toggle.addEventListener("click", function () {
      var on = toggle.getAttribute("aria-pressed") !== "true";
      if (on && "Notification" in window && Notification.permission === "default") { Notification.requestPermission(); }
      socket.emit("live_duty", { available: on }, function (ack) {
        if (ack && ack.ok) { showDuty(ack.available); errorBox.textContent = ""; }
        else { errorBox.textContent = (ack && ack.message) || ""; }
      });
    });

    var accept = function (id) {
      socket.emit("live_accept", { request_id: id }, function (ack) {
        if (ack && ack.ok) { window.location.href = chatUrl(ack.request_id); }
        else { errorBox.textContent = (ack && ack.message) || t.taken; removeOffer(id); }
      });
    };
    var removeOffer = function (id) {
      var li = offers.querySelector('[data-offer="' + id + '"]');
      if (li) { li.remove(); }
    };
    var addOffer = function (o) {
      removeOffer(o.request_id);
      var li = el("li", "offer" + (o.risk_level !== "none" ? " offer-risk" : ""));
      li.dataset.offer = o.request_id;
      li.appendChild(el("strong", "", t.offer));
      var facts = [o.nickname, o.age_group, topic(o), o.language ? t.language + ": " + o.language : "",
                   o.risk_level !== "none" ? t.risk + ": " + o.risk_level : "", fill(t.waited, { m: Math.floor(o.waited_seconds / 60) })];
      li.appendChild(el("p", "", facts.filter(Boolean).join(" · ")));
      var yes = el("button", "button", t.accept);
      yes.type = "button";
      yes.addEventListener("click", function () { accept(o.request_id); });
      var no = el("button", "button button-secondary", t.decline);
      no.type = "button";
      no.addEventListener("click", function () {
        socket.emit("live_decline", { request_id: o.request_id }, function () { removeOffer(o.request_id); });
      });
      li.appendChild(yes); li.appendChild(document.createTextNode(" ")); li.appendChild(no);
      offers.appendChild(li);
      yes.focus();
    };
    var showQueue = function (data) {
      figures.textContent = fill(t.figures, { on: data.on_duty, w: data.waiting, m: data.expected_minutes });
      if (!queueBody || !data.queue) { return; }
      queueBody.textContent = "";
      data.queue.forEach(function (r) {
        var tr = el("tr");
        tr.dataset.request = r.request_id;
        [String(r.position), (r.nickname || "–") + " " + (r.age_group || ""), topic(r), r.language || "–",
         r.risk_level !== "none" ? r.risk_level : "–", Math.floor(r.waited_seconds / 60) + " min"].forEach(function (v) {
          tr.appendChild(el("td", "", v));
        });
        var td = el("td");
        var take = el("button", "button button-small", t.accept);
        take.type = "button";
        take.addEventListener("click", function () { accept(r.request_id); });
        td.appendChild(take);
        tr.appendChild(td);
        queueBody.appendChild(tr);
      });
    };
    document.querySelectorAll("[data-take]").forEach(function (b) {
      b.addEventListener("click", function () { accept(parseInt(b.dataset.take, 10)); });
    });

    var hello = function () {
      socket.emit("live_hello", {}, function (ack) {
        if (!ack || !ack.ok) { return; }
        showDuty(ack.available);
        showQueue(Object.assign({}, ack.figures, { queue: ack.queue }));
        ack.offers.forEach(addOffer);
      });
    };
    socket.on("connect", hello);
    if (socket.connected) { hello(); }
    socket.on("live_offer", function (o) { addOffer(o); beep(); notify(t.offer, [o.nickname, topic(o)].filter(Boolean).join(" · ")); });
    socket.on("live_offer_gone", function (d) { removeOffer(d.request_id); });
    socket.on("live_duty", function (d) { showDuty(d.available); if (d.reason === "offer_expired") { errorBox.textContent = t.offer_expired; } });
    socket.on("live_queue", showQueue);
    socket.on("live_alert", function (a) {
      var li = el("li", "alert-item");
      li.appendChild(el("strong", "", t.alert + ": " + a.risk_level + " "));
      var link = el("a", "", t.open);
      link.href = chatUrl(a.request_id);
      li.appendChild(link);
      alerts.prepend(li);
      beep();
      notify(t.alert, a.risk_level);
    });
    socket.on("live_chat_started", function (d) { if (!chatPage) { window.location.href = chatUrl(d.request_id); } });
    socket.on("live_shadow", function (d) { window.location.href = chatUrl(d.request_id); });
  }

  // --- on a chat page -------------------------------------------------------------------
  if (!chatPage) { return; }
  var requestId = parseInt(chatPage.dataset.requestId, 10);
  var input = document.querySelector("[data-console] [data-input]");
  function insert(text) {
    if (!input) { return; }
    input.value = input.value ? input.value + " " + text : text;
    input.dispatchEvent(new Event("input"));
    input.focus();
  }
  document.querySelectorAll("[data-insert]").forEach(function (b) {
    b.addEventListener("click", function () { insert(b.dataset.insert); });
  });
  var topicSelect = document.querySelector("[data-topic-select]");
  var topicButton = document.querySelector("[data-insert-topic]");
  if (topicSelect && topicButton) {
    topicButton.addEventListener("click", function () {
      insert(topicSelect.options[topicSelect.selectedIndex].text + ": " + topicSelect.value);
    });
  }
  var escalate = document.querySelector("[data-escalate]");
  if (escalate) {
    escalate.addEventListener("click", function () {
      socket.emit("live_escalate", { request_id: requestId }, function (ack) {
        var box = document.querySelector("[data-escalated]");
        if (box && ack && ack.ok) { box.textContent = escalate.textContent + " ✓"; escalate.disabled = true; }
      });
    });
  }
  var whisperForm = document.querySelector("[data-whisper-form]");
  if (whisperForm) {
    whisperForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var box = whisperForm.querySelector("[data-whisper-input]");
      socket.emit("live_whisper", { request_id: requestId, body: box.value }, function (ack) {
        whisperForm.querySelector("[data-whisper-status]").textContent = ack && ack.ok ? "✓" : ((ack && ack.message) || "");
        if (ack && ack.ok) { box.value = ""; }
      });
    });
  }
  var whispers = document.querySelector("[data-whispers]");
  socket.on("live_whisper", function (w) {
    if (!whispers || w.request_id !== requestId) { return; }
    var card = document.querySelector("[data-whispers-card]");
    if (card) { card.hidden = false; }
    var li = el("li");
    li.appendChild(el("strong", "", (t.whisper || "") + " (" + w.from + "): "));
    li.appendChild(document.createTextNode(w.body));
    whispers.appendChild(li);
    beep();
  });
  var readers = document.querySelector("[data-readers]");
  socket.on("live_reader", function (r) {
    if (r.request_id !== requestId) { return; }
    if (readers) { readers.textContent = fill(t.reader, { name: r.name }); }
    var card = document.querySelector("[data-whispers-card]");
    if (card) { card.hidden = false; }
  });
  socket.on("live_risk", function (r) {
    if (r.request_id !== requestId) { return; }
    var badge = document.querySelector("[data-risk-badge]");
    if (badge) { badge.hidden = false; badge.textContent = (t.risk || "") + ": " + r.risk_level; }
    beep();
  });
  socket.on("live_taken_over", function (d) { if (d.request_id === requestId && readers) { readers.textContent = fill(t.taken_over, { name: d.by }); } });
  socket.on("live_transferred", function (d) { if (d.request_id === requestId && readers) { readers.textContent = fill(t.transferred, { name: d.to }); } });

  // Shadow mode: the trainee sends drafts; the counsellor approves, edits or rejects.
  var drafts = document.querySelector("[data-drafts]");
  var canDecide = drafts && drafts.dataset.canDecide === "true";
  function showDraft(d) {
    if (!drafts || d.request_id !== requestId) { return; }
    var li = drafts.querySelector('[data-draft="' + d.draft_id + '"]') || el("li");
    li.textContent = "";
    li.dataset.draft = d.draft_id;
    li.dataset.status = d.status;
    li.appendChild(el("p", "msg-meta", fill(t.draft, { name: d.author }) + " · " + d.status));
    if (canDecide && d.status === "pending") {
      var area = el("textarea");
      area.value = d.body;
      area.rows = 3;
      area.setAttribute("aria-label", fill(t.draft, { name: d.author }));
      li.appendChild(area);
      ["approve", "reject"].forEach(function (action) {
        var b = el("button", action === "approve" ? "button button-small" : "button button-secondary button-small",
                   action === "approve" ? (t.accept || "OK") : (t.decline || "No"));
        b.type = "button";
        b.dataset.decide = action;
        b.addEventListener("click", function () {
          socket.emit("live_draft_decide", { draft_id: d.draft_id, action: action, body: area.value }, function (ack) {
            if (ack && ack.ok) { d.status = ack.status; d.final_body = area.value; showDraft(d); }
          });
        });
        li.appendChild(b);
      });
    } else {
      li.appendChild(el("p", "", d.final_body || d.body));
    }
    if (!li.parentNode) { drafts.appendChild(li); }
  }
  socket.on("live_draft", function (d) { showDraft(d); if (canDecide && d.status === "pending") { beep(); } });
  var draftForm = document.querySelector("[data-draft-form]");
  if (draftForm) {
    draftForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var box = draftForm.querySelector("[data-draft-input]");
      var err = draftForm.querySelector("[data-draft-error]");
      socket.emit("live_draft", { request_id: requestId, body: box.value }, function (ack) {
        if (ack && ack.ok) {
          showDraft({ draft_id: ack.draft_id, request_id: requestId, body: box.value, status: "pending", author: "", final_body: "" });
          box.value = ""; err.textContent = "";
        } else { err.textContent = (ack && (ack.message || ack.error)) || ""; }
      });
    });
  }
})();
