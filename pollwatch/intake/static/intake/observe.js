/* pollwatch observer page: today's assignments, the forms of each phase, the outbox.

   Works offline after the first visit: the service worker keeps the page and its files; the
   device token, assignments and form definitions are kept in IndexedDB; reports wait in the
   outbox until the phone is online again. */
(function () {
  "use strict";

  const root = document.getElementById("observe");
  if (!root) return;
  const API = root.dataset.api;
  const { Outbox, Kept, sync } = window.PollwatchOutbox;
  const { renderForm, label } = window.PollwatchRender;

  /* The page's words in every language, from the server's translation catalogue (rendered
     into the page, which the service worker keeps for offline use). */
  const STRINGS = readStrings();
  function readStrings() {
    const node = document.getElementById("observe-strings");
    try { return node ? JSON.parse(node.textContent) : {}; } catch (error) { return {}; }
  }

  const state = { lang: localStorage.getItem("pollwatch-lang") || root.dataset.lang || "en",
                  token: null, me: null, form: null, editing: null };
  if (!STRINGS[state.lang]) state.lang = STRINGS[root.dataset.lang] ? root.dataset.lang : "en";
  function t(name) { return (STRINGS[state.lang] || {})[name] || (STRINGS.en || {})[name] || name; }

  /* What is wrong with one answer, in the page's language: its code and label, and the kind of
     problem; the server's own message when the kind is not known here. */
  function problemText(error, definition) {
    const phrase = ((STRINGS[state.lang] || {}).problems || {})[error.kind];
    if (!phrase) return error.message;
    const question = ((definition && definition.questions) || []).find(function (q) { return q.name === error.question; });
    const name = question ? label(question.label, state.lang, error.question) : error.question;
    const where = [error.code, name].filter(Boolean).join(" · ") + (error.row ? " (" + t("row") + " " + error.row + ")" : "");
    return where + ": " + phrase;
  }

  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(function (e) {
      if (e[1] === undefined || e[1] === null) return;
      if (e[0] === "text") node.textContent = e[1]; else node.setAttribute(e[0], e[1]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  /* --- network status and language ------------------------------------------------------ */
  function showNetwork() {
    const net = document.getElementById("net");
    net.textContent = navigator.onLine ? t("online") : t("offline");
    net.className = "net " + (navigator.onLine ? "online" : "offline");
  }

  function applyLanguage() {
    document.documentElement.lang = state.lang;
    root.querySelectorAll("[data-t]").forEach(function (node) { node.textContent = t(node.dataset.t); });
    root.querySelectorAll(".observe-langs button").forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.lang === state.lang ? "true" : "false");
    });
    showNetwork();
    renderAssignments();
    renderOutbox();
    if (state.form) openForm(state.form.code, state.form.station, state.editing);
  }

  /* --- the device token and the data kept for offline use -------------------------------- */
  async function ensureToken() {
    const kept = await Kept.get("token");
    if (kept && kept.user === root.dataset.user) return kept.token;
    if (!navigator.onLine) return kept ? kept.token : null;
    const response = await fetch(API + "/devices", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf },
      body: JSON.stringify({ label: "observer web page" }),
    });
    if (!response.ok) return kept ? kept.token : null;
    const data = await response.json();
    await Kept.set("token", { token: data.token, user: data.username });
    return data.token;
  }

  async function fetchKept(path, name) {
    try {
      const response = await fetch(API + path, { headers: { "Authorization": "Bearer " + state.token },
                                                 credentials: "omit" });
      if (response.ok) {
        const data = await response.json();
        await Kept.set(name, data);
        return data;
      }
    } catch (error) { /* offline: use the kept copy */ }
    return Kept.get(name);
  }

  /* --- assignments ------------------------------------------------------------------------ */
  function stationsOf(me) {
    const seen = {};
    (me.assignments || []).forEach(function (a) { seen[a.station.code] = a.station; });
    return Object.values(seen);
  }

  function formsFor(phase) {
    return (state.me.forms || []).filter(function (f) { return f.phase === phase && f.kind !== "incident"; });
  }

  function renderAssignments() {
    const list = document.getElementById("assignments");
    if (!state.me) return;
    list.textContent = "";
    const assignments = state.me.assignments || [];
    if (!assignments.length) list.appendChild(el("li", { class: "muted", text: t("no_assignments") }));
    const incident = (state.me.forms || []).find(function (f) { return f.kind === "incident"; });
    assignments.forEach(function (a) {
      const buttons = formsFor(a.phase).map(function (f) {
        const b = el("button", { type: "button", "data-form": f.code, "data-station": a.station.code,
                                 text: label(f.name, state.lang, f.code) });
        b.addEventListener("click", function () { state.editing = null; openForm(f.code, a.station.code); });
        return b;
      });
      if (incident) {
        const b = el("button", { type: "button", "data-form": incident.code, "data-station": a.station.code,
                                 text: t("incident") });
        b.addEventListener("click", function () { state.editing = null; openForm(incident.code, a.station.code); });
        buttons.push(b);
      }
      list.appendChild(el("li", { class: "assignment", "data-station": a.station.code, "data-phase": a.phase }, [
        el("h3", { text: a.station.code + " " + (a.station.name || "") + " · " + t(a.phase) }),
        el("p", { class: "times", text: t("opens") + " " + a.station.opens_at + " · " + t("closes") + " " +
                  a.station.closes_at + " · " + t("due") + " " + a.report_due_local + " (" + t("local") + ")" }),
        a.station.address ? el("p", { class: "muted small", text: a.station.address }) : null,
        el("div", { class: "forms" }, buttons),
      ]));
    });
  }

  /* --- a form ------------------------------------------------------------------------------ */
  async function openForm(code, station, previous) {
    const definition = await fetchKept("/forms/" + encodeURIComponent(code), "form:" + code);
    if (!definition) return;
    state.form = { code: code, station: station, definition: definition };
    const section = document.getElementById("fill");
    section.hidden = false;
    document.getElementById("form-title").textContent = label(definition.name, state.lang, code) + " · " + station;
    const form = document.getElementById("report");
    state.renderer = renderForm(form, definition, state.lang,
                                { stations: stationsOf(state.me), station: station,
                                  strings: STRINGS[state.lang] || STRINGS.en || {} });
    if (previous) state.renderer.fill(previous.body.answers);
    section.scrollIntoView({ block: "start" });
  }

  async function submitForm(event) {
    event.preventDefault();
    const answers = state.renderer && state.renderer.answers();
    if (!answers) return;
    const definition = state.form.definition;
    const station = answers.station || state.form.station;
    const key = Outbox.uuid();
    const body = { key: key, form: definition.code, form_version: definition.version, station: station,
                   answers: answers, observed_at: new Date().toISOString() };
    if (state.editing) body.replaces = state.editing.key;
    await Outbox.add({ key: key, body: body, form: definition.code, station: station,
                       formName: definition.name, timezone: zoneOf(station) });
    if (state.editing) await Outbox.remove(state.editing.key);
    state.editing = null;
    state.form = null;
    document.getElementById("fill").hidden = true;
    document.getElementById("report").textContent = "";
    await renderOutbox();
    document.getElementById("outbox-section").scrollIntoView({ block: "start" });
    sendOutbox();
  }

  /* --- the outbox --------------------------------------------------------------------------- */
  function zoneOf(code) {  // the station's IANA time zone, from the observer's assignments
    const found = ((state.me && state.me.assignments) || []).find(function (a) { return a.station.code === code; });
    return found ? found.station.timezone : undefined;
  }

  function stationTime(moment, zone) {
    // Station-local 24-hour time like every other page; the date too when it is not today there.
    const format = function (at, options) {
      try {
        return new Date(at).toLocaleString("en-GB", Object.assign({ timeZone: zone }, options));
      } catch (e) {  // a zone the browser does not know: the phone's own
        return new Date(at).toLocaleString("en-GB", options);
      }
    };
    const date = { year: "numeric", month: "2-digit", day: "2-digit" };
    const time = format(moment, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    const day = format(moment, date);
    const today = format(Date.now(), date);
    if (day === today) return time;
    return day.split("/").reverse().join("-") + " " + time;
  }

  async function renderOutbox() {
    const list = document.getElementById("outbox");
    const items = await Outbox.all();
    const definitions = {};  // the kept forms of rejected reports, to name their questions
    for (const item of items) {
      if (item.state === "rejected" && !(item.form in definitions)) definitions[item.form] = await Kept.get("form:" + item.form);
    }
    list.textContent = "";
    if (!items.length) list.appendChild(el("li", { class: "muted", text: t("empty_outbox") }));
    items.forEach(function (item) {
      const when = stationTime(item.created, item.timezone || zoneOf(item.station));
      const children = [
        el("strong", { text: label(item.formName, state.lang, item.form) + " · " + item.station + " · " + when + " " }),
        el("span", { class: "state state-" + item.state, "data-state": item.state, text: t(item.state) }),
      ];
      if ((item.flags || []).some(function (f) { return f.code === "not_assigned"; })) {
        children.push(el("span", { class: "muted small", text: " (" + t("not_assigned") + ")" }));
      }
      if (item.state === "rejected") {
        const errors = (item.errors || []).map(function (e) {
          return el("li", { text: problemText(e, definitions[item.form]), title: e.message });
        });
        children.push(el("p", { class: "reason", text: errors.length ? t("fix_and_resend") : (item.reason || "") }));
        if (errors.length) children.push(el("ul", { class: "small" }, errors));
        const edit = el("button", { type: "button", text: t("edit") });
        edit.addEventListener("click", function () { state.editing = item; openForm(item.form, item.station, item); });
        const remove = el("button", { type: "button", text: t("remove") });
        remove.addEventListener("click", async function () { await Outbox.remove(item.key); renderOutbox(); });
        children.push(el("div", { class: "actions" }, [edit, remove]));
      }
      list.appendChild(el("li", { "data-key": item.key, "data-state": item.state }, children));
    });
  }

  async function sendOutbox() {
    if (!navigator.onLine || !state.token) return;
    const summary = await sync(API, state.token, renderOutbox);
    if (summary.unauthorised) {
      document.getElementById("net").textContent = t("sign_in");
      await Kept.set("token", null);
      state.token = await ensureToken();
    }
    await renderOutbox();
  }

  /* --- start ---------------------------------------------------------------------------------- */
  async function start() {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(root.dataset.sw, { scope: "/observe/" }).catch(function () {});
    }
    root.querySelectorAll(".observe-langs button").forEach(function (b) {
      b.addEventListener("click", function () {
        state.lang = b.dataset.lang;
        localStorage.setItem("pollwatch-lang", state.lang);
        // The other pages (and this one when it is next loaded) follow the choice.
        document.cookie = root.dataset.langCookie + "=" + state.lang + ";path=/;max-age=31536000;samesite=lax";
        applyLanguage();
      });
    });
    document.getElementById("report").addEventListener("submit", submitForm);
    document.getElementById("send-now").addEventListener("click", sendOutbox);
    window.addEventListener("online", function () { showNetwork(); sendOutbox(); });
    window.addEventListener("offline", showNetwork);
    applyLanguage();
    state.token = await ensureToken();
    state.me = await fetchKept("/me", "me");
    renderAssignments();
    await renderOutbox();
    // Keep every form of the mission now, so that they open without a network later.
    await Promise.all(((state.me && state.me.forms) || []).map(function (f) {
      return fetchKept("/forms/" + encodeURIComponent(f.code), "form:" + f.code);
    }));
    root.dataset.ready = "1";
    sendOutbox();
    setInterval(sendOutbox, 20000);
  }

  start();
})();
