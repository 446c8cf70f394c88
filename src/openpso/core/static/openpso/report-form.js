// Keeps the report form safe while the reporter types: a copy in this browser (survives a
// refresh, a closed tab or a lost connection) and, when signed in, a draft on the server
// (so the report can be finished later on another device). No inline script: strict CSP.
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
  function save() {
    timer = null;
    try { localStorage.setItem(key, JSON.stringify(snapshot())); } catch (e) { /* storage full or off */ }
    const url = form.dataset.draftUrl;
    if (!url) { say("Draft kept on this device."); return; }
    if (sending) { timer = setTimeout(save, 1000); return; }
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
