// Decisions from the report pages: added by the review app (evalaudit review), absent from the static report.
(function () {
  "use strict";
  const meta = document.querySelector('meta[name="evalaudit-csrf"]');
  if (!meta) return;
  const csrf = meta.content;

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || response.statusText);
    return data;
  }

  function show(holder, note, verdict) {
    const line = holder.querySelector(".review-note");
    line.textContent = "审核意见：" + note;
    holder.dataset.verdict = verdict;
  }

  function buttons(holder, choices, send) {
    for (const [verdict, label, asks] of choices) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.dataset.verdict = verdict;
      button.addEventListener("click", async () => {
        let reason = "";
        if (asks) {
          reason = window.prompt(asks) || "";
          if (!reason.trim()) return;
        }
        try {
          const saved = await send(verdict, reason);
          show(holder, saved.note, saved.verdict);
        } catch (error) {
          window.alert("未能保存：" + error.message);
        }
      });
      holder.appendChild(button);
    }
    // the static report may already show the decision in force: keep that line, after the buttons
    const note = holder.querySelector(".review-note") || document.createElement("div");
    note.className = "review-note";
    holder.appendChild(note);
  }

  const rows = Array.from(document.querySelectorAll("tr[data-key]")).filter((row) => row.dataset.key);
  for (const table of new Set(rows.map((row) => row.closest("table")))) {
    const head = table.querySelector("thead tr");
    if (head) head.insertAdjacentHTML("beforeend", "<th>审核</th>");
  }
  for (const row of rows) {
    const cell = document.createElement("td");
    cell.className = "review";
    buttons(cell, [["confirmed", "确认"], ["dismissed", "不是问题", "不是问题的理由（必填）："], ["pending", "待定"]],
      (verdict, reason) => post("/api/decisions", {
        subject: "finding", key: row.dataset.key, verdict, reason,
        evaluation_id: row.dataset.evaluation || "", unit: row.dataset.unit || "", check_id: row.dataset.check || "",
        location: row.dataset.location || "", stated: row.dataset.stated || "",
      }));
    row.appendChild(cell);
  }

  const form = document.querySelector("[data-form-key]");
  if (form) {
    if (!form.querySelector("strong")) form.insertAdjacentHTML("beforeend", "<strong>本表审核结论：</strong>");
    buttons(form, [["passed", "通过"], ["returned", "退回", "退回的说明（必填，告诉单位改什么）："]],
      (verdict, reason) => post("/api/decisions", {
        subject: "form", key: form.dataset.formKey, verdict, reason,
        evaluation_id: form.dataset.evaluation || "", unit: form.dataset.unit || "",
      }));
  }

  const holders = rows.map((row) => [row.dataset.key, row.querySelector("td.review")]);
  if (form) holders.push([form.dataset.formKey, form]);
  if (holders.length) {
    post("/api/lookup", { keys: holders.map(([key]) => key) }).then((found) => {
      for (const [key, holder] of holders) if (found[key]) show(holder, found[key].note, found[key].verdict);
    }).catch(() => {});
  }
})();
