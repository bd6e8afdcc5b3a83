// Filter and sort the findings table in place. Without JavaScript every row is simply shown.
// On the overview, find a unit by any part of its name among all units (units/names.js, read when first used).
(function () {
  var search = document.getElementById("unit-search");
  if (!search) return;
  var results = document.getElementById("unit-results"), limit = 100;
  function load(then) {
    if (window.UNIT_NAMES) return then();
    var script = document.createElement("script");
    script.src = search.getAttribute("data-src");
    script.onload = then;
    document.head.appendChild(script);
  }
  // as the report folds names (resubmission.name_key): width, case, spaces and punctuation, traditional characters
  function fold(text) {
    var folding = window.UNIT_FOLD || {}, out = "";
    var plain = text.normalize("NFKC").toLowerCase().replace(/[\s\p{P}\p{S}_]+/gu, "");
    for (var ch of plain) out += folding[ch] || ch;
    return out;
  }
  function show() {
    var wanted = search.value.trim();
    while (results.firstChild) results.removeChild(results.firstChild);
    if (!wanted) return;
    load(function () {
      if (search.value.trim() !== wanted) return;
      var units = window.UNIT_NAMES || [], found = 0, key = fold(wanted);
      for (var i = 0; i < units.length && found < limit; i++) {
        if (units[i][0].indexOf(wanted) < 0 && (!key || (units[i][4] || "").indexOf(key) < 0)) continue;
        var item = document.createElement("li"), link = document.createElement("a");
        link.href = "units/" + units[i][1] + ".html";
        link.textContent = units[i][0];
        item.appendChild(link);
        item.appendChild(document.createTextNode("（错误 " + units[i][2] + "，警告 " + units[i][3] + "）"));
        results.appendChild(item);
        found++;
      }
      if (!found) {
        var none = document.createElement("li");
        none.textContent = "没有名称含“" + wanted + "”的单位";
        results.appendChild(none);
      }
      results.setAttribute("data-shown", String(found));
    });
  }
  search.addEventListener("input", show);
  var unit = new URLSearchParams(window.location.search).get("unit");
  if (unit) { search.value = unit; show(); }
})();
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
