/*
 * Sachsen-Anhalt skilled-worker advisor: the website widget.
 * Embed:  <script src="https://HOST/widget.js" data-lang="auto" defer></script>
 *         data-lang: "auto" (the visitor's browser languages) or a code such as "ar".
 * API:    window.SAAdvisor.open(), .close(), .setLanguage("uk")
 *
 * A web component with an open shadow root rather than an iframe: it inherits nothing from
 * the host page's styles and leaks none into it, needs no second document (so it paints fast
 * and stays under the host page's frame policy), and assistive technology reads it as part
 * of the page. Plain ES2017, no build step, no third-party code.
 * Everything the bot or a counsellor sends is set with textContent, never parsed as HTML: the
 * answers' Markdown is read by a small allow-list (headings, lists, tables, bold, links) into DOM
 * nodes; links are only https/http, mailto: and tel: addresses.
 *
 * Storage: the conversation lives in this tab's sessionStorage. Only when the person chooses
 * "keep this chat on this device" (after a handoff) does localStorage hold the session id and
 * token (not the messages) until the case's retention period ends; the widget then fetches the
 * conversation from the server when the page is opened again. The link in a "reply waiting"
 * e-mail (#sa-resume=<session>.<key> on any page with the widget) reopens it the same way.
 */
(function () {
  "use strict";
  if (window.SAAdvisor) return; // loaded twice: the first copy stays in charge
  performance.mark("sa-advisor:script-start");
  var script = document.currentScript;
  if (!script || !script.src) return;

  // The gateway that served this file, not the host page's origin: the page may sit on another
  // site, and the session token must only ever travel back to the server that issued it.
  var BASE = new URL(".", script.src).href;
  var API = BASE + "api/v1/";
  var STORE = "sa-advisor:" + BASE;
  var KEEP_STORE = "sa-advisor-keep:" + BASE; // localStorage, only with the person's consent
  var MAX_ITEMS = 150;
  var TEXTS_VERSION = 2;
  var SVG = "http://www.w3.org/2000/svg";
  var ICONS = {
    chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
    close: "M6 6l12 12M18 6L6 18",
    person: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-7 8a7 7 0 0 1 14 0",
  };
  var CONTACT_FIELDS = ["address", "opening_hours", "phone", "email", "web", "note"];

  var texts = null; // the UI texts in state.lang, from GET /api/v1/widget-texts
  var languages = null; // [{code, name, dir}] from GET /api/v1/languages
  var state = load() || fromKept() || fresh(null, false);
  var busy = false;
  var stream = null; // AbortController of the counsellor stream while it runs
  var streamFailures = 0;
  var pollTimer = null;
  var ui = {};

  function fresh(lang, chosen) {
    return {
      session: null, lang: lang, chosen: chosen, open: false, items: [], cursor: null, listening: false,
      human: null, unread: 0, notify: null, restore: false,
    };
  }

  function load() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORE) || "null");
      return saved && Array.isArray(saved.items) ? saved : null;
    } catch (e) {
      return null; // storage blocked or unreadable: start afresh
    }
  }

  function save() {
    try {
      state.items = state.items.slice(-MAX_ITEMS);
      sessionStorage.setItem(STORE, JSON.stringify(state));
    } catch (e) { /* private mode or full: the conversation still works, it just won't survive a reload */ }
    refreshKept();
  }

  // --- talking to the gateway ----------------------------------------------------------------

  function call(method, path, body, extra) {
    var headers = {};
    if (body) headers["Content-Type"] = "application/json";
    if (state.session) headers.Authorization = "Bearer " + state.session.token;
    var options = { method: method, headers: headers, credentials: "omit", cache: "no-store" };
    if (body) options.body = JSON.stringify(body);
    if (extra) Object.keys(extra).forEach(function (k) { options[k] = extra[k]; });
    return fetch(API + path, options).then(function (response) {
      if (response.status === 204) return { status: 204, data: null };
      return response.json().then(
        function (data) { return { status: response.status, data: data }; },
        function () { return { status: response.status, data: null }; }
      );
    });
  }

  function serverMessage(result) {
    var error = result.data && result.data.error;
    return error && typeof error.message === "string" ? error.message : texts.network_error;
  }

  function preferredLanguages() {
    var wanted = (script.getAttribute("data-lang") || "auto").trim();
    if (wanted && wanted !== "auto") return [wanted];
    var list = (navigator.languages || [navigator.language || ""]).slice();
    if (document.documentElement.lang) list.push(document.documentElement.lang);
    return list;
  }

  function fetchTexts(preference) {
    // The texts' shape changes with the script: a tab must not keep those of an older one.
    var key = STORE + ":texts:" + TEXTS_VERSION + ":" + preference;
    try {
      var cached = JSON.parse(sessionStorage.getItem(key) || "null");
      if (cached) return Promise.resolve(cached);
    } catch (e) { /* fetch instead */ }
    var query = encodeURIComponent(preference);
    return fetch(API + "widget-texts?lang=" + query, { credentials: "omit" })
      .then(function (response) {
        if (!response.ok) throw new Error("widget texts: HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        try { sessionStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* fine */ }
        return data;
      });
  }

  // --- building the interface ----------------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function icon(name) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(SVG, "path");
    path.setAttribute("d", ICONS[name]);
    path.setAttribute("fill", name === "chat" ? "currentColor" : "none");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", "2");
    path.setAttribute("stroke-linecap", "round");
    svg.appendChild(path);
    return svg;
  }

  function button(className, onClick) {
    var node = el("button", className);
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  }

  function build(root) {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = BASE + "static/widget/widget.css";
    root.appendChild(link);
    var styled = new Promise(function (resolve) {
      link.addEventListener("load", resolve);
      link.addEventListener("error", resolve); // unstyled is better than nothing at all
    });

    // Hidden until the stylesheet is in: no flash of an unstyled widget on the host page.
    var wrap = ui.wrap = el("div", "widget");
    wrap.hidden = true;
    root.appendChild(wrap);

    ui.launcher = button("launcher", function () { open(true); });
    ui.launcher.setAttribute("aria-expanded", "false");
    ui.launcher.setAttribute("aria-controls", "sa-panel");
    ui.launcher.appendChild(icon("chat"));
    ui.launcherText = ui.launcher.appendChild(el("span", "vh")); // round: the name is for screen readers
    ui.badge = ui.launcher.appendChild(el("span", "badge"));
    ui.badge.hidden = true;
    wrap.appendChild(ui.launcher);
    return styled;
  }

  // The open chat is built on first use: the closed button paints sooner without it.
  function ensurePanel() {
    if (ui.panel) return;
    var panel = ui.panel = el("div", "panel");
    panel.id = "sa-panel";
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-labelledby", "sa-title");
    panel.setAttribute("aria-describedby", "sa-subtitle");
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); close(); }
      if (event.key === "Tab" && fullScreen()) trapFocus(event);
    });
    ui.wrap.appendChild(panel);

    var head = panel.appendChild(el("div", "head"));
    var titles = head.appendChild(el("div", "titles"));
    ui.title = titles.appendChild(el("h2", "title"));
    ui.title.id = "sa-title";
    ui.subtitle = titles.appendChild(el("p", "subtitle"));
    ui.subtitle.id = "sa-subtitle";
    ui.close = head.appendChild(button("icon-button close", function () { close(); }));
    ui.close.appendChild(icon("close"));
    ui.human = panel.appendChild(el("p", "human"));
    ui.human.setAttribute("role", "status");
    ui.human.hidden = true;

    var bar = panel.appendChild(el("div", "bar"));
    ui.langLabel = bar.appendChild(el("label"));
    ui.langLabel.htmlFor = "sa-lang";
    ui.select = bar.appendChild(el("select"));
    ui.select.id = "sa-lang";
    ui.select.addEventListener("change", function () { setLanguage(ui.select.value); });
    ui.deleteButton = bar.appendChild(button("link-button", askDelete));

    ui.confirm = panel.appendChild(el("div", "confirm"));
    ui.confirm.hidden = true;
    ui.confirm.setAttribute("role", "group");
    ui.confirm.setAttribute("aria-labelledby", "sa-confirm");
    ui.confirmText = ui.confirm.appendChild(el("p"));
    ui.confirmText.id = "sa-confirm";
    ui.confirmYes = ui.confirm.appendChild(button("danger", deleteConversation));
    ui.confirm.appendChild(document.createTextNode(" "));
    ui.confirmNo = ui.confirm.appendChild(button("secondary", cancelDelete));

    // Focusable so that keyboard users can scroll it before it holds any link or button.
    var scroll = ui.scroll = panel.appendChild(el("div", "scroll"));
    scroll.tabIndex = 0;
    scroll.setAttribute("role", "region");
    scroll.setAttribute("aria-labelledby", "sa-conversation");
    ui.conversationLabel = scroll.appendChild(el("h3", "vh"));
    ui.conversationLabel.id = "sa-conversation";
    // The start: a greeting, the four topics and three example questions as buttons, and a short
    // privacy notice with a link to the full text.
    var intro = ui.intro = scroll.appendChild(el("div", "intro"));
    ui.greeting = intro.appendChild(el("p", "msg bot greeting"));
    ui.starters = intro.appendChild(el("div", "starters"));
    ui.privacy = intro.appendChild(el("p", "privacy"));
    // The conversation. Not a live region itself: re-drawing it (another language, a reload)
    // must not read it all out again; `ui.announcer` says each new message once instead.
    ui.log = scroll.appendChild(el("ol", "log"));
    ui.log.setAttribute("aria-labelledby", "sa-conversation");
    ui.typing = scroll.appendChild(el("div", "typing"));
    ui.typing.setAttribute("role", "status");
    var dots = ui.typing.appendChild(el("span", "dots"));
    dots.setAttribute("aria-hidden", "true");
    dots.appendChild(el("i"));
    dots.appendChild(el("i"));
    dots.appendChild(el("i"));
    ui.typingText = ui.typing.appendChild(el("span"));
    ui.typingText.hidden = true;

    ui.alert = panel.appendChild(el("div", "alert"));
    ui.alert.setAttribute("role", "alert");
    ui.status = panel.appendChild(el("p", "status"));
    ui.status.setAttribute("role", "status");
    ui.announcer = panel.appendChild(el("p", "vh"));
    ui.announcer.setAttribute("aria-live", "polite");

    var form = ui.form = panel.appendChild(el("form", "composer"));
    form.noValidate = true;
    ui.inputLabel = form.appendChild(el("label", "vh"));
    ui.inputLabel.htmlFor = "sa-input";
    ui.input = form.appendChild(el("textarea"));
    ui.input.id = "sa-input";
    ui.input.rows = 2;
    // On a phone the keyboard opens with the text field: the conversation gets the room of the
    // language-and-delete row until the field is left.
    ui.input.addEventListener("focus", function () { panel.classList.toggle("writing", fullScreen()); });
    ui.input.addEventListener("blur", function () { panel.classList.remove("writing"); });
    ui.input.addEventListener("keydown", function (event) {
      // Enter sends, Shift+Enter starts a new line; an input method composing text keeps Enter.
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submit();
      }
    });
    ui.send = form.appendChild(el("button", "primary"));
    ui.send.type = "submit";
    form.addEventListener("submit", function (event) { event.preventDefault(); submit(); });
    applyPanelTexts();
    if (languages) fillLanguages(languages);
    renderHistory();
    setTyping(false);
    setHuman(state.human);
  }

  function applyTexts(data) {
    texts = data.texts;
    startData = data.start || null;
    state.lang = data.lang;
    state.dir = data.dir;
    ui.wrap.lang = data.lang;
    ui.wrap.dir = data.dir;
    ui.launcherText.textContent = texts.launcher;
    ui.launcher.title = texts.launcher;
    showUnread();
    if (ui.panel) applyPanelTexts();
  }

  function applyPanelTexts() {
    ui.title.textContent = texts.title;
    ui.subtitle.textContent = texts.subtitle;
    ui.close.setAttribute("aria-label", texts.close);
    ui.close.title = texts.close;
    ui.langLabel.textContent = texts.language;
    ui.deleteButton.textContent = texts.delete;
    ui.confirmText.textContent = texts.delete_question;
    ui.confirmYes.textContent = texts.delete_confirm;
    ui.confirmNo.textContent = texts.cancel;
    ui.conversationLabel.textContent = texts.conversation;
    ui.greeting.textContent = "";
    isolated(ui.greeting, texts.greeting, state.dir === "rtl");
    ui.greeting.dir = state.dir || "auto";
    fillStart();
    ui.typingText.textContent = texts.typing;
    ui.inputLabel.textContent = texts.input_label;
    ui.input.placeholder = texts.input_hint;
    ui.send.textContent = texts.send;
    ui.select.value = state.lang;
    setHuman(state.human);
    // Sender names inside earlier messages (for screen readers) follow the new language too.
    Array.prototype.forEach.call(ui.log.querySelectorAll("[data-who]"), function (node) {
      node.textContent = texts[node.getAttribute("data-who")] || "";
    });
  }

  function fillLanguages(list) {
    languages = list;
    if (!ui.panel) return;
    ui.select.textContent = "";
    list.forEach(function (language) {
      var option = el("option", null, language.name);
      option.value = language.code;
      option.lang = language.code;
      option.dir = language.dir;
      ui.select.appendChild(option);
    });
    if (state.lang) ui.select.value = state.lang;
  }

  // --- messages ------------------------------------------------------------------------------

  function webLink(url) {
    if (typeof url !== "string" || !/^https?:\/\//i.test(url)) return null;
    try {
      var parsed = new URL(url);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function lines(value) {
    if (typeof value === "string" || typeof value === "number") return String(value);
    if (Array.isArray(value)) return value.map(lines).filter(Boolean).join("\n");
    if (value && typeof value === "object") {
      return Object.keys(value).map(function (k) { return k + ": " + lines(value[k]); }).join("\n");
    }
    return "";
  }

  // --- rich text: a small allow-list of Markdown, built as DOM nodes ---------------------------
  // Headings, lists, tables, bold, emphasis and links of the articles; web, e-mail and phone
  // addresses become links. Every piece of text is set with textContent: whatever the server
  // sends, no HTML of it ever reaches the page. In right-to-left text, runs of Latin letters,
  // digits and § (German terms, "§ 18g AufenthG", postcodes, e-mail addresses, numbers) are
  // isolated in <bdi> elements so that they keep their own order inside Arabic or Farsi.

  var RTL = ["ar", "fa", "he", "ur", "ps", "ckb"];
  var STRONG = /[A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF]|([\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF])/;
  // A left-to-right run: starts and ends with a letter, digit or §, may hold spaces and . , : / @ + - – _ & '
  var LTR_RUN = /[A-Za-z\u00C0-\u024F0-9§@+](?:[A-Za-z\u00C0-\u024F0-9§@+.,:/\-–_&' ]*[A-Za-z\u00C0-\u024F0-9§])?/g;
  var INLINE = new RegExp([
    "\\[([^\\]\\n]+)\\]\\(([^()\\s]+)\\)", // 1, 2: [text](url)
    "\\*\\*([^*\\n]+?)\\*\\*|__([^_\\n]+?)__", // 3, 4: bold
    "\\*([^*\\s][^*\\n]*?)\\*(?![*\\w])", // 5: emphasis (not inside a word)
    "(https?://[^\\s<>()\"]*[^\\s<>()\".,;:!?'»”])", // 6: web address
    "(www\\.[a-z0-9-]+(?:\\.[a-z0-9-]+)+(?:/[^\\s<>()\"]*[^\\s<>()\".,;:!?'»”])?)", // 7
    "([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,})", // 8: e-mail address
    "((?:\\+|\\b0)\\d[\\d ()/-]{5,}\\d)", // 9: phone number
  ].join("|"), "gi");

  function directionOf(lang) {
    return lang && RTL.indexOf(String(lang).split("-")[0]) >= 0 ? "rtl" : "ltr";
  }

  // The direction of a text by its first strong letter (what dir="auto" does), for isolating.
  function guessDirection(text) {
    var match = STRONG.exec(text || "");
    return match && match[1] ? "rtl" : "ltr";
  }

  function isolated(parent, text, rtl) {
    if (!rtl) { parent.appendChild(document.createTextNode(text)); return parent; }
    var last = 0;
    text.replace(LTR_RUN, function (run, offset) {
      if (!/[A-Za-z\u00C0-\u024F0-9]/.test(run)) return run; // a lone "§" or "+" stays where it is
      if (offset > last) parent.appendChild(document.createTextNode(text.slice(last, offset)));
      var bdi = parent.appendChild(el("bdi", null, run));
      bdi.dir = "ltr";
      last = offset + run.length;
      return run;
    });
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
    return parent;
  }

  function safeHref(url) {
    if (typeof url !== "string") return null;
    if (/^(mailto|tel):/i.test(url)) return /^mailto:[^\s<>"]+$|^tel:\+?[0-9]+$/i.test(url) ? url : null;
    return webLink(url);
  }

  function telHref(phone) {
    var digits = phone.replace(/[^\d+]/g, "");
    return (digits.replace(/\D/g, "").length >= 6) ? "tel:" + digits.replace(/(?!^)\+/g, "") : null;
  }

  function makeLink(href, label, rtl) {
    var link = el("a");
    link.href = href;
    if (/^https?:/i.test(href)) {
      link.target = "_blank";
      link.rel = "noopener noreferrer";
    }
    if (rtl && guessDirection(label) === "ltr") link.dir = "ltr";
    isolated(link, label, rtl && link.dir !== "ltr");
    if (link.target) {
      link.appendChild(document.createTextNode("\u2060")); // no line break before the arrow
      link.appendChild(el("span", "ext", "\u2197")).setAttribute("aria-hidden", "true");
      link.appendChild(el("span", "vh", " " + texts.new_window));
    }
    return link;
  }

  // Inline Markdown and bare addresses of one line into `parent`.
  function inline(parent, text, rtl) {
    var last = 0;
    var match;
    var pattern = new RegExp(INLINE.source, "gi"); // its own: bold and links call this again inside
    while ((match = pattern.exec(text))) {
      var start = match.index;
      var node = null;
      if (match[1] !== undefined) {
        var href = safeHref(match[2]);
        node = href ? makeLink(href, match[1], rtl) : isolated(el("span"), match[1], rtl);
      } else if (match[3] !== undefined || match[4] !== undefined) {
        node = el("strong");
        inline(node, match[3] !== undefined ? match[3] : match[4], rtl);
      } else if (match[5] !== undefined) {
        if (start > 0 && /\w/.test(text.charAt(start - 1))) continue;
        node = el("em");
        inline(node, match[5], rtl);
      } else if (match[6] !== undefined || match[7] !== undefined) {
        var url = match[6] || "https://" + match[7];
        node = webLink(url) ? makeLink(webLink(url), match[6] || match[7], rtl) : null;
      } else if (match[8] !== undefined) {
        node = makeLink("mailto:" + match[8], match[8], rtl);
      } else if (match[9] !== undefined) {
        var tel = telHref(match[9]);
        node = tel ? makeLink(tel, match[9], rtl) : null;
      }
      if (!node) continue;
      if (start > last) isolated(parent, text.slice(last, start), rtl);
      parent.appendChild(node);
      last = pattern.lastIndex;
    }
    if (last < text.length) isolated(parent, text.slice(last), rtl);
    return parent;
  }

  // Markdown blocks: headings (## → h5), lists (nested by indentation), tables, paragraphs.
  // `headingLevel` is the level of a "#" heading; plain chat texts keep their line breaks.
  function richText(text, rtl, options) {
    options = options || {};
    var top = options.headingLevel || 4;
    var root = document.createDocumentFragment();
    var paragraph = null;
    var lists = []; // open lists: [{node, indent, item}]
    var table = null;
    function closeAll() { paragraph = null; lists = []; table = null; }
    function addLine(target, line) {
      if (target.childNodes.length) target.appendChild(options.soft ? document.createTextNode(" ") : el("br"));
      inline(target, line, rtl);
    }
    String(text || "").split(/\r?\n/).forEach(function (raw) {
      var line = raw.replace(/\s+$/, "");
      var heading = /^(#{1,6})\s+(.+)$/.exec(line);
      var item = /^(\s*)(?:([-*+])|(\d{1,3})[.)])\s+(.*)$/.exec(line);
      if (!line.trim()) { closeAll(); return; }
      if (/^\s*\|.*\|\s*$/.test(line)) {
        paragraph = null; lists = [];
        if (/^\s*\|[\s:|-]+\|\s*$/.test(line) && line.indexOf("-") >= 0) return; // the |---| row
        if (!table) {
          var wrap = root.appendChild(el("div", "table"));
          wrap.tabIndex = 0; // a wide table scrolls sideways, also with the keyboard
          table = { node: wrap.appendChild(el("table")), rows: 0 };
        }
        var row = table.node.appendChild(el("tr"));
        line.trim().replace(/^\||\|$/g, "").split("|").forEach(function (cell) {
          inline(row.appendChild(el(table.rows ? "td" : "th")), cell.trim(), rtl);
        });
        table.rows += 1;
        return;
      }
      table = null;
      if (heading) {
        closeAll();
        var level = Math.min(6, top + heading[1].length - 1);
        inline(root.appendChild(el("h" + Math.max(level, top))), heading[2], rtl);
        return;
      }
      if (item) {
        paragraph = null;
        var indent = item[1].replace(/\t/g, "    ").length;
        var ordered = item[3] !== undefined;
        while (lists.length && (indent < lists[lists.length - 1].indent ||
               (indent === lists[lists.length - 1].indent && lists[lists.length - 1].ordered !== ordered))) lists.pop();
        var current = lists[lists.length - 1];
        if (!current || indent > current.indent) {
          var parent = current && current.item ? current.item : root;
          var list = parent.appendChild(el(ordered ? "ol" : "ul"));
          if (ordered && item[3] !== "1") list.start = Number(item[3]);
          current = { node: list, indent: indent, ordered: ordered, item: null };
          lists.push(current);
        }
        current.item = current.node.appendChild(el("li"));
        inline(current.item, item[4], rtl);
        return;
      }
      if (lists.length && /^\s+/.test(line)) { // a list item's next line
        addLine(lists[lists.length - 1].item, line.trim());
        return;
      }
      lists = [];
      if (!paragraph) paragraph = root.appendChild(el("p"));
      addLine(paragraph, options.soft ? line.trim() : line);
    });
    return root;
  }

  function renderContact(contact, rtl) {
    var card = el("div", "contact");
    card.setAttribute("role", "group");
    card.setAttribute("aria-label", texts.contact);
    card.appendChild(el("p", "contact-title", texts.contact));
    if (contact.name) isolated(card.appendChild(el("p", "contact-name")), lines(contact.name), rtl);
    var list = el("dl");
    CONTACT_FIELDS.forEach(function (field) {
      var value = lines(contact[field]);
      if (!value) return;
      list.appendChild(el("dt", null, texts["contact_" + field]));
      var dd = list.appendChild(el("dd"));
      // Phone, e-mail and web address are links a phone can follow; nothing else is.
      var href = field === "phone" ? telHref(value) : field === "email" ? "mailto:" + value.trim()
        : field === "web" ? webLink(/^www\./i.test(value.trim()) ? "https://" + value.trim() : value.trim()) : null;
      if (field === "email" && !/^[^\s@<>"]+@[^\s@<>"]+\.[A-Za-z]{2,}$/.test(value.trim())) href = null;
      if (href && value.indexOf("\n") < 0) {
        var link = dd.appendChild(makeLink(href, value.trim(), rtl));
        link.dir = "ltr";
      } else {
        inline(dd, value, rtl); // its lines kept (pre-wrap); an address inside still becomes a link
      }
    });
    if (list.childNodes.length) card.appendChild(list);
    return card;
  }

  function renderSources(sources) {
    // Official sources first (the server sends them so; a client-side sort keeps it so).
    sources = sources.slice().sort(function (a, b) { return (a.secondary ? 1 : 0) - (b.secondary ? 1 : 0); });
    var box = el("details", "sources");
    box.appendChild(el("summary", null, texts.sources_count.replace("{count}", sources.length)));
    var list = box.appendChild(el("ul"));
    sources.forEach(function (source) {
      var entry = list.appendChild(el("li"));
      entry.dir = "auto"; // the titles are mostly German, whatever the conversation's language
      var link = entry.appendChild(makeLink(webLink(source.url), source.title, false));
      link.lang = "de";
      if (source.secondary) entry.appendChild(el("span", "source-note", " – " + texts.source_secondary));
    });
    return box;
  }

  // The disclaimer is shown once per conversation, under its first answer (or the first one still
  // kept, should older ones drop off), where it can be scrolled back to; each answer keeps its
  // review date.
  var disclaimerShown = false;

  function renderAnswer(node, item) {
    var answer = item.answer;
    var lang = answer.lang || item.lang;
    var rtl = directionOf(lang) === "rtl";
    var userRtl = directionOf(item.lang) === "rtl";
    if (answer.note) isolated(node.appendChild(el("p", "lang-note")), answer.note, userRtl);
    var body = node.appendChild(el("div", "text rich"));
    if (lang !== item.lang) {
      body.lang = lang;
      body.dir = directionOf(lang);
    }
    if (answer.title) isolated(body.appendChild(el("h4", "answer-title")), answer.title, rtl);
    body.appendChild(richText(answer.markdown, rtl, { headingLevel: 4, soft: true }));
    if (answer.reviewed) isolated(node.appendChild(el("p", "reviewed")), answer.reviewed, userRtl);
    if (answer.disclaimer && !disclaimerShown) {
      disclaimerShown = true;
      isolated(node.appendChild(el("p", "disclaimer")), answer.disclaimer, userRtl);
    }
  }

  function renderItem(item) {
    if (item.kind === "followup") return renderFollowup(item);
    var node = el("li", "msg " + item.kind);
    var lang = typeof item.lang === "string" ? item.lang : null;
    if (lang) node.lang = lang;
    // Each message its own direction: by its language, else (what a person typed) by its letters.
    var dir = item.kind === "user" || !lang ? guessDirection(item.text) : directionOf(lang);
    node.dir = dir;
    var rtl = dir === "rtl";
    if (item.kind === "counsellor") {
      var who = node.appendChild(el("p", "who-person"));
      who.appendChild(icon("person"));
      var label = who.appendChild(el("span", null, texts.counsellor));
      label.setAttribute("data-who", "counsellor");
      if (item.name) isolated(who.appendChild(el("span", null, "· ")), item.name, rtl);
    } else if (item.kind !== "notice") {
      var kind = item.kind === "user" ? "you" : "assistant";
      var hidden = node.appendChild(el("span", "vh", texts[kind]));
      hidden.setAttribute("data-who", kind);
    }
    if (item.answer && typeof item.answer === "object" && typeof item.answer.markdown === "string") {
      renderAnswer(node, item);
    } else if (item.text && item.kind === "bot") {
      node.appendChild(el("div", "text rich")).appendChild(richText(item.text, rtl));
    } else if (item.text) {
      // What a person wrote is text: only its addresses become links, nothing else is read as markup.
      inline(node.appendChild(el("p", "text")), item.text, rtl);
    }
    if (item.lang_note) isolated(node.appendChild(el("p", "lang-note")), item.lang_note, rtl);
    var sources = (item.sources || []).filter(function (s) { return s && webLink(s.url) && s.title; });
    if (sources.length) node.appendChild(renderSources(sources));
    if (item.contact && typeof item.contact === "object") node.appendChild(renderContact(item.contact, rtl));
    if (item.buttons && item.buttons.length) {
      var choices = node.appendChild(el("div", "choices"));
      item.buttons.forEach(function (choice) {
        var pick = button("choice", function () { send(choice.payload, choice.title, false); });
        pick.dir = "auto"; // an article's German title among Arabic ones reads left to right
        isolated(pick, choice.title, guessDirection(choice.title) === "rtl");
        choices.appendChild(pick);
      });
    }
    if (item.feedback) node.appendChild(renderFeedback(item));
    return node;
  }

  // "Did this help? yes / no" under an answer from an article; "no" offers a person. The answer to
  // the question is kept on the item, so the buttons do not come back after a reload.
  function renderFeedback(item) {
    var box = el("div", "feedback");
    var done = item.feedback.done;
    if (!done) {
      var group = box.appendChild(el("div", "choices"));
      group.setAttribute("role", "group");
      var question = group.appendChild(el("p", "feedback-question", texts.helped_question));
      question.id = "sa-feedback-" + Math.random().toString(36).slice(2);
      group.setAttribute("aria-labelledby", question.id);
      [["yes", texts.helped_yes], ["no", texts.helped_no]].forEach(function (answer) {
        var pick = button("choice feedback-" + answer[0], function () { giveFeedback(item, box, answer[0]); });
        pick.textContent = answer[1];
        group.appendChild(pick);
      });
      return box;
    }
    box.appendChild(el("p", "feedback-thanks", done === "yes" ? texts.helped_thanks : texts.not_helped));
    if (done === "no" && !state.human) {
      var person = box.appendChild(el("div", "choices"));
      var ask = button("choice feedback-person", function () {
        send("/request_human", texts.talk_to_person, false);
      });
      ask.textContent = texts.talk_to_person;
      person.appendChild(ask);
    }
    return box;
  }

  function giveFeedback(item, box, answer) {
    if (!state.session || item.feedback.done) return;
    item.feedback.done = answer;
    save();
    var next = renderFeedback(item);
    box.replaceWith(next);
    var focus = next.querySelector("button") || next.querySelector("p");
    if (focus && focus.tagName === "P") focus.tabIndex = -1;
    if (focus) focus.focus();
    announce(answer === "yes" ? texts.helped_thanks : texts.not_helped);
    var body = { session_id: state.session.session_id, article_id: item.feedback.article, helpful: answer === "yes" };
    if (item.feedback.question) body.question = item.feedback.question;
    // A lost mark is no reason to bother the person: the thanks stay either way.
    call("POST", "feedback", body).catch(function () {});
  }

  function show(item, persist) {
    ensurePanel();
    var node = ui.log.appendChild(renderItem(item));
    if (persist) {
      state.items.push(item);
      save();
      announceMessage(node, item);
    }
    ui.starters.hidden = true;
    ui.scroll.scrollTop = ui.scroll.scrollHeight;
    return node;
  }

  function renderHistory() {
    ui.log.textContent = "";
    disclaimerShown = false;
    state.items.forEach(function (item) { ui.log.appendChild(renderItem(item)); });
    if (ui.starters) ui.starters.hidden = state.items.length > 0;
  }

  function setTyping(on) {
    ui.typing.querySelector(".dots").hidden = !on;
    ui.typingText.hidden = !on;
    if (on) ui.scroll.scrollTop = ui.scroll.scrollHeight;
  }

  function showAlert(message, retry) {
    ui.alert.textContent = "";
    if (!message) return;
    ui.alert.appendChild(el("p", null, message));
    if (retry) {
      var again = ui.alert.appendChild(button("secondary", function () { showAlert(""); retry(); }));
      again.textContent = texts.retry;
    }
  }

  function announce(message) {
    ui.status.textContent = message;
  }

  // --- sending -------------------------------------------------------------------------------

  function ensureSession() {
    if (state.session) return Promise.resolve(state.session);
    // Not chosen: the interface language (from the browser) is only where detection starts.
    var body = state.chosen ? { lang: state.lang } : (state.lang ? { lang_hint: state.lang } : {});
    return call("POST", "sessions", body).then(function (result) {
      if (result.status !== 201) throw result;
      state.session = { session_id: result.data.session_id, token: result.data.token };
      save();
      return state.session;
    });
  }

  function submit() {
    var text = ui.input.value.trim();
    if (!text) { ui.input.focus(); return; }
    // The same text sent again after a failure keeps its id: the server then does not answer it twice.
    send(text, text, true, unsent && unsent.text === text ? unsent.id : null);
  }

  var unsent = null; // { text, id } of the typed message whose sending failed last

  function messageId() {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  // Sends `payload` (typed text or a button's payload) and shows `shown`. On any failure the
  // typed text goes back into the text field and "Try again" sends the same thing again, with
  // the same message id.
  function send(payload, shown, typed, id) {
    if (busy) return;
    id = id || messageId();
    busy = true;
    ui.send.disabled = true;
    showAlert("");
    announce("");
    if (typed) ui.input.value = "";
    var pending = show({ kind: "user", text: shown }, false);
    pending.classList.add("pending");
    setTyping(!state.human); // a person does not answer at once: no "writing …" then
    var retry = function () { send(payload, shown, typed, id); };
    var failed = function (message, canRetry) {
      if (typed) unsent = { text: shown, id: id };
      pending.remove();
      ui.starters.hidden = state.items.length > 0;
      if (typed && !ui.input.value) ui.input.value = shown;
      showAlert(message, canRetry ? retry : null);
    };
    ensureSession()
      .then(function (session) {
        var body = { session_id: session.session_id, text: payload, message_id: id };
        if (state.chosen) body.lang = state.lang;
        return call("POST", "chat", body);
      })
      .then(function (result) {
        // Gone (deleted, expired): the next try starts a new conversation.
        if (result.status === 401 || result.status === 404) state.session = null;
        if (result.status !== 200) {
          failed(serverMessage(result), result.status !== 413 && result.status !== 422);
          return;
        }
        pending.remove();
        var asked = show({ kind: "user", text: shown }, true);
        var reply = result.data;
        var handoff = (reply.meta || {}).handoff || {};
        setHuman(handoff.human || null);
        if (typed) state.lastQuestion = shown;
        var shownArticles = (reply.meta || {}).articles || [];
        reply.messages.forEach(function (message, n) {
          var last = n === reply.messages.length - 1;
          show({
            kind: "bot", lang: reply.lang, dir: reply.dir, text: message.text, buttons: message.buttons,
            sources: message.sources, contact: message.contact, answer: message.answer || null,
            feedback: last && shownArticles.length && !state.human
              ? { article: shownArticles[0], question: state.lastQuestion || null, done: null } : null,
          }, true);
        });
        // Start reading at the question, not at the end of a long answer.
        ui.scroll.scrollTop = asked.offsetTop - 8;
        var meta = reply.meta || {};
        if (handoff.escalation_id && handoff.followup && !hasFollowup()) {
          show({ kind: "followup", days: handoff.followup.keep_days, email: !!handoff.followup.email }, true);
        }
        if (meta.topic === "handoff" || meta.handoff) {
          state.listening = true; // a counsellor may answer from now on
          save();
          listen();
        }
        // The conversation's language leads the interface: detected, or asked for in a message
        // ("can we speak Turkish?"), which the server keeps like a choice in the picker. The
        // message is delivered by now: a failure here must not be reported as a failed send.
        if (reply.lang !== state.lang) return switchTexts(reply.lang).catch(function () {});
      })
      .catch(function (error) {
        // A rejected session call carries its answer; anything else is the network.
        failed(error && error.status ? serverMessage(error) : texts.network_error, true);
      })
      .then(function () {
        busy = false;
        ui.send.disabled = false;
        setTyping(false);
      });
  }

  // --- counsellor replies: a stream read with fetch, polling when streams keep failing --------

  function showPublished(message) {
    if (!message || typeof message.text !== "string") return;
    state.cursor = message.id || state.cursor;
    if (message.kind === "claimed" || message.kind === "taken_over") setHuman({ name: message.name || "" });
    else if (["handed_back", "released", "closed", "transferred"].indexOf(message.kind) >= 0) setHuman(null);
    show({ kind: message.from === "counsellor" ? "counsellor" : "notice", text: message.text,
           name: typeof message.name === "string" ? message.name : null,
           lang: typeof message.lang === "string" ? message.lang : null,
           lang_note: typeof message.lang_note === "string" ? message.lang_note : null }, true);
    if (!state.open) {
      state.unread += 1; // a person answered while the chat was minimised: the launcher says so
      save();
      showUnread();
    }
  }

  function listen() {
    if (stream || pollTimer || !state.session || !state.listening) return;
    if (streamFailures >= 3 || !window.ReadableStream || !window.TextDecoder) { poll(); return; }
    var session = state.session;
    stream = new AbortController();
    var path = "sessions/" + encodeURIComponent(session.session_id) + "/events" +
      (state.cursor ? "?after=" + encodeURIComponent(state.cursor) : "");
    fetch(API + path, {
      headers: { Authorization: "Bearer " + session.token, Accept: "text/event-stream" },
      credentials: "omit", cache: "no-store", signal: stream.signal,
    }).then(function (response) {
      if (response.status === 401 || response.status === 404) { state.listening = false; return "stop"; }
      if (!response.ok || !response.body) throw new Error("stream: HTTP " + response.status);
      streamFailures = 0;
      return readEvents(response.body.getReader());
    }).catch(function (error) {
      if (error && error.name === "AbortError") return "stop";
      streamFailures += 1;
    }).then(function (outcome) {
      stream = null;
      if (outcome === "stop" || !state.listening || state.session !== session) return;
      setTimeout(listen, outcome === "ended" ? 0 : 1000 * Math.pow(2, streamFailures));
    });
  }

  function readEvents(reader) {
    var decoder = new TextDecoder();
    var buffer = "";
    function next() {
      return reader.read().then(function (chunk) {
        if (chunk.done) return "ended"; // the server closes streams now and then; reconnect
        buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n?/g, "\n");
        var end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          var block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          var type = "message";
          var data = [];
          block.split("\n").forEach(function (line) {
            if (line.indexOf("event:") === 0) type = line.slice(6).trim();
            else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
          });
          if (type === "deleted") return "stop";
          if (type === "message" && data.length) {
            try { showPublished(JSON.parse(data.join("\n"))); } catch (e) { /* skip a broken event */ }
          }
        }
        return next();
      });
    }
    return next();
  }

  function poll() {
    pollTimer = setTimeout(function () {
      var session = state.session;
      if (!session || !state.listening) { pollTimer = null; return; }
      var path = "sessions/" + encodeURIComponent(session.session_id) + "/messages" +
        (state.cursor ? "?after=" + encodeURIComponent(state.cursor) : "");
      call("GET", path).then(function (result) {
        if (result.status === 200) {
          result.data.messages.forEach(showPublished);
          state.cursor = result.data.cursor;
          save();
        }
        if (result.status === 401 || result.status === 404) state.listening = false;
      }, function () { /* offline: the next round tries again */ }).then(function () {
        pollTimer = null;
        if (state.listening) poll();
      });
    }, 10000);
  }

  function stopListening() {
    if (stream) stream.abort();
    stream = null;
    clearTimeout(pollTimer);
    pollTimer = null;
  }

  // --- human mode, coming back later -----------------------------------------------------------
  // A counsellor who claims the case talks with the person here ("human mode"): the bar under the
  // title says who, until the conversation goes back to the chatbot. After a handoff the person may
  // keep the chat on this device and/or leave an e-mail address; the conversation then comes back
  // from the server (GET .../history) when the page is opened again or the e-mail's link is followed.

  function setHuman(human) {
    state.human = human && typeof human.name === "string" ? { name: human.name } : null;
    if (!ui.human || !texts) return;
    ui.human.hidden = !state.human;
    ui.human.textContent = state.human ? texts.talking_to.replace("{name}", state.human.name) : "";
    ui.typingText.textContent = texts.typing;
  }

  function showUnread() {
    if (!ui.badge || !texts) return;
    ui.badge.hidden = !state.unread;
    ui.badge.textContent = state.unread ? String(state.unread) : "";
    var label = texts.launcher + (state.unread ? " – " + texts.unread.replace("{count}", state.unread) : "");
    ui.launcher.setAttribute("aria-label", label);
  }

  function readKept() {
    try {
      var kept = JSON.parse(localStorage.getItem(KEEP_STORE) || "null");
      if (kept && kept.session && kept.expires > Date.now()) return kept;
      if (kept) localStorage.removeItem(KEEP_STORE); // the retention period is over
    } catch (e) { /* storage blocked */ }
    return null;
  }

  function fromKept() {
    var kept = readKept();
    if (!kept) return null;
    var restored = fresh(kept.lang || null, !!kept.chosen);
    restored.session = kept.session;
    restored.seen = kept.cursor || null;
    restored.restore = true; // fetch the conversation from the server at start
    return restored;
  }

  function refreshKept() {
    // The kept record follows the session (a new token after the e-mail link, another language).
    var kept = readKept();
    if (!kept) return;
    if (!state.session) { forgetKept(); return; }
    kept.session = state.session;
    kept.lang = state.lang;
    kept.chosen = state.chosen;
    if (state.open || !kept.cursor) kept.cursor = state.cursor; // what the person has seen
    try { localStorage.setItem(KEEP_STORE, JSON.stringify(kept)); } catch (e) { /* fine */ }
  }

  function keepHere(days) {
    if (!state.session) return false;
    try {
      localStorage.setItem(KEEP_STORE, JSON.stringify({
        session: state.session, lang: state.lang, chosen: state.chosen, cursor: state.cursor,
        expires: Date.now() + days * 24 * 3600 * 1000,
      }));
      return true;
    } catch (e) {
      return false;
    }
  }

  function forgetKept() {
    try { localStorage.removeItem(KEEP_STORE); } catch (e) { /* nothing kept */ }
  }

  function hasFollowup() {
    return state.items.some(function (item) { return item.kind === "followup"; });
  }

  function renderFollowup(item) {
    var node = el("li", "msg followup");
    var box = node.appendChild(el("section", "followup-box"));
    box.setAttribute("aria-labelledby", "sa-followup");
    var title = box.appendChild(el("h3", null, texts.followup_title));
    title.id = "sa-followup";
    var days = item.days || 0;
    // Keep this chat on this device.
    var keepBox = box.appendChild(el("div", "followup-part"));
    var keepText = keepBox.appendChild(el("p"));
    var keepButton = keepBox.appendChild(button("secondary keep", function () {
      if (readKept()) {
        forgetKept();
      } else if (!keepHere(days)) {
        showAlert(texts.network_error);
      }
      paintKeep();
    }));
    function paintKeep() {
      var kept = !!readKept();
      keepText.textContent = (kept ? texts.kept : texts.keep_hint).replace("{days}", days);
      keepButton.textContent = kept ? texts.forget : texts.keep;
    }
    paintKeep();
    // An e-mail when a reply is waiting.
    if (item.email) box.appendChild(renderNotify());
    return node;
  }

  function renderNotify() {
    var part = el("form", "followup-part notify");
    part.noValidate = true;
    var status = el("p", "notify-status");
    status.setAttribute("role", "status");
    var label = part.appendChild(el("label", null, texts.email_label));
    var input = part.appendChild(el("input"));
    input.type = "email";
    input.autocomplete = "email";
    input.id = label.htmlFor = "sa-email";
    var consentRow = part.appendChild(el("p", "consent"));
    var consent = consentRow.appendChild(el("input"));
    consent.type = "checkbox";
    consent.id = "sa-email-consent";
    var consentLabel = consentRow.appendChild(el("label", null, texts.email_consent));
    consentLabel.htmlFor = consent.id;
    var submitButton = part.appendChild(el("button", "secondary", texts.email_save));
    submitButton.type = "submit";
    var stop = part.appendChild(button("link-button stop", function () {
      call("DELETE", "sessions/" + encodeURIComponent(state.session.session_id) + "/notify").then(function (result) {
        if (result.status !== 204) throw result;
        state.notify = null;
        paint(texts.email_stopped);
        input.focus();
      }).catch(function (error) { paint(error && error.status ? serverMessage(error) : texts.network_error); });
    }));
    stop.textContent = texts.email_stop;
    part.appendChild(status);
    function paint(message) {
      var on = !!(state.notify && state.notify.email);
      label.hidden = input.hidden = consentRow.hidden = submitButton.hidden = on;
      stop.hidden = !on;
      status.textContent = message || (on ? texts.email_saved.replace("{email}", state.notify.email) : "");
      save();
    }
    part.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!state.session) return;
      call("PUT", "sessions/" + encodeURIComponent(state.session.session_id) + "/notify",
           { email: input.value.trim(), consent: consent.checked }).then(function (result) {
        if (result.status !== 200) throw result;
        state.notify = { email: result.data.email };
        input.value = "";
        paint();
      }).catch(function (error) { paint(error && error.status ? serverMessage(error) : texts.network_error); });
    });
    paint();
    return part;
  }

  // The e-mail link (#sa-resume=<session>.<key>) or a kept chat: fetch the conversation.
  function comeBack() {
    var match = /(?:^#|&)sa-resume=([A-Za-z0-9]+)\.([A-Za-z0-9_-]+)/.exec(location.hash || "");
    var start = Promise.resolve(state.restore);
    if (match) {
      try { history.replaceState(null, "", location.pathname + location.search); } catch (e) { /* fine */ }
      start = fetch(API + "sessions/" + encodeURIComponent(match[1]) + "/resume", {
        method: "POST", headers: { "Content-Type": "application/json" }, credentials: "omit",
        cache: "no-store", body: JSON.stringify({ key: match[2] }),
      }).then(function (response) {
        return response.json().then(function (data) { return { status: response.status, data: data }; });
      }).then(function (result) {
        if (result.status !== 200) {
          open(false);
          showAlert(serverMessage(result), null);
          return false;
        }
        stopListening();
        var lang = state.lang;
        var chosen = state.chosen;
        state = fresh(lang, chosen);
        state.session = { session_id: result.data.session_id, token: result.data.token };
        return true;
      }, function () { return false; });
    }
    return start.then(function (restore) {
      if (!restore || !state.session) return;
      return call("GET", "sessions/" + encodeURIComponent(state.session.session_id) + "/history")
        .then(function (result) {
          if (result.status === 401 || result.status === 404) {
            forgetKept(); // deleted, expired, or opened on another device since
            state = fresh(state.lang, state.chosen);
            save();
            return;
          }
          if (result.status !== 200) return;
          var data = result.data;
          var seen = Number(state.seen || 0);
          state.unread = match ? 0 : data.items.filter(function (item) {
            return item.id && Number(item.id) > seen; // answered while the page was closed
          }).length;
          state.items = data.items.map(function (item) {
            return item.kind === "bot" ? item : { kind: item.kind, text: item.text, name: item.name || null, lang: item.lang || null,
                                                  lang_note: item.lang_note || null };
          });
          if (data.followup) state.items.push({ kind: "followup", days: data.followup.keep_days,
                                                email: !!data.followup.email });
          state.cursor = data.cursor;
          state.listening = true;
          state.restore = false;
          state.notify = data.notify && data.notify.email ? { email: data.notify.email } : null;
          if (data.lang && data.lang !== state.lang) state.lang = data.lang;
          save();
          ensurePanel();
          renderHistory();
          setHuman(data.human);
          showUnread();
          if (match) {
            open(false); // the person followed the e-mail's link to read the answer
            announce(texts.restored);
          }
          if (data.lang) return switchTexts(data.lang).catch(function () {});
        }, function () { /* offline: the kept session stays for the next visit */ });
    });
  }

  // --- deleting ------------------------------------------------------------------------------

  function askDelete() {
    ui.confirm.hidden = false;
    ui.confirmNo.focus();
  }

  function cancelDelete() {
    ui.confirm.hidden = true;
    ui.deleteButton.focus();
  }

  function deleteConversation() {
    var gone = state.session
      ? call("DELETE", "sessions/" + encodeURIComponent(state.session.session_id))
      : Promise.resolve({ status: 204 });
    gone.then(function (result) {
      // 401/404: the server no longer has it either.
      if ([204, 401, 404].indexOf(result.status) < 0) throw result;
      stopListening();
      forgetKept();
      var open = state.open;
      state = fresh(state.lang, state.chosen);
      state.open = open;
      save();
      renderHistory();
      setHuman(null);
      showUnread();
      ui.confirm.hidden = true;
      showAlert("");
      announce(texts.deleted);
      ui.input.focus();
    }).catch(function (error) {
      ui.confirm.hidden = true;
      showAlert(error && error.status ? serverMessage(error) : texts.delete_failed, null);
    });
  }

  // --- the start, announcements, the full-screen dialog on a phone ----------------------------

  var startData = null; // {topics: [{title, payload}], examples: [text], privacy_url} from widget-texts

  function starterButton(title, onClick) {
    var pick = button("choice", onClick);
    pick.dir = "auto";
    isolated(pick, title, guessDirection(title) === "rtl");
    return pick;
  }

  function fillStart() {
    if (!ui.starters) return;
    var rtl = state.dir === "rtl";
    ui.starters.textContent = "";
    ui.starters.hidden = state.items.length > 0;
    if (startData && startData.topics && startData.topics.length) {
      var topics = ui.starters.appendChild(el("div", "starter-group"));
      topics.setAttribute("role", "group");
      var topicsLabel = topics.appendChild(el("p", "start-label", texts.start_topics));
      topicsLabel.id = "sa-start-topics";
      topics.setAttribute("aria-labelledby", topicsLabel.id);
      var topicChoices = topics.appendChild(el("div", "choices"));
      startData.topics.forEach(function (topic) {
        topicChoices.appendChild(starterButton(topic.title, function () { send(topic.payload, topic.title, false); }));
      });
    }
    if (startData && startData.examples && startData.examples.length) {
      var examples = ui.starters.appendChild(el("div", "starter-group"));
      examples.setAttribute("role", "group");
      var examplesLabel = examples.appendChild(el("p", "start-label", texts.start_examples));
      examplesLabel.id = "sa-start-examples";
      examples.setAttribute("aria-labelledby", examplesLabel.id);
      var exampleChoices = examples.appendChild(el("div", "choices examples"));
      startData.examples.forEach(function (question) {
        exampleChoices.appendChild(starterButton(question, function () { send(question, question, false); }));
      });
    }
    ui.privacy.textContent = "";
    isolated(ui.privacy, texts.privacy_short + " ", rtl);
    if (startData && startData.privacy_url) ui.privacy.appendChild(makeLink(BASE + startData.privacy_url, texts.privacy_link, false));
  }

  // A new message is read out once: its sender and text go into a polite live region (the list
  // of messages itself is not live, so drawing it again after a reload says nothing).
  function announceMessage(node, item) {
    if (!ui.announcer || item.kind === "user" || item.kind === "followup") return;
    var body = node.querySelector(".text");
    var who = item.kind === "counsellor" ? texts.counsellor : item.kind === "bot" ? texts.assistant : "";
    var spoken = (who ? who + ": " : "") + (body ? body.textContent : node.textContent);
    if (item.contact && item.contact.name) spoken += " " + texts.contact + ": " + lines(item.contact.name);
    ui.announcer.textContent = "";
    setTimeout(function () { ui.announcer.textContent = spoken; }, 50);
  }

  // On a phone (or at 200 % zoom) the chat fills the window: a modal dialog then, whose keyboard
  // focus stays inside and which follows the visible part of the window when the on-screen
  // keyboard opens.
  var FULL_SCREEN = window.matchMedia ? window.matchMedia("(max-width: 30em), (max-height: 32em)") : null;

  function fullScreen() {
    return !!(FULL_SCREEN && FULL_SCREEN.matches);
  }

  function focusables() {
    var nodes = ui.panel.querySelectorAll(
      "button, [href], select, textarea, input, summary, [tabindex]:not([tabindex='-1'])");
    return Array.prototype.filter.call(nodes, function (node) {
      return !node.disabled && node.getClientRects().length > 0;
    });
  }

  function trapFocus(event) {
    var list = focusables();
    if (!list.length) return;
    var active = ui.wrap.getRootNode().activeElement;
    var first = list[0];
    var last = list[list.length - 1];
    if (event.shiftKey && (active === first || list.indexOf(active) < 0)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || list.indexOf(active) < 0)) {
      event.preventDefault();
      first.focus();
    }
  }

  function fitPanel() {
    if (!ui.panel) return;
    var modal = fullScreen() && !ui.panel.hidden;
    if (modal) ui.panel.setAttribute("aria-modal", "true");
    else ui.panel.removeAttribute("aria-modal");
    var viewport = window.visualViewport;
    if (modal && viewport) {
      // The keyboard covers the bottom of the window: the panel takes the part that is visible.
      ui.panel.style.height = Math.round(viewport.height) + "px";
      ui.panel.style.top = Math.round(viewport.offsetTop) + "px";
    } else {
      ui.panel.style.height = "";
      ui.panel.style.top = "";
    }
  }

  if (window.visualViewport) {
    window.visualViewport.addEventListener("resize", fitPanel);
    window.visualViewport.addEventListener("scroll", fitPanel);
  }
  if (FULL_SCREEN && FULL_SCREEN.addEventListener) FULL_SCREEN.addEventListener("change", fitPanel);

  // --- opening, closing, language ------------------------------------------------------------

  function open(focus) {
    if (!texts) return;
    state.open = true;
    save();
    ensurePanel();
    ui.panel.hidden = false;
    ui.launcher.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "true");
    if (state.unread) { state.unread = 0; save(); showUnread(); }
    fitPanel();
    // An empty conversation starts at the top, where the greeting and the topics are.
    ui.scroll.scrollTop = state.items.length ? ui.scroll.scrollHeight : 0;
    if (focus) ui.input.focus();
  }

  function close() {
    if (!texts || !ui.panel) return;
    state.open = false;
    save();
    ui.confirm.hidden = true;
    ui.panel.hidden = true;
    fitPanel();
    ui.launcher.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "false");
    ui.launcher.focus();
  }

  function switchTexts(lang) {
    return fetchTexts(lang).then(applyTexts).then(save);
  }

  function setLanguage(code) {
    var known = !languages || languages.some(function (l) { return l.code === code; });
    if (typeof code !== "string" || !known) return Promise.resolve(false);
    state.chosen = true;
    return switchTexts(code).then(function () { return true; });
  }

  // --- start ---------------------------------------------------------------------------------

  if (!customElements.get("sa-advisor")) customElements.define("sa-advisor", class extends HTMLElement {});

  function start() {
    if (document.querySelector("sa-advisor")) return;
    // Both requests the closed button waits for (its texts, its stylesheet) leave first.
    var textsLoaded = fetchTexts(state.lang || preferredLanguages().join(","));
    var host = document.createElement("sa-advisor");
    var root = host.attachShadow({ mode: "open" }); // open: accessibility checkers can see in
    document.body.appendChild(host); // connected first, so the stylesheet starts loading at once
    var styled = build(root);
    Promise.all([styled, textsLoaded]).then(function (results) {
      applyTexts(results[1]);
      ui.wrap.hidden = false;
      if (state.open) open(false);
      comeBack().then(listen);
      // A task queued from the frame callback runs once that frame, the first with the button,
      // has been painted.
      requestAnimationFrame(function () {
        setTimeout(function () { performance.mark("sa-advisor:launcher-painted"); }, 0);
      });
      return fetch(API + "languages", { credentials: "omit" })
        .then(function (response) { return response.json(); })
        .then(function (data) { fillLanguages(data.languages); })
        .catch(function () { /* the picker stays empty; the chat still works */ });
    }, function () {
      host.remove(); // without its texts the widget cannot speak the visitor's language: show nothing
    });
  }

  window.SAAdvisor = Object.freeze({
    open: function () { open(true); },
    close: function () { close(); },
    setLanguage: function (code) { return setLanguage(code); },
  });
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
