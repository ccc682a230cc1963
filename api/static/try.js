// The try-it page: one conversation with the public chat API (v1). Everything the server
// sends is rendered with textContent, never as HTML.
(function () {
  "use strict";

  var conversation = document.getElementById("conversation");
  var form = document.getElementById("chat-form");
  var input = document.getElementById("message");
  var select = document.getElementById("language");
  var sendButton = document.getElementById("send");
  var statusLine = document.getElementById("status");
  var session = null; // {session_id, token}, only in memory: a reload starts a new conversation

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function isWebLink(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url);
  }

  async function postJson(path, body, token) {
    var headers = { "Content-Type": "application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    var response = await fetch(path, { method: "POST", headers: headers, body: JSON.stringify(body) });
    var data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    return { status: response.status, data: data };
  }

  function errorMessage(result) {
    if (result.data && result.data.error && result.data.error.message) return result.data.error.message;
    return "The assistant is not available right now (HTTP " + result.status + ").";
  }

  async function loadLanguages() {
    var response = await fetch("/api/v1/languages");
    if (!response.ok) return;
    var data = await response.json();
    data.languages.forEach(function (language) {
      var option = element("option", language.name);
      option.value = language.code;
      option.lang = language.code;
      option.dir = language.dir;
      select.appendChild(option);
    });
  }

  async function openSession() {
    var body = select.value ? { lang: select.value } : {};
    var result = await postJson("/api/v1/sessions", body);
    if (result.status !== 201) throw new Error(errorMessage(result));
    session = result.data;
  }

  function renderContact(contact) {
    var box = element("div", null, "contact");
    Object.keys(contact).forEach(function (key) {
      var value = contact[key];
      if (Array.isArray(value)) value = value.filter(function (v) { return typeof v === "string"; }).join(", ");
      if (typeof value !== "string" || !value) return;
      var line = element("p");
      if (isWebLink(value)) {
        var link = element("a", value);
        link.href = value;
        link.rel = "noopener noreferrer";
        line.appendChild(link);
      } else {
        line.textContent = value;
      }
      box.appendChild(line);
    });
    return box;
  }

  function renderReply(message, lang, dir) {
    var item = element("li", null, "bot");
    item.lang = lang;
    item.dir = dir;
    item.appendChild(element("span", "Assistant", "who"));
    if (message.text) item.appendChild(element("p", message.text, "text"));
    if (message.sources.length) {
      var sources = element("ul", null, "sources");
      message.sources.forEach(function (source) {
        if (!isWebLink(source.url)) return;
        var link = element("a", source.title);
        link.href = source.url;
        link.rel = "noopener noreferrer";
        var entry = element("li");
        entry.appendChild(link);
        sources.appendChild(entry);
      });
      item.appendChild(sources);
    }
    if (message.contact) item.appendChild(renderContact(message.contact));
    if (message.buttons.length) {
      var buttons = element("div", null, "buttons");
      message.buttons.forEach(function (choice) {
        var button = element("button", choice.title);
        button.type = "button";
        button.addEventListener("click", function () { send(choice.payload, choice.title); });
        buttons.appendChild(button);
      });
      item.appendChild(buttons);
    }
    conversation.appendChild(item);
  }

  function renderUser(text) {
    var item = element("li", null, "user");
    item.appendChild(element("span", "You", "who"));
    item.appendChild(element("p", text, "text"));
    conversation.appendChild(item);
  }

  // Sends `text` to the assistant; `shown` is what the conversation shows (a button's title).
  async function send(text, shown) {
    statusLine.textContent = "";
    sendButton.disabled = true;
    try {
      if (!session) await openSession();
      var body = { session_id: session.session_id, text: text };
      if (select.value) body.lang = select.value;
      var result = await postJson("/api/v1/chat", body, session.token);
      if (result.status === 401 || result.status === 404) {
        session = null; // expired or unknown: the next message opens a new conversation
      }
      if (result.status !== 200) {
        statusLine.textContent = errorMessage(result);
        return false;
      }
      renderUser(shown || text);
      result.data.messages.forEach(function (message) {
        renderReply(message, result.data.lang, result.data.dir);
      });
      return true;
    } catch (error) {
      statusLine.textContent = error.message || String(error);
      return false;
    } finally {
      sendButton.disabled = false;
    }
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { input.focus(); return; }
    if (await send(text)) input.value = "";
    input.focus();
  });

  loadLanguages().catch(function () { /* the automatic choice still works */ });
})();
