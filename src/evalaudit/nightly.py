"""The nightly run's steps over the store: plan, check, record, publish, alert.

Plain functions; `flows/nightly_audit.py` wires them into the Prefect flow and adds retries, logs and
artifacts. Only files new to the store are read; the report always covers the whole inbox.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evalaudit.alert.compose import compose_alerts
from evalaudit.alert.deliver import Delivery, SmtpSettings, deliver
from evalaudit.alert.registry import load_registry
from evalaudit.checks import run_checks
from evalaudit.model import Finding
from evalaudit.outputs import write_run_outputs
from evalaudit.pipeline import FileOutcome, Snapshot, problem_findings
from evalaudit.report import publish, unit_name
from evalaudit.resubmission import NEW, form_key
from evalaudit.store import Store
from evalaudit.summary import finding_lines, problem_lines

KEEP_REPORTS = 30  # nightly report folders kept under reports/runs/


@dataclass
class CheckedFiles:
    """The files a run read, checked together: one validation per suite over all their evaluations."""

    findings: list[Finding] = field(default_factory=list)
    computed_totals: dict[str, float] = field(default_factory=dict)
    exec_rates: dict[str, float] = field(default_factory=dict)
    texts: pd.DataFrame | None = None


@dataclass
class Published:
    report: Path  # the run's index.html
    snapshot: Snapshot


def batches(items: Sequence, size: int) -> list[list]:
    """Work split for the flow's tasks: each task takes a batch of files, never a single form."""
    size = max(1, size)
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def check_outcomes(store: Store, run_id: str, outcomes: Sequence[FileOutcome]) -> CheckedFiles:
    """Check every evaluation the run read in one go, texts compared with everything audited before
    (except earlier submissions of the same forms)."""
    evaluations = [evaluation for outcome in outcomes for evaluation in outcome.evaluations]
    if not evaluations:
        return CheckedFiles()
    history = store.history_texts(exclude_form_keys={form_key(evaluation) for evaluation in evaluations})
    checks = run_checks(evaluations, history=history)
    for finding in checks.findings:
        finding.run_id = run_id
    return CheckedFiles(
        findings=checks.findings,
        computed_totals=checks.facts("computed_total"),
        exec_rates=checks.facts("exec_rate"),
        texts=checks.frames.texts,
    )


def record(store: Store, run_id: str, checked: CheckedFiles, batch: Sequence[FileOutcome]) -> int:
    """Store one batch of files with everything found in them, in one transaction; returns its forms."""
    ids = {evaluation.evaluation_id for outcome in batch for evaluation in outcome.evaluations}
    texts = checked.texts[checked.texts["evaluation_id"].isin(ids)] if checked.texts is not None else None
    findings = [finding for finding in checked.findings if finding.evaluation_id in ids]
    store.save_batch(run_id, batch, findings, checked.computed_totals, checked.exec_rates, texts)
    return len(ids)


def publish_run(store: Store, run_id: str, reports: Path, keep: int = KEEP_REPORTS) -> Published:
    """The whole inbox as it stands after this run → reports/runs/<run_id>/, then reports/latest points to it.

    `latest` moves only once the new report is complete, so a crash never leaves reviewers a half report.
    """
    snapshot = store.current_state(run_id)
    out = reports / "runs" / run_id
    problems = problem_findings(snapshot.problems)
    for finding in problems:
        finding.run_id = run_id
    write_run_outputs(out, snapshot.findings + problems, snapshot.evaluations)
    index = publish(snapshot, out)
    point_latest(reports / "latest", out)
    prune_reports(reports / "runs", keep)
    return Published(report=index, snapshot=snapshot)


def point_latest(link: Path, target: Path) -> None:
    """Swap the `latest` symlink atomically (a real folder left by an older version is replaced)."""
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)
    temporary = link.with_name(f".{link.name}.tmp")
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(os.path.relpath(target, link.parent), target_is_directory=True)
    os.replace(temporary, link)


def prune_reports(runs: Path, keep: int) -> list[Path]:
    """Keep the newest `keep` run reports (run ids sort by time); the store keeps every result anyway."""
    folders = sorted(path for path in runs.iterdir() if path.is_dir())
    removed = folders[: max(0, len(folders) - keep)]
    for folder in removed:
        shutil.rmtree(folder)
    return removed


@dataclass
class AlertResult:
    queued: int  # alerts composed by this run
    delivery: Delivery


def alert(
    store: Store,
    run_id: str,
    published: Published,
    registry: Path,
    settings: SmtpSettings | None,
) -> AlertResult:
    """Queue one email per unit with findings nobody has told it about, and the bureau's digest; then send
    everything queued (tonight's and what an SMTP outage held back)."""
    new, problems = store.unalerted()
    composed = compose_alerts(
        run_id,
        new,
        problems,
        load_registry(registry),
        published.report.parent,
        open_findings=published.snapshot.findings,
        fixed=published.snapshot.fixed,
        bureau_email=settings.bureau_email if settings else "",
    )
    store.queue_alerts(run_id, [(a.fields(), a.finding_ids, a.file_names) for a in composed])
    return AlertResult(queued=len(composed), delivery=deliver(store, settings))


def summary_lines(run: dict, published: Published, alerts: AlertResult) -> list[str]:
    """The operator's one-screen summary (Chinese), also the flow's markdown artifact."""
    snapshot = published.snapshot
    return [
        f"收件箱文件 {snapshot.files} 个，本次新审核 {run.get('files_audited') or 0} 个；自评表 {len(snapshot.evaluations)} 张",
        *finding_lines(snapshot.findings, "现有审核发现"),
        f"与上次相比：新发现 {run.get('findings_new') or 0} 条，已修正 {run.get('findings_fixed') or 0} 条",
        f"提醒邮件：本次生成 {alerts.queued} 封，已发送 {alerts.delivery.sent} 封，排队待发 {alerts.delivery.queued} 封"
        + (f"（{alerts.delivery.error}）" if alerts.delivery.error else ""),
        *problem_lines(snapshot.problems, "（文件已保留，请单位重新提交）"),
        f"审核报告：{published.report}",
        f"审核结果（Excel 可直接打开）：{published.report.parent / 'findings.csv'}",
    ]


def units_with_errors(snapshot: Snapshot) -> list[dict]:
    """Rows of the flow's table artifact: each unit with open errors, most first."""
    errors = Counter(unit_name(f) for f in snapshot.findings if f.severity == "error")
    new = Counter(unit_name(f) for f in snapshot.findings if f.severity == "error" and f.change == NEW)
    return [{"单位": unit, "错误": count, "其中新发现": new[unit]} for unit, count in errors.most_common()]
