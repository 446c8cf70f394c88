/* Narrative review: selecting text in the original narrative fills the "mark a missed
   identifier" form with its exact character offsets. Without this script the form works
   from the typed text and an occurrence number. Offsets count Unicode code points, as
   Python does; each piece of the narrative carries its own start and end. */
(function () {
  "use strict";

  var root = document.getElementById("deid-narrative");
  var form = document.getElementById("deid-add");
  if (!root || !form) { return; }
  var startInput = form.elements.namedItem("start");
  var endInput = form.elements.namedItem("end");
  var textInput = form.elements.namedItem("text");
  var where = document.getElementById("deid-where");
  var status = document.getElementById("deid-selection");

  function codePoints(text) { return Array.from(text).length; }

  // The narrative, one entry per code point; a line break written as CR LF (one LF in the
  // page) fills both of its places with white space.
  var chars = [];
  var pieces = Array.prototype.slice.call(root.querySelectorAll(".seg"));
  pieces.forEach(function (piece) {
    var start = Number(piece.dataset.start);
    var end = Number(piece.dataset.end);
    var own = Array.from(piece.textContent);
    for (var i = start; i < end; i += 1) { chars[i] = own.length === end - start ? own[i - start] : "\n"; }
  });

  function bounds(piece) { return [Number(piece.dataset.start), Number(piece.dataset.end)]; }

  function firstPieceFrom(node) {
    if (node.nodeType === Node.ELEMENT_NODE) {
      if (node.classList.contains("seg")) { return node; }
      return node.querySelector(".seg");
    }
    return null;
  }

  // The narrative offset of a selection boundary, or null when it lies outside the narrative.
  function offsetOf(node, offset) {
    if (!root.contains(node)) { return null; }
    var element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    var piece = element.closest(".seg");
    if (piece && root.contains(piece)) {
      var b = bounds(piece);
      if (node.nodeType !== Node.TEXT_NODE) { return offset === 0 ? b[0] : b[1]; }
      if (offset >= node.data.length) { return b[1]; }
      return Math.min(b[0] + codePoints(node.data.slice(0, offset)), b[1]);
    }
    var mark = element.closest("mark");
    if (mark && root.contains(mark)) {  // inside a type label: the end of that identifier
      var inMark = mark.querySelectorAll(".seg");
      return inMark.length ? bounds(inMark[inMark.length - 1])[1] : null;
    }
    for (var i = offset; i < element.childNodes.length; i += 1) {
      var next = firstPieceFrom(element.childNodes[i]);
      if (next) { return bounds(next)[0]; }
    }
    return chars.length;
  }

  function clearSelection() {
    startInput.value = "";
    endInput.value = "";
    if (where) { where.hidden = false; }
    status.textContent = "";
  }

  function fromSelection() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) { return; }
    var range = selection.getRangeAt(0);
    var start = offsetOf(range.startContainer, range.startOffset);
    var end = offsetOf(range.endContainer, range.endOffset);
    if (start === null || end === null) { return; }
    while (start < end && /\s/.test(chars[start])) { start += 1; }
    while (end > start && /\s/.test(chars[end - 1])) { end -= 1; }
    if (start >= end) { return; }
    var text = chars.slice(start, end).join("");
    startInput.value = String(start);
    endInput.value = String(end);
    textInput.value = text.replace(/\s+/g, " ");
    if (where) { where.hidden = true; }
    status.textContent = "Selected characters " + start + "–" + end + ". Choose the type and press “Mark as identifier”.";
  }

  document.addEventListener("selectionchange", fromSelection);
  textInput.addEventListener("input", clearSelection);
  if (startInput.value && endInput.value && where) {  // a form sent back with an error keeps its selection
    where.hidden = true;
  }
})();
