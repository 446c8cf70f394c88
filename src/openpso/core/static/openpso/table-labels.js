// On a phone (openpso.css, max-width 40rem) a table.responsive shows each row as a card and
// hides its header row, so each cell needs its column's name: this copies the header's text to
// the cell's data-label, which the stylesheet shows before the cell (issue 12: the organisations
// list read "—" and "PA" with nothing to say what they were). Cells that carry their own
// .cell-label (the audit log) and cells under an empty header (a checkbox column) are left alone.
(function () {
  "use strict";

  function labelTables() {
    document.querySelectorAll("table.responsive").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      if (!heads.length) {
        return;
      }
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.children, function (cell) {
          var span = parseInt(cell.getAttribute("colspan") || "1", 10) || 1;
          if (span === 1 && heads[column] && !cell.hasAttribute("data-label") && !cell.querySelector(".cell-label")) {
            cell.setAttribute("data-label", heads[column]);
          }
          column += span;
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", labelTables);
  document.addEventListener("htmx:afterSettle", labelTables);
})();
