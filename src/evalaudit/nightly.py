"""The nightly run's steps over the store: plan, check, record, publish, alert.

Plain functions; `flows/nightly_audit.py` wires them into the Prefect flow and adds retries, logs and
artifacts. Only files new to the store are read; the report always covers the whole inbox.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
from sqlalchemy.exc import OperationalError

from evalaudit.alert.compose import QueuedAlert, digest_alert, group_by_unit, unit_alerts
from evalaudit.alert.deliver import Delivery, deliver
from evalaudit.alert.registry import Registry, RegistryError, load_registry, registry_aliases
from evalaudit.inbox import CHECK_FAILED
from evalaudit.model import Finding
from evalaudit.outputs import write_run_outputs
from evalaudit.pipeline import FileOutcome, check_isolated, problem_findings
from evalaudit.report import Built, build, unit_name
from evalaudit.report.listing import Listing
from evalaudit.report.pages import MANIFEST, flush, fsync_folder, link_if_same
from evalaudit.report.workbook import units_of, write_workbook
from evalaudit.resubmission import NEW, form_key
from evalaudit.settings import Settings
from evalaudit.store import GLOBAL_ERRORS, OPERATOR, SENT, Store, StoreError
from evalaudit.summary import finding_lines, problem_lines

KEEP_REPORTS = 30  # nightly report folders kept under reports/runs/


@dataclass
class CheckedFiles:
    """The files a run read, checked together: one validation per suite over all their evaluations.

    `outcomes` are the files as they are recorded: a file whose forms made the checks fail is
    `check_failed`, with the error, and is read again by the next run.
    """

    outcomes: list[FileOutcome] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    computed_totals: dict[str, float] = field(default_factory=dict)
    exec_rates: dict[str, float] = field(default_factory=dict)
    texts: pd.DataFrame | None = None

    @property
    def failed(self) -> list[FileOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == CHECK_FAILED]


@dataclass
class Published:
    report: Path  # the run's index.html
    snapshot: Listing  # the inbox as the report shows it (forms as entries: no form content)
    built: Built | None = None  # pages linked and rendered


class NightlyFailure(RuntimeError):
    """A night that could not finish for a reason no single file caused; its message is one Chinese line."""

    def __init__(self, line: str, run_id: str | None = None) -> None:
        super().__init__(line)
        self.run_id = run_id


STEP_LABELS = {
    "discover": "清点收件箱",
    "parse": "读取文件",
    "check": "检查",
    "store": "保存结果",
    "decisions": "导入审核意见",
    "report": "发布报告",
    "alert": "发送提醒",
}


def failure_line(step: str, error: BaseException) -> str:
    """What the operator reads when a night fails: which step, and what is wrong in words they can act on."""
    where = STEP_LABELS.get(step, step)
    if isinstance(error, StoreError):
        why = str(error)
    elif isinstance(error, OperationalError):
        why = f"数据库无法访问、已锁定或磁盘已满（{getattr(error, 'orig', None) or error}）"
    elif isinstance(error, OSError) and error.errno == errno.ENOSPC:
        why = f"磁盘已满（{error.filename or ''}）"
    elif isinstance(error, PermissionError):
        why = f"没有写入权限（{error.filename or error}）"
    elif isinstance(error, OSError):
        why = f"文件系统错误（{error.strerror or error}{'：' + str(error.filename) if error.filename else ''}）"
    elif isinstance(error, KeyboardInterrupt):
        why = "运行被中断"
    else:
        why = f"程序错误 {type(error).__name__}: {error}"
    return f"本次审核未完成（{where}时出错）：{why}。已审核保存的文件不受影响，下次运行将继续审核其余文件"


def batches(items: Sequence, size: int) -> list[list]:
    """Work split for the flow's tasks: each task takes a batch of files, never a single form."""
    size = max(1, size)
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def check_outcomes(store: Store, run_id: str, outcomes: Sequence[FileOutcome]) -> CheckedFiles:
    """Check every evaluation the run read in one go, texts compared with everything audited before
    (except earlier submissions of the same forms) — by looking the night's texts up in the store, not by
    loading the history; files that make the checks fail are set apart."""
    if not any(outcome.forms for outcome in outcomes):
        return CheckedFiles(outcomes=list(outcomes))
    keys = {form_key(evaluation) for outcome in outcomes for evaluation in outcome.evaluations}  # a file at a time
    history = store.text_history(exclude_form_keys=keys)
    checked = check_isolated(outcomes, history)
    findings = checked.findings
    for finding in findings:
        finding.run_id = run_id
    return CheckedFiles(
        outcomes=[checked.outcome(outcome) for outcome in outcomes],
        findings=findings,
        computed_totals=checked.facts("computed_total"),
        exec_rates=checked.facts("exec_rate"),
        texts=checked.texts,
    )


def record(store: Store, run_id: str, checked: CheckedFiles, batch: Sequence[FileOutcome]) -> list[FileOutcome]:
    """Store one batch of files with everything found in them, in one transaction.

    When the batch cannot be saved, each file is saved alone, and a file that cannot be saved even alone is
    recorded as `check_failed` with the error: one bad form costs that form. Errors of the store itself
    (`StoreError`, the database unreachable or full) are not a file's fault and stop the run.
    Returns the outcomes as recorded.
    """
    try:
        _save(store, run_id, checked, batch)
        return list(batch)
    except GLOBAL_ERRORS:
        raise
    except Exception:  # noqa: BLE001 - find the file at fault
        pass
    recorded = []
    for outcome in batch:
        try:
            _save(store, run_id, checked, [outcome])
        except GLOBAL_ERRORS:
            raise
        except Exception as error:  # noqa: BLE001
            outcome = outcome.with_status(CHECK_FAILED, f"保存时出错（{type(error).__name__}: {error}）")
            _save(store, run_id, checked, [outcome])
        recorded.append(outcome)
    return recorded


def _save(store: Store, run_id: str, checked: CheckedFiles, batch: Sequence[FileOutcome]) -> None:
    ids = {evaluation_id for outcome in batch for evaluation_id in outcome.evaluation_ids}
    texts = checked.texts[checked.texts["evaluation_id"].isin(ids)] if checked.texts is not None else None
    findings = [finding for finding in checked.findings if finding.evaluation_id in ids]
    store.save_batch(run_id, batch, findings, checked.computed_totals, checked.exec_rates, texts)


def publish_run(
    store: Store, run_id: str, reports: Path, keep: int = KEEP_REPORTS, registry: Path | None = None
) -> Published:
    """The whole inbox as it stands after this run → reports/runs/<run_id>/, then reports/latest points to it.

    Only the pages that changed since the previous report are rendered (and only their forms decoded); the
    others are hard-links to the previous run's. The report is written into a hidden `.<run_id>.partial` folder
    without a per-page fsync, flushed to disk once, renamed into place, and `latest` moves only then: a crash
    never leaves reviewers (or the next run) a half report.
    """
    listing = store.current_listing(run_id)
    runs = reports / "runs"
    out, partial = runs / run_id, runs / f".{run_id}.partial"
    if partial.exists():
        shutil.rmtree(partial)
    partial.mkdir(parents=True)
    problems = problem_findings(listing.problems)
    for finding in problems:
        finding.run_id = run_id
    previous = previous_report(reports)
    written = write_run_outputs(partial, listing.findings + problems, None, sync=False)
    write_workbook(partial / "findings.xlsx", listing.findings + problems, units_of(listing.evaluations))
    for name in ("findings.csv", "findings.jsonl"):  # a night that changed nothing keeps no second copy
        link_if_same(written[name], previous / name if previous else None)
    built = build(listing, partial, previous, atomic=False, lines=True, aliases=registry_aliases(registry))
    flush(partial)
    if out.exists():
        shutil.rmtree(out)
    os.replace(partial, out)
    fsync_folder(runs)
    point_latest(reports / "latest", out)
    fsync_folder(reports)
    prune_reports(runs, keep)
    return Published(report=out / built.index.name, snapshot=listing, built=built)


def report_link(report: Path, reports: Path, base_url: str = "") -> str:
    """Where a reviewer opens `report` from a link: under `base_url` (the reports folder served over http,
    EVALAUDIT_REPORTS_URL) when set, else as a file:// URI (which a browser opens only from a local file)."""
    if base_url:
        try:
            relative = report.resolve().relative_to(reports.resolve()).as_posix()
        except ValueError:
            relative = report.name
        return base_url.rstrip("/") + "/" + quote(relative)
    return report.resolve().as_uri()


def previous_report(reports: Path) -> Path | None:
    """The complete report the next one links its unchanged pages from: `latest`, else the newest run folder."""
    latest = reports / "latest"
    if latest.is_dir() and (latest / MANIFEST).is_file():
        return latest.resolve()
    runs = reports / "runs"
    folders = (
        sorted(p for p in runs.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST).is_file())
        if runs.is_dir()
        else []
    )
    return folders[-1] if folders else None


def point_latest(link: Path, target: Path) -> None:
    """Swap the `latest` symlink atomically (a real folder left by an older version is replaced)."""
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)
    temporary = link.with_name(f".{link.name}.tmp")
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(os.path.relpath(target, link.parent), target_is_directory=True)
    os.replace(temporary, link)


def prune_reports(runs: Path, keep: int) -> list[Path]:
    """Keep the newest `keep` run reports (run ids sort by time); the store keeps every result anyway.

    Half-written reports of runs that died (`.<run_id>.partial`) are removed too.
    """
    folders = sorted(path for path in runs.iterdir() if path.is_dir() and not path.name.startswith("."))
    removed = folders[: max(0, len(folders) - keep)]
    removed += [path for path in runs.iterdir() if path.is_dir() and path.name.endswith(".partial")]
    for folder in removed:
        shutil.rmtree(folder)
    return removed


OTHER_KINDS = ("digest", OPERATOR)  # what is sent after the units' emails (which go first, for the digest to tell)


@dataclass
class AlertResult:
    queued: int  # alerts composed by this run
    delivery: Delivery
    registry_problem: str = ""  # why units could not be told apart (Chinese); their findings wait for the registry


def alert(
    store: Store,
    run_id: str,
    published: Published,
    registry: Path,
    settings: Settings,
    notes: Sequence[str] = (),
    reports: Path | None = None,
) -> AlertResult:
    """Queue one email per unit with something new or fixed that nobody has told it about and send those; then
    queue the bureau's digest — which can then say which units' emails the server took or refused — and send
    everything else queued (the digest, and what an SMTP outage held back)."""
    unalerted, problems = store.unalerted(fixed=True)
    try:
        units = load_registry(registry)
    except RegistryError as error:  # a bad line must not cost the night's alerts: the digest says what to fix
        units = Registry([], problem=str(error))
    today = datetime.now(_zone(settings.timezone)).date()
    terms = settings.terms
    listing = published.snapshot
    groups = group_by_unit(unalerted, units, listing)
    composed = unit_alerts(run_id, groups, listing, terms, today)
    ids = store.queue_alerts(run_id, [(a.fields(), a.finding_ids, a.file_names) for a in composed])
    smtp = settings.smtp
    first = deliver(store, smtp, kinds=("unit",))
    if not composed and not unalerted and not problems and not notes:
        return AlertResult(
            queued=0, delivery=_merged(first, deliver(store, smtp, kinds=OTHER_KINDS)), registry_problem=units.problem
        )
    statuses = store.alert_status(ids)
    told = {alert.unit: _told(alert, *statuses.get(i, ("", ""))) for alert, i in zip(composed, ids, strict=True)}
    remarks = list(notes)
    if terms.resubmit_by is not None and terms.resubmit_by < today:
        remarks.append(
            f"设置 EVALAUDIT_RESUBMIT_BY（{terms.resubmit_by.isoformat()}）已过，单位邮件中未写重新提交的截止日期，请更新该设置"
        )
    if smtp is None:
        remarks.append("未配置邮件服务器 EVALAUDIT_SMTP_HOST，单位提醒与本摘要均已排队，配置后下次运行时发送")
    csv = published.report.parent / "findings.csv"
    digest = digest_alert(
        run_id,
        groups,
        units,
        problems,
        smtp.bureau_email if smtp else "",
        remarks,
        told=told,
        undelivered=store.undelivered(("unit",)),
        link=digest_link(published.report, reports or published.report.parent.parent.parent, settings),
        findings_csv=csv.read_bytes() if csv.is_file() else None,
    )
    store.queue_alerts(run_id, [(digest.fields(), digest.finding_ids, digest.file_names)])
    return AlertResult(
        queued=len(composed) + 1,
        delivery=_merged(first, deliver(store, smtp, kinds=OTHER_KINDS)),
        registry_problem=units.problem,
    )


def digest_link(report: Path, reports: Path, settings: Settings) -> str:
    """Where the bureau opens the report from: the served folder (EVALAUDIT_REPORTS_URL), else the network share
    the bureau reads the reports folder from (EVALAUDIT_REPORTS_SHARE), else this machine's file:// URI."""
    if settings.reports_url or not settings.reports_share:
        return report_link(report, reports, settings.reports_url)
    try:
        parts = report.resolve().relative_to(reports.resolve()).parts
    except ValueError:
        parts = (report.parent.name, report.name)
    share = settings.reports_share
    separator = "\\" if "\\" in share else "/"
    return share.rstrip("/\\") + separator + separator.join(parts)


def _told(alert: QueuedAlert, status: str, error: str) -> str:
    if status == SENT:
        return f"已发送提醒至 {alert.recipient}"
    if error:
        return f"提醒未送达 {alert.recipient}（{error}），已排队，下次运行时重发"
    return f"提醒已排队（发送至 {alert.recipient}），下次运行时发送"


def _merged(first: Delivery, second: Delivery) -> Delivery:
    return Delivery(
        sent=first.sent + second.sent,
        queued=first.queued + second.queued,
        failed=first.failed + second.failed,
        resent=first.resent + second.resent,
        error="；".join(dict.fromkeys(e for e in (first.error, second.error) if e)),
    )


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def summary_lines(run: dict, published: Published, alerts: AlertResult) -> list[str]:
    """The operator's one-screen summary (Chinese), also the flow's markdown artifact."""
    snapshot = published.snapshot
    return [
        f"收件箱文件 {snapshot.files} 个，本次新审核 {run.get('files_audited') or 0} 个；自评表 {len(snapshot.evaluations)} 张",
        *finding_lines(snapshot.findings, "现有审核发现"),
        f"与上次相比：新发现 {run.get('findings_new') or 0} 条，已修正 {run.get('findings_fixed') or 0} 条",
        f"提醒邮件：本次生成 {alerts.queued} 封，已发送 {alerts.delivery.sent} 封，排队待发 {alerts.delivery.queued} 封"
        + (f"，无法发送 {alerts.delivery.failed} 封" if alerts.delivery.failed else "")
        + (
            f"（其中 {alerts.delivery.resent} 封在上次运行中断时正在发送，可能已送达，已按原 Message-ID 重发，邮件客户端按同一封显示）"
            if alerts.delivery.resent
            else ""
        )
        + (f"（{alerts.delivery.error}）" if alerts.delivery.error else ""),
        *(
            [f"单位名录有问题：{alerts.registry_problem}（相关单位的提醒将在名录恢复后发送）"]
            if alerts.registry_problem
            else []
        ),
        *problem_lines(snapshot.problems, "（文件已保留，请单位重新提交）"),
        f"审核报告：{published.report}",
        f"审核工作簿（填写审核意见后放入审核意见文件夹，下次运行导入）：{published.report.parent / 'findings.xlsx'}",
        f"审核结果（CSV）：{published.report.parent / 'findings.csv'}",
    ]


def units_with_errors(snapshot: Listing) -> list[dict]:
    """Rows of the flow's table artifact: each unit with open errors, most first."""
    causes = [f for f in snapshot.findings if f.for_unit and f.severity == "error"]  # one per cause
    errors = Counter(unit_name(f) for f in causes)
    new = Counter(unit_name(f) for f in causes if f.change == NEW)
    return [{"单位": unit, "错误": count, "其中新发现": new[unit]} for unit, count in errors.most_common()]
