// Narrative-first reporting (issue 18 item 3). As the reporter writes "What happened?", htmx posts
// the text (after a pause) and puts the suggestion panel under it (reporting/_suggestions.html).
// This script ticks the suggested event type, categories and harm — only where the reporter has
// not chosen an answer — and marks each ticked answer "Suggested from your description" (text,
// linked to the answer for screen readers; not colour alone). An answer the reporter chose, or
// that was there when the page opened (a restored draft, a page shown again), is never changed.
// With "Report anonymously" ticked nothing is sent. No inline script: strict CSP.
(function () {
  "use strict";
  const form = document.querySelector("form[data-suggest]");
  if (!form) return;
  const FIELDS = ["event_type", "categories", "harm"];
  const MARK = "Suggested from your description";
  const chosen = new Set();

  function inputs(name) { return form.querySelectorAll("input[name='" + name + "']"); }
  FIELDS.forEach(function (name) {
    if (Array.from(inputs(name)).some(function (i) { return i.checked; })) chosen.add(name);
  });

  function unmark(input) {
    const id = "suggested-" + input.id;
    const mark = document.getElementById(id);
    if (mark) mark.remove();
    const described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (t) { return t && t !== id; });
    if (described.length) input.setAttribute("aria-describedby", described.join(" "));
    else input.removeAttribute("aria-describedby");
  }

  function mark(input) {
    const id = "suggested-" + input.id;
    if (document.getElementById(id)) return;
    const tag = document.createElement("span");
    tag.id = id;
    tag.className = "tag suggested";
    tag.textContent = MARK;
    // Beside the answer, not in its label: not part of its name ("Fall") but its description,
    // read with it (aria-describedby), and not read a second time on its own.
    tag.setAttribute("aria-hidden", "true");
    (input.closest("label") || input).insertAdjacentElement("afterend", tag);
    const described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    described.push(id);
    input.setAttribute("aria-describedby", described.join(" "));
  }

  // The reporter's own tap or key (a trusted event): that field is theirs from now on.
  form.addEventListener("change", function (event) {
    const name = event.target && event.target.name;
    if (!event.isTrusted || FIELDS.indexOf(name) === -1) return;
    chosen.add(name);
    inputs(name).forEach(unmark);
  });

  function apply(name, values) {
    if (chosen.has(name)) return;
    let changed = false;
    inputs(name).forEach(function (input) {
      const on = values.indexOf(input.value) !== -1 && !input.disabled;
      if (input.checked !== on) { input.checked = on; changed = true; }
      if (on) mark(input); else unmark(input);
    });
    // What depends on the answer (the harm question, a category's module) follows it (form-logic.js).
    const first = inputs(name)[0];
    if (changed && first) first.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function suggested() {
    const panel = document.querySelector("#suggestions [data-suggestion]");
    if (!panel) return;
    const words = function (s) { return (s || "").split(" ").filter(Boolean); };
    // In this order: the event type enables the harm question, which is then answered.
    apply("event_type", words(panel.dataset.eventType));
    apply("categories", words(panel.dataset.categories));
    apply("harm", words(panel.dataset.harm));
  }

  const anonymous = form.querySelector("input[name='anonymous']");
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (event.target && event.target.form === form && anonymous && anonymous.checked) event.preventDefault();
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.id === "suggestions") suggested();
  });
})();
