// Filter and sort the findings table in place. Without JavaScript every row is simply shown.
(function () {
  var table = document.getElementById("findings");
  if (!table) return;
  var selects = document.querySelectorAll("select[data-filter]");
  function apply() {
    var rows = table.tBodies[0].rows;
    for (var i = 0; i < rows.length; i++) {
      var show = true;
      for (var j = 0; j < selects.length; j++) {
        var key = selects[j].getAttribute("data-filter"), value = selects[j].value;
        if (value && rows[i].getAttribute("data-" + key) !== value) show = false;
      }
      rows[i].style.display = show ? "" : "none";
    }
  }
  for (var k = 0; k < selects.length; k++) selects[k].addEventListener("change", apply);
  var headers = table.tHead.rows[0].cells;
  for (var h = 0; h < headers.length; h++) {
    headers[h].addEventListener("click", (function (column) {
      return function () {
        var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
        var ascending = table.getAttribute("data-sorted") !== String(column);
        rows.sort(function (a, b) {
          var x = a.cells[column].textContent, y = b.cells[column].textContent;
          return ascending ? x.localeCompare(y, "zh") : y.localeCompare(x, "zh");
        });
        rows.forEach(function (row) { body.appendChild(row); });
        table.setAttribute("data-sorted", ascending ? String(column) : "");
      };
    })(h));
  }
  var unit = new URLSearchParams(window.location.search).get("unit");
  var unitSelect = document.querySelector('select[data-filter="unit"]');
  if (unit && unitSelect) { unitSelect.value = unit; apply(); }
})();
