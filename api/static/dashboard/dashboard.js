// Counsellor dashboard: the one script (CSP allows no inline code). Every form works without it; it adds
// - the preview of a canned reply (German for the counsellor, the person's language as sent);
// - live updates from GET /dashboard/stream (server-sent events, the login cookie authenticates): the
//   queue swaps in its table, the case page adds the person's messages and changes of the case;
// - the unread count in the page title: "(3) Queue – Counsellor dashboard".
(function () {
  "use strict";

  var baseTitle = document.title.replace(/^\(\d+\) /, "");

  function setUnread(count) {
    document.title = (count > 0 ? "(" + count + ") " : "") + baseTitle;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // --- canned replies --------------------------------------------------------------------------

  function cannedPreviews() {
    Array.prototype.forEach.call(document.querySelectorAll("select.canned-pick"), function (pick) {
      var preview = document.getElementById(pick.getAttribute("data-preview"));
      if (!preview) return;
      pick.addEventListener("change", function () {
        var option = pick.options[pick.selectedIndex];
        var chosen = option && option.value;
        preview.hidden = !chosen;
        var de = preview.querySelector(".de");
        var person = preview.querySelector(".person");
        if (de) de.textContent = chosen ? option.getAttribute("data-de") : "";
        if (person) person.textContent = chosen ? option.getAttribute("data-text") : "";
      });
    });
  }

  // --- the live stream -----------------------------------------------------------------------------

  function listen(root, onCase) {
    if (!window.EventSource) return;
    var cursor = root.getAttribute("data-cursor") || "0";
    var source = null;
    function connect() {
      source = new EventSource(root.getAttribute("data-stream") + "?after=" + encodeURIComponent(cursor));
      source.addEventListener("case", function (message) {
        var data;
        try { data = JSON.parse(message.data); } catch (e) { return; }
        cursor = String(data.id);
        onCase(data);
      });
      source.addEventListener("unread", function (message) {
        try {
          var data = JSON.parse(message.data);
          setUnread(data.count);
          if (data.cursor) cursor = String(data.cursor);
        } catch (e) { /* ignore a broken event */ }
      });
      source.addEventListener("logout", function () { source.close(); });
      source.onerror = function () {
        // The browser reconnects by itself, but with the URL's old cursor: start again from ours.
        source.close();
        setTimeout(connect, 3000);
      };
    }
    connect();
  }

  function liveQueue() {
    var root = document.getElementById("live-queue");
    if (!root) return;
    var status = document.getElementById("live-status");
    var pending = null;
    function refresh() {
      pending = null;
      fetch(root.getAttribute("data-table"), { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html) return;
          var holder = document.createElement("div");
          holder.innerHTML = html; // our own template, from our origin
          var table = holder.querySelector("#queue-table");
          var old = document.getElementById("queue-table");
          if (table && old) old.replaceWith(table);
        })
        .catch(function () { /* the next event tries again */ });
    }
    listen(root, function (event) {
      if (event.action === "created" && status) status.textContent = root.getAttribute("data-new-case") || "";
      if (!pending) pending = setTimeout(refresh, 300); // several events at once: one refresh
    });
  }

  function liveCase() {
    var root = document.getElementById("live-case");
    if (!root) return;
    var caseId = root.getAttribute("data-case");
    var list = document.getElementById("conversation");
    var notice = document.getElementById("live-notice");
    var seen = 0;
    var status = root.getAttribute("data-status");

    function markRead(eventId) {
      var body = new URLSearchParams();
      body.set("csrf_token", root.getAttribute("data-csrf"));
      body.set("event_id", String(eventId));
      fetch("/dashboard/cases/" + encodeURIComponent(caseId) + "/read", {
        method: "POST", credentials: "same-origin", body: body,
      }).then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data) setUnread(data.unread); })
        .catch(function () { /* marked the next time */ });
    }

    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible" && seen) markRead(seen);
    });

    listen(root, function (event) {
      if (event.case !== caseId) return;
      if (event.action === "message" && event.sender === "person" && list) {
        var item = list.appendChild(el("li", "msg user"));
        item.appendChild(el("p", "who", root.getAttribute("data-from-user")));
        var text = item.appendChild(el("p", "pre", event.text || ""));
        text.dir = "auto";
        var empty = document.getElementById("no-conversation");
        if (empty) empty.remove();
        seen = event.id;
        if (document.visibilityState === "visible") markRead(event.id);
        return;
      }
      if (event.action === "message") return; // our own reply: the page shows it after sending
      if (event.status !== status) {
        // Claimed, released, closed or passed on by someone else: the actions on this page are stale.
        status = event.status;
        var busy = Array.prototype.some.call(document.querySelectorAll("textarea"), function (area) {
          return area.value.trim() !== "";
        });
        if (!busy && !event.mine) { window.location.reload(); return; }
        if (notice) {
          notice.textContent = "";
          var link = notice.appendChild(el("a", null, root.getAttribute("data-changed") || "↻"));
          link.href = window.location.pathname;
        }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    cannedPreviews();
    liveQueue();
    liveCase();
  });
})();
