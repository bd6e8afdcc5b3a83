// Filter and sort the findings table in place. Without JavaScript every row is simply shown.
(function () {
  var table = document.getElementById("findings");
  if (!table) return;
  // A select matches its value exactly; the unit box matches any part of the unit's name.
  var controls = document.querySelectorAll("[data-filter]");
  function apply() {
    var rows = table.tBodies[0].rows;
    for (var i = 0; i < rows.length; i++) {
      var show = true;
      for (var j = 0; j < controls.length; j++) {
        var key = controls[j].getAttribute("data-filter"), value = controls[j].value.trim();
        var cell = rows[i].getAttribute("data-" + key) || "";
        if (value && (controls[j].tagName === "INPUT" ? cell.indexOf(value) < 0 : cell !== value)) show = false;
      }
      rows[i].style.display = show ? "" : "none";
    }
  }
  for (var k = 0; k < controls.length; k++) {
    controls[k].addEventListener(controls[k].tagName === "INPUT" ? "input" : "change", apply);
  }
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
  var unitBox = document.querySelector('[data-filter="unit"]');
  if (unit && unitBox) { unitBox.value = unit; apply(); }
})();
