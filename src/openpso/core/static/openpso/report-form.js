// Keeps the report form safe while the reporter types: a draft on the server, encrypted under
// the signed-in reporter (so a refresh, a closed tab or another device brings it back) — until
// "Report anonymously" is ticked: then nothing is kept anywhere (docs/decisions/0007).
// Nothing typed is kept in this browser's storage: a ward computer is shared, and what is in
// localStorage survives sign-out (docs/security.md, 14.3.3). With no connection the answers stay
// on the open page, the page says they are not saved, and the save is tried again until it
// works. No inline script: strict CSP.
(function () {
  "use strict";
  const PREFIX = "openpso-draft:";
  const RETRY_MS = 5000;

  // Earlier versions kept a copy of the form here: remove any left behind, on every page.
  try {
    Object.keys(localStorage).forEach(function (k) { if (k.indexOf(PREFIX) === 0) localStorage.removeItem(k); });
  } catch (e) { /* storage off */ }

  const form = document.querySelector("form[data-draft-url]");
  if (!form) return;
  const status = document.getElementById("draft-status");
  const say = function (text) { if (status) status.textContent = text; };

  let timer = null;
  let sending = false;

  // "Report anonymously" ticked: the report is filed as the anonymous page files it, so
  // nothing of it is kept — no copy here, no draft on the server under the reporter's name,
  // a drug search that names no one, and a suggested discovery time of the hour only.
  const anonymous = form.querySelector("input[name='anonymous']");
  const isAnonymous = function () { return !!(anonymous && anonymous.checked); };
  let dropped = false; // the server confirmed it keeps no draft since the box was ticked

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
    if (on) later(); // once any save in flight is done, the server drops the draft
    else { dropped = false; say("Your answers are saved as you type; you can finish later."); }
  }
  if (anonymous) {
    anonymous.addEventListener("change", function () { anonymously(anonymous.checked); });
    if (anonymous.checked) anonymously(true);
  }

  function save() {
    timer = null;
    if (sending) { timer = setTimeout(save, 1000); return; }
    if (isAnonymous()) { dropServerDraft(); return; }
    sending = true;
    fetch(form.dataset.draftUrl, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (r) {
        // Sent to the sign-in page: the session ended (idle or its maximum age).
        if (r.redirected) return Promise.reject("signed out");
        return r.ok ? r.text() : Promise.reject(r.status);
      })
      .then(function (text) { say(text); })
      .catch(function (why) {
        if (why === "signed out") {
          say("You were signed out: your latest answers are not saved. Copy them before you sign in again.");
          return;
        }
        say("No connection: your latest answers are not saved yet. Keep this page open; we keep trying.");
        if (!timer) timer = setTimeout(save, RETRY_MS);
      })
      .finally(function () { sending = false; });
  }
  function later() { if (timer) clearTimeout(timer); timer = setTimeout(save, 800); }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  window.addEventListener("online", function () { if (timer) later(); });
  form.addEventListener("submit", function () { if (timer) { clearTimeout(timer); timer = null; } });
})();
