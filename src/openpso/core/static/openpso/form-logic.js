// Progressive disclosure for report forms generated from Common Formats definitions:
// a module's questions appear when a category that needs them is chosen, and a question
// appears only when its skip logic (data-enable-when) holds. Hidden questions are disabled
// so they are not sent; the server checks the same rules again.
(function () {
  "use strict";
  // Every such form on the page: "My reports" may hold several requests from the safety team.
  document.querySelectorAll("form[data-form-logic]").forEach(wire);

  function wire(form) {
    function valuesOf(name) {
      const els = form.querySelectorAll("[name='" + CSS.escape(name) + "']");
      const values = [];
      els.forEach(function (el) {
        if (el.disabled) return;
        if (el.type === "checkbox" || el.type === "radio") { if (el.checked) values.push(el.value); }
        else if (el.tagName === "SELECT" && el.multiple) {
          Array.from(el.selectedOptions).forEach(function (o) { values.push(o.value); });
        } else if (el.value !== "") values.push(el.value);
      });
      return values;
    }

    function holds(clause) {
      const values = valuesOf(clause.field);
      const wanted = Array.isArray(clause.answer) ? clause.answer.map(String) : [String(clause.answer)];
      switch (clause.operator) {
        case "exists": return (values.length > 0) === (clause.answer !== false);
        case "!=": return !values.some(function (v) { return wanted.indexOf(v) !== -1; });
        default: return values.some(function (v) { return wanted.indexOf(v) !== -1; }); // "=", "in"
      }
    }

    // Sets visibility and, always, the disabled state of the inputs inside: a section shown
    // again re-enables everything in it, and the items after it in this pass hide their own.
    function show(el, visible) {
      const changed = el.hidden === visible;
      el.hidden = !visible;
      el.querySelectorAll("input, select, textarea").forEach(function (input) { input.disabled = !visible; });
      return changed;
    }

    // Categories follow the event type: those AHRQ does not collect for the chosen type
    // (data-not-for, the same rule as schemas.category_conflicts on the server) are hidden and
    // disabled, a ticked one is unticked, and the note under the list says which and why.
    const categoryNote = form.querySelector("[data-category-notes]");
    const notes = categoryNote ? JSON.parse(categoryNote.dataset.categoryNotes) : {};
    let unticked = [];
    function followEventType() {
      const type = valuesOf("event_type")[0] || "";
      const now = [];
      form.querySelectorAll("input[name='categories'][data-not-for]").forEach(function (box) {
        const off = type !== "" && box.dataset.notFor.split(" ").indexOf(type) !== -1;
        const label = box.closest("label") || box;
        if (off && box.checked) { box.checked = false; now.push(label.textContent.trim()); }
        box.disabled = off;
        label.hidden = off;
      });
      if (now.length) unticked = now;
      else if (!type || !notes[type]) unticked = [];
      if (!categoryNote) return;
      let text = notes[type] || "";
      if (text && unticked.length) text += " Unticked for you: " + unticked.join(", ") + ".";
      if (categoryNote.textContent !== text) categoryNote.textContent = text;
    }

    function update() {
      followEventType();
      // Repeat until stable: showing one question can enable another that depends on it.
      for (let pass = 0; pass < 10; pass++) {
        let changed = false;
        const categories = valuesOf("categories");
        form.querySelectorAll("[data-module-triggers]").forEach(function (section) {
          const triggers = section.dataset.moduleTriggers.split(" ").filter(Boolean);
          const always = section.dataset.moduleAlways === "true";
          const on = always || triggers.some(function (c) { return categories.indexOf(c) !== -1; });
          changed = show(section, on) || changed;
        });
        form.querySelectorAll("[data-enable-when]").forEach(function (el) {
          if (el.parentElement && el.parentElement.closest("[hidden]")) { changed = show(el, false) || changed; return; }
          const rule = JSON.parse(el.dataset.enableWhen);
          const results = rule.when.map(holds);
          const on = rule.behavior === "any" ? results.some(Boolean) : results.every(Boolean);
          changed = show(el, on) || changed;
        });
        form.querySelectorAll("[data-other-of]").forEach(function (el) {
          const codes = el.dataset.otherCodes.split(" ");
          const inside = el.parentElement && el.parentElement.closest("[hidden]");
          const on = !inside && valuesOf(el.dataset.otherOf).some(function (v) { return codes.indexOf(v) !== -1; });
          changed = show(el, on) || changed;
        });
        if (!changed) break;
      }
    }

    form.addEventListener("change", update);
    update();
  }
})();
