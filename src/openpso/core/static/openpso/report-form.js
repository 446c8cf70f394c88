// Keeps the report form safe while the reporter types: a copy in this browser (survives a
// refresh, a closed tab or a lost connection) and, when signed in, a draft on the server
// (so the report can be finished later on another device) — until "Report anonymously" is
// ticked: then nothing is kept anywhere (docs/decisions/0007). No inline script: strict CSP.
(function () {
  "use strict";
  const PREFIX = "openpso-draft:";

  // A successful submission or a discarded draft says so in a message: forget the local copy.
  document.querySelectorAll("[data-tags^='clear-draft:']").forEach(function (el) {
    try { localStorage.removeItem(PREFIX + el.dataset.tags.slice("clear-draft:".length)); } catch (e) { /* storage off */ }
  });

  const form = document.querySelector("form[data-draft-key]");
  if (!form) return;
  const key = PREFIX + form.dataset.draftKey;
  const status = document.getElementById("draft-status");
  const say = function (text) { if (status) status.textContent = text; };

  function snapshot() {
    const data = {};
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken" || typeof value !== "string") return;
      (data[name] = data[name] || []).push(value);
    });
    return data;
  }

  function restore(data) {
    Object.keys(data).forEach(function (name) {
      const values = data[name];
      form.querySelectorAll("[name='" + CSS.escape(name) + "']").forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") el.checked = values.indexOf(el.value) !== -1;
        else if (el.tagName === "SELECT" && el.multiple) {
          Array.from(el.options).forEach(function (o) { o.selected = values.indexOf(o.value) !== -1; });
        } else el.value = values[0] || "";
      });
    });
    form.dispatchEvent(new Event("change", { bubbles: true }));
  }

  if (form.dataset.restore === "local") {
    try {
      const saved = localStorage.getItem(key);
      if (saved) { restore(JSON.parse(saved)); say("We restored the report you had started on this device."); }
    } catch (e) { /* a damaged copy is ignored */ }
  }

  let timer = null;
  let sending = false;

  // "Report anonymously" ticked: the report is filed as the anonymous page files it, so
  // nothing of it is kept — no copy here, no draft on the server under the reporter's name,
  // a drug search that names no one, and a suggested discovery time of the hour only.
  const anonymous = form.querySelector("input[name='anonymous']");
  const isAnonymous = function () { return !!(anonymous && anonymous.checked); };
  let dropped = false; // the server confirmed it keeps no draft since the box was ticked

  function forget() { try { localStorage.removeItem(key); } catch (e) { /* storage off */ } }

  function dropServerDraft() {
    const url = form.dataset.draftUrl;
    if (!url || dropped) return;
    // Only the box and the CSRF token are sent, none of the answers: the server drops the draft.
    const body = new FormData();
    const token = form.querySelector("input[name='csrfmiddlewaretoken']");
    if (token) body.append("csrfmiddlewaretoken", token.value);
    body.append("anonymous", "on");
    sending = true;
    fetch(url, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (text) { dropped = true; say(text); })
      .catch(function () { say("No connection: the draft kept under your name could not be removed yet."); })
      .finally(function () { sending = false; });
  }

  function suggestHour(on) {
    const when = form.querySelector("input[name='discovered_at']");
    const suggested = form.querySelector("input[name='discovered_at_suggested']");
    if (!when || !suggested || !suggested.value) return;
    const hour = suggested.value.slice(0, 14) + "00";
    if (on && when.value === suggested.value) when.value = hour;
    else if (!on && when.value === hour) when.value = suggested.value;
  }

  function drugSearch(on) {
    const named = form.dataset.drugsUrl;
    const nameless = form.dataset.anonymousDrugsUrl;
    if (!named || !nameless) return;
    form.querySelectorAll("[hx-get]").forEach(function (el) {
      const now = el.getAttribute("hx-get");
      if (now !== (on ? named : nameless)) return;
      el.setAttribute("hx-get", on ? nameless : named);
      if (window.htmx) window.htmx.process(el);
    });
  }

  function role(on) {
    const field = document.getElementById("field-reporter_role");
    if (!field) return;
    field.hidden = on;
    field.querySelectorAll("input").forEach(function (el) { el.disabled = on; });
  }

  function anonymously(on) {
    suggestHour(on);
    drugSearch(on);
    role(on);
    if (on) { forget(); later(); } // later(): once any save in flight is done, the server drops the draft
    else { dropped = false; say("Your answers are saved as you type; you can finish later."); }
  }
  if (anonymous) {
    anonymous.addEventListener("change", function () { anonymously(anonymous.checked); });
    if (anonymous.checked) anonymously(true);
  }

  function save() {
    timer = null;
    if (sending) { timer = setTimeout(save, 1000); return; }
    if (isAnonymous()) { forget(); dropServerDraft(); return; }
    try { localStorage.setItem(key, JSON.stringify(snapshot())); } catch (e) { /* storage full or off */ }
    const url = form.dataset.draftUrl;
    if (!url) { say("Draft kept on this device."); return; }
    sending = true;
    fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (text) { say(text); })
      .catch(function () { say("No connection: your draft is kept on this device."); })
      .finally(function () { sending = false; });
  }
  function later() { if (timer) clearTimeout(timer); timer = setTimeout(save, 800); }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  form.addEventListener("submit", function () { if (timer) { clearTimeout(timer); timer = null; } });
})();
