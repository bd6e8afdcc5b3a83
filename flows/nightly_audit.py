"""The `nightly-audit` Prefect flow: discover → parse → check → store → report → alert.

Thin wiring over `evalaudit.nightly`: the tasks take batches of files, the I/O tasks retry, every step logs
what it did, and each run leaves three artifacts (summary, units with errors, link to the report).

    python -m flows.nightly_audit run     # once, on data/inbox, without a server (`make audit`)
    python -m flows.nightly_audit serve   # local Prefect server + cron deployment (`make serve`)

With `--dask tcp://host:8786` (or $EVALAUDIT_DASK_ADDRESS) the parse batches run on that Dask cluster's workers
(`DaskTaskRunner`); every other task runs in the flow's own process, where the store is.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import functools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast

import cloudpickle
from prefect import Flow, flow, get_run_logger, task, unmapped
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import FlowRun
from prefect.context import FlowRunContext
from prefect.deployments.runner import RunnerDeployment
from prefect.events.worker import EventsWorker
from prefect.logging.handlers import APILogWorker
from prefect.logging.loggers import flow_run_logger
from prefect.runner import Runner
from prefect.schedules import Cron
from prefect.settings import (
    PREFECT_API_URL,
    PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
    PREFECT_UI_URL,
    temporary_settings,
)
from prefect.states import Cancelled, State
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from evalaudit.alert.operator import failure_notice, missed_line, notify
from evalaudit.decision_import import import_decisions
from evalaudit.inbox import AUDITED, CHECK_FAILED, SubmittedFile
from evalaudit.nightly import (
    KEEP_REPORTS,
    AlertResult,
    CheckedFiles,
    NightlyFailure,
    Published,
    alert,
    batches,
    check_outcomes,
    failure_line,
    publish_run,
    record,
    report_link,
    summary_lines,
    units_with_errors,
)
from evalaudit.pipeline import FileOutcome, new_run_id, parse_many, read_ahead, submitted_files
from evalaudit.runlog import log_path, run_log
from evalaudit.settings import (
    DEFAULT_CRON,
    DEFAULT_TIMEZONE,
    Settings,
    SettingsError,
    apply_env_file,
    load_settings,
)
from evalaudit.store import RunInProgress, Store, StoreError, open_store
from evalaudit.timing import Stopwatch
from evalaudit.watch import Gap, gap_before, recovery
from evalaudit.workers import (
    apply_settings,
    reading_settings,
    release,
)

# Tasks sent to a Dask cluster travel by value, whatever this module is called here: a served run loads this file
# by path as a module named `nightly_audit` that no scheduler or worker could import (they need only evalaudit).
cloudpickle.register_pickle_by_value(sys.modules[__name__])

FLOW_NAME = "nightly-audit"
DEPLOYMENT_NAME = "nightly"
BATCH_SIZE = 200
DASK_ENV = "EVALAUDIT_DASK_ADDRESS"
REPORTS_PORT = 4201
IO: dict[str, Any] = {"retries": 2, "retry_delay_seconds": 5, "cache_policy": NO_CACHE}


@task(name="start-run", **IO)
def start_run(store: Store, run_id: str, inbox: str, flow_run_id: str | None = None) -> None:
    stale = store.begin_run(run_id, inbox, flow_run_id)
    logger = get_run_logger()
    logger.info("审核批次 %s 开始，收件箱 %s", run_id, inbox)
    for earlier in stale:
        logger.warning("上次运行 %s 未正常结束，已标记为中断；其未完成的文件将在本次审核", earlier)


@task(name="discover", **IO)
def discover(store: Store, run_id: str, inbox: str) -> list[SubmittedFile]:
    """Hash every file in the inbox; only content the store has not seen goes on."""
    found = submitted_files(Path(inbox))
    todo = store.plan(run_id, found)
    logger = get_run_logger()
    logger.info("收件箱共有文件 %d 个，其中新的或已更改的 %d 个", len(found.files) + len(found.problems), len(todo))
    for problem in found.problems:
        logger.warning("%s 未读取：%s", problem.source_file, problem.reason)
    return todo


@task(name="read_ahead", cache_policy=NO_CACHE)
def read_slow_files(files: list[SubmittedFile]) -> None:
    """Conversions and OCR for the whole batch, on every core, before parsing reads them from the cache."""
    _read_ahead(files)


def _read_ahead(files: list[SubmittedFile]) -> None:
    prepared = read_ahead(files)
    if prepared.converted or prepared.recognised:
        get_run_logger().info(
            "预先转换文件 %d 个（LibreOffice 进程 %d 个），识别扫描件 %d 个",
            prepared.converted,
            prepared.converter_runs,
            prepared.recognised,
        )


@task(name="parse", cache_policy=NO_CACHE)
def parse(files: list[SubmittedFile], settings: dict[str, str] | None = None) -> list[FileOutcome]:
    """One batch of files read and parsed. `settings` (the flow's reading settings) come only with a batch sent
    to another process, perhaps on another machine (a Dask worker): they apply there first, and the batch's slow
    files are converted there, into that machine's cache, since the flow's own read-ahead would fill only its own."""
    if settings is not None:
        apply_settings(settings)
        _read_ahead(files)
    outcomes = parse_many(files)
    logger = get_run_logger()
    for outcome in outcomes:
        if outcome.status != AUDITED:
            logger.warning("%s 无法审核（%s）：%s", outcome.file.name, outcome.status, outcome.reason)
    return outcomes


@task(name="check", cache_policy=NO_CACHE)
def check(store: Store, run_id: str, outcomes: list[FileOutcome]) -> CheckedFiles:
    checked = check_outcomes(store, run_id, outcomes)
    forms = sum(outcome.forms for outcome in checked.outcomes)
    logger = get_run_logger()
    logger.info("检查自评表 %d 张，审核发现 %d 条", forms, len(checked.findings))
    for outcome in checked.failed:
        logger.error("%s 审核时出错，其余文件照常审核：%s", outcome.file.name, outcome.reason)
    return checked


@task(name="store", **IO)
def store_batch(store: Store, run_id: str, checked: CheckedFiles, batch: list[FileOutcome]) -> int:
    recorded = record(store, run_id, checked, batch)
    forms = sum(outcome.forms for outcome in recorded)
    logger = get_run_logger()
    logger.info("已保存文件 %d 个、自评表 %d 张", len(batch), forms)
    for outcome in recorded:
        if outcome.status == CHECK_FAILED and outcome not in batch:
            logger.error("%s 无法保存，其余文件照常保存：%s", outcome.file.name, outcome.reason)
    return forms


@task(name="decisions", **IO)
def import_reviews(store: Store, folder: str) -> list[str]:
    """The reviewers' workbooks dropped since the last run, as decisions (before the report, which shows them)."""
    lines = []
    for result in import_decisions(store, Path(folder)):
        (get_run_logger().warning if result.problems else get_run_logger().info)(result.line)
        lines.append(result.line)
    return lines


@task(name="report", **IO)
def report(store: Store, run_id: str, reports: str, keep: int, registry: str | None = None) -> Published:
    published = publish_run(store, run_id, Path(reports), keep, Path(registry) if registry else None)
    logger = get_run_logger()
    logger.info("审核报告：%s", published.report)
    if published.built is not None:
        built = published.built
        logger.info(
            "报告页面：新生成 %d 页，沿用上次未变的 %d 页（解码自评表 %d 张）",
            built.rendered,
            built.linked + built.copied,
            built.decoded,
        )
    return published


@task(name="alert", **IO)
def alert_units(
    store: Store, run_id: str, published: Published, registry: str, notes: list[str] | None = None, reports: str = ""
) -> AlertResult:
    # the settings are read here, never passed in: a task's inputs are no place for the SMTP password
    settings = load_settings()
    result = alert(store, run_id, published, Path(registry), settings, notes or (), Path(reports) if reports else None)
    logger = get_run_logger()
    logger.info("提醒邮件：本次生成 %d 封，已发送 %d 封", result.queued, result.delivery.sent)
    if result.delivery.queued:
        logger.warning("排队待发 %d 封：%s", result.delivery.queued, result.delivery.error)
    if result.delivery.failed:
        logger.error("无法发送 %d 封（已标记为失败，原因见发件箱）：%s", result.delivery.failed, result.delivery.error)
    if result.registry_problem:
        logger.warning("单位名录有问题：%s", result.registry_problem)
    return result


def task_runner(dask_address: str | None = None) -> TaskRunner[Any]:
    """`DaskTaskRunner` on the cluster at `dask_address`, else $EVALAUDIT_DASK_ADDRESS; with neither, Prefect's
    default threads (each batch then parsed on every core of this machine)."""
    address = dask_address or os.environ.get(DASK_ENV, "").strip()
    if not address:
        return ThreadPoolTaskRunner()
    from prefect_dask import DaskTaskRunner  # imports dask.distributed: only when a cluster is asked for

    return DaskTaskRunner(address=address)


# The runner is read from the environment when this module loads: a served run's process loads the flow afresh
# from this file (its deployment's entrypoint), with the environment `serve_nightly` leaves it.
def tell_operator(flow: Flow, flow_run: FlowRun, state: State) -> None:
    """`on_failure` / `on_crashed`: one email to the operator (EVALAUDIT_OPERATOR_EMAIL) through the outbox, with
    the run, the step, the error and where its log is; straight over SMTP when the store is what failed."""
    logger = flow_run_logger(flow_run, flow)
    try:
        apply_env_file()
        settings = load_settings()
    except SettingsError as error:
        logger.error("无法通知运维人员：%s", error)
        return
    store, stored = None, None
    try:
        store = open_store(settings.store_url)
        stored = store.run_of_flow_run(str(flow_run.id))
    except Exception:  # noqa: BLE001 - the store may be what failed: the notice then goes without it
        store = None
    run_id = stored["run_id"] if stored else None
    failure = _raised(state)
    if isinstance(failure, NightlyFailure):
        line, detail = str(failure), f"{type(failure.__cause__).__name__}: {failure.__cause__}"
    else:
        line = failure_line("start", failure) if failure is not None else (state.message or state.name or "")
        detail = state.message or ""
    logs = [str(log_path(run_id).resolve())] if run_id else []
    if flow_run.deployment_id is not None and PREFECT_UI_URL.value():
        logs.append(f"{PREFECT_UI_URL.value()}/runs/flow-run/{flow_run.id}")
    logs = logs or [f"Prefect 流程运行 {flow_run.id}（prefect flow-run logs {flow_run.id}）"]
    notice = failure_notice(run_id, str(flow_run.id), line, detail, logs)
    logger.info(notify(store, run_id or "", notice, settings.operator_email, settings.smtp))


def _raised(state: State) -> BaseException | None:
    try:
        result = state.result(raise_on_failure=False)
    except BaseException:  # noqa: BLE001 - a crashed run may have no result to read
        return None
    return result if isinstance(result, BaseException) else None


@flow(
    name=FLOW_NAME,
    description="每晚审核收件箱中新提交的绩效自评表，保存结果，发布审核报告并提醒有错误的单位",
    task_runner=task_runner(),
    on_failure=[tell_operator],
    on_crashed=[tell_operator],
)
def nightly_audit(
    inbox: str = "data/inbox",
    reports: str = "reports",
    registry: str = "data/units.csv",
    batch_size: int = BATCH_SIZE,
    keep_reports: int = KEEP_REPORTS,
) -> dict | State:
    """One nightly run, holding the store's run lease throughout. The store and every secret come from the
    settings (`evalaudit.settings`), never from a parameter: Prefect keeps parameters in every run record.
    With another run holding the lease, this one does nothing and ends `Cancelled` saying which."""
    apply_env_file()
    settings = load_settings()
    store = open_store(settings.store_url)
    run_id = new_run_id()
    try:
        store.take_lease(run_id, settings.lease_wait)
    except RunInProgress as busy:
        get_run_logger().warning("%s", busy)
        return Cancelled(message=str(busy))
    try:
        with run_log(run_id):
            return _audit(store, run_id, settings, inbox, reports, registry, batch_size, keep_reports)
    finally:
        store.release_lease()


def _audit(
    store: Store,
    run_id: str,
    settings: Settings,
    inbox: str,
    reports: str,
    registry: str,
    batch_size: int,
    keep_reports: int,
) -> dict:
    context = FlowRunContext.get()
    start_run(store, run_id, inbox, str(context.flow_run.id) if context and context.flow_run else None)
    gap = gap_before(store, settings, run_id)
    _notify_gap(store, run_id, gap, settings)
    watch = Stopwatch()
    try:
        watch.start("discover")
        todo = discover(store, run_id, inbox)
        watch.start("parse")
        elsewhere = _tasks_elsewhere()
        if not elsewhere:
            read_slow_files(quote(todo))  # type: ignore[call-overload]  # Prefect's Task typing does not take quote()
        parse_settings = unmapped(reading_settings() if elsewhere else None)
        outcomes = [
            outcome for part in parse.map(batches(todo, batch_size), parse_settings).result() for outcome in part
        ]
        release()
        watch.start("check")
        # quote(): big inputs are passed as they are; Prefect would otherwise walk every finding looking for futures
        checked = check(store, run_id, quote(outcomes))  # type: ignore[call-overload]  # Prefect's Task typing does not take quote()
        watch.start("store")
        for batch in batches(checked.outcomes, batch_size):
            store_batch(store, run_id, quote(checked), quote(batch))  # type: ignore[call-overload]  # Prefect's Task typing does not take quote()
        watch.start("decisions")
        reviewed = import_reviews(store, str(settings.decisions_dir))
        watch.start("report")
        published = report(store, run_id, reports, keep_reports, registry)
        watch.start("alert")
        notes = ([missed_line(gap.nights)] if gap.nights else []) + reviewed
        alerts = alert_units(store, run_id, quote(published), registry, notes, reports)  # type: ignore[call-overload]  # Prefect's Task typing does not take quote()
    except BaseException as error:
        line = failure_line(watch.current, error)
        get_run_logger().error(line)
        try:
            store.finish_run(run_id, "failed", error=f"{line}（{type(error).__name__}: {error}）")
        except Exception:  # noqa: BLE001 - the store may be what failed; the error above is the one to raise
            pass
        if isinstance(error, Exception):
            raise NightlyFailure(line, run_id) from error
        raise
    watch.start("finish")
    store.finish_run(
        run_id,
        "completed",
        files_seen=published.snapshot.files,
        report=str(published.report),
        alerts_sent=alerts.delivery.sent,
        alerts_queued=alerts.delivery.queued,
        **store.run_counts(run_id),
    )
    recovered = recovery(store, run_id, gap, settings)
    if recovered is not None:
        get_run_logger().info(notify(store, run_id, recovered, settings.operator_email, settings.smtp))
    lines = [*notes, *summary_lines(store.run(run_id), published, alerts)]
    _artifacts(run_id, lines, published, reports, settings.reports_url)
    watch.write_if_asked()
    return {"run_id": run_id, "report": str(published.report), "summary": lines}


def _notify_gap(store: Store, run_id: str, gap: Gap, settings: Settings) -> None:
    """Nights that never completed since the last good run: a warning now, and the operator told once."""
    notice = gap.notice(settings)
    if notice is None:
        return
    logger = get_run_logger()
    logger.warning(missed_line(gap.nights))
    logger.info(notify(store, run_id, notice, settings.operator_email, settings.smtp))


def _tasks_elsewhere() -> bool:
    """Whether the run's submitted tasks (the parse batches) go to other processes (the Dask runner), not to
    Prefect's default threads here."""
    context = FlowRunContext.get()
    return context is not None and not isinstance(context.task_runner, ThreadPoolTaskRunner)


def nightly_flow(dask_address: str | None = None) -> Flow:
    """The nightly flow with its parse batches on the Dask cluster at `dask_address`; without one, as loaded
    (on $EVALAUDIT_DASK_ADDRESS's cluster when it was set, else here)."""
    return nightly_audit.with_options(task_runner=task_runner(dask_address)) if dask_address else nightly_audit


def _artifacts(run_id: str, lines: list[str], published: Published, reports: str, reports_url: str) -> None:
    create_markdown_artifact(
        "# 绩效自评表审核 " + run_id + "\n\n" + "\n".join(f"- {line}" for line in lines),
        key="nightly-audit-summary",
        description="本次审核摘要",
    )
    rows = units_with_errors(published.snapshot)
    create_table_artifact(
        rows or [{"单位": "（无）", "错误": 0, "其中新发现": 0}], key="units-with-errors", description="有错误的单位"
    )
    create_link_artifact(
        report_link(published.report, Path(reports), reports_url),
        link_text="审核报告",
        key="audit-report",
        description="本次审核报告（HTML）",
    )


# scheduling --------------------------------------------------------------------------------------------------


def deployment(
    cron: str | None = None, timezone: str | None = None, dask_address: str | None = None, **parameters
) -> RunnerDeployment:
    """The nightly deployment `make serve` serves: cron and time zone from arguments, the environment
    ($EVALAUDIT_CRON, $EVALAUDIT_TIMEZONE), or 02:00 Asia/Shanghai; on a Dask cluster with `dask_address`
    (`nightly_flow`)."""
    settings = load_settings()
    schedule = Cron(cron or settings.cron, timezone=timezone or settings.timezone)
    # (to_deployment is async_dispatch'ed: its typing adds the coroutine it returns only when called from async code)
    return nightly_flow(dask_address).to_deployment(  # type: ignore[return-value]
        name=DEPLOYMENT_NAME,
        schedule=schedule,
        parameters={key: value for key, value in parameters.items() if value is not None},
        description="每晚审核新提交的绩效自评表",
        tags=["evalaudit"],
        # one run at a time: a run due while one is running waits in Prefect's queue (the store's lease holds
        # any run Prefect does not schedule: `make audit`, another server)
        concurrency_limit=1,
    )


class ServerNotStarted(RuntimeError):
    """The Prefect server `run` or `serve` starts did not come up; `main()` says so in one line."""


@contextmanager
def local_server(port: int | None = None, *, temporary: bool = False) -> Iterator[str]:
    """A Prefect server on localhost for as long as the block runs; it dies with this process, even on `kill -9`.

    `serve` gets the full server (UI, scheduler) on `port`. `run` (`temporary`) gets what Prefect's own temporary
    server runs (no UI, only the services that record task runs and events) on a free port. `run` starts it
    itself because Prefect starts its own from whichever thread first needs the API, never tied to the process,
    so a killed run left it listening. Call from the main thread: the death signal follows the forking thread.
    """
    port = _bindable(port)
    url = f"http://127.0.0.1:{port}/api"
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    if temporary:
        # the switch Prefect's own temporary server runs with: no UI, only the services one run needs
        env.update(PREFECT__SERVER_EPHEMERAL="1", PREFECT_SERVER_UI_ENABLED="false")
        command += ["--log-level", "ERROR"]
    server = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL if temporary else None,  # its banner is not the run's output
        preexec_fn=functools.partial(_die_with_parent, os.getpid()),
    )
    try:
        _wait_healthy(url, server)
        try:
            yield url
        finally:
            _deliver_pending()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def _deliver_pending() -> None:
    """Send the logs and events this process still has queued while the server is up: Prefect sends them at exit,
    when a server stopped by `local_server` is gone ("Error logging to API")."""
    APILogWorker.drain_all(timeout=30)
    EventsWorker.drain_all(timeout=30)


def _bindable(port: int | None) -> int:
    """`port`, or a free one; a port something already listens on (an orphaned server) is refused up front,
    or the health check would pass on that other server."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds: TIME_WAIT is no obstacle
        try:
            probe.bind(("127.0.0.1", port or 0))
        except OSError:
            raise ServerNotStarted(
                f"端口 {port} 已被占用（也许是仍在运行的 Prefect 服务器）：请先停止它，或用 --port 换一个端口"
            ) from None
        return probe.getsockname()[1]


def _die_with_parent(parent: int) -> None:
    """Linux, in the server's process before exec: SIGTERM when `parent` dies, even by `kill -9`, so no orphan keeps
    the port; if the parent is already gone (killed between fork and here), stop at once."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        return
    if os.getppid() != parent:
        os._exit(1)


def _wait_healthy(url: str, server: subprocess.Popen, timeout: float | None = None) -> None:
    """Wait as long as Prefect waits for its own temporary server: the setting lives in prefect.toml, because the
    first start on a busy machine (creating the database) can take minutes."""
    if timeout is None:
        timeout = PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ServerNotStarted(f"Prefect 服务器启动失败（退出码 {server.returncode}）")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise ServerNotStarted(
        f"Prefect 服务器未能在 {timeout:.0f} 秒内启动：请在 prefect.toml 中调大 "
        "server.ephemeral.startup_timeout_seconds，或设置 PREFECT_API_URL 指向已运行的服务器"
    )


class _Runner(Runner):
    """Prefect's runner, stopped cleanly by SIGTERM: Prefect's own SIGTERM handler calls an async `stop()` from
    sync code (the coroutine is never awaited) and exits through `SystemExit`, past `serve`'s handling; raising
    in the handler instead would cut whatever callback the loop was running. So the handler only schedules the
    runner's own `astop()` on its loop, and `start()` returns once the runner has wound down."""

    def handle_sigterm(self, *args: object, **kwargs: object) -> None:
        loop = asyncio.get_event_loop()  # the runner's: signal handlers run in the main thread, where it runs
        loop.call_soon_threadsafe(lambda: loop.create_task(self.astop()))


def _serve(deployment: RunnerDeployment) -> None:
    """Serve until Ctrl+C or SIGTERM. The deployment stays active when serving stops (Prefect's `serve` pauses
    it), so the schedule resumes as soon as `make serve` starts again."""
    runner = _Runner(pause_on_shutdown=False)
    runner.add_deployment(deployment)
    try:
        asyncio.run(runner.start())
    except KeyboardInterrupt:
        pass
    print("已停止（部署保持启用，再次运行 make serve 即按计划继续）", flush=True)


@contextmanager
def reports_server(folder: Path, port: int) -> Iterator[str]:
    """The reports folder over HTTP on 127.0.0.1 while the block runs, so the links in the Prefect UI (the
    `audit-report` artifact) and in the digest open in a browser (which will not follow file:// from a page)."""
    folder.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_QuietFiles, directory=str(folder))
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as error:
        raise ServerNotStarted(
            f"报告服务端口 {port} 无法使用（{error.strerror}）：请用 --reports-port 换一个端口"
        ) from None
    thread = threading.Thread(target=server.serve_forever, name="reports-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def serve_nightly(
    port: int,
    cron: str | None,
    timezone: str | None,
    dask_address: str | None = None,
    reports_port: int = REPORTS_PORT,
    **parameters,
) -> None:
    """`make serve`: use the configured API (PREFECT_API_URL) when set, else start a local server; serve the
    reports folder over HTTP; serve the deployment until stopped."""
    if dask_address:  # each run's process loads the flow from its file, and its task runner from here
        os.environ[DASK_ENV] = dask_address
    with ExitStack() as servers:
        reports = Path(parameters.get("reports") or "reports")
        url = servers.enter_context(reports_server(reports, reports_port))
        if not os.environ.get("EVALAUDIT_REPORTS_URL"):
            os.environ["EVALAUDIT_REPORTS_URL"] = url  # the served runs' processes inherit it
        print(f"审核报告：{os.environ['EVALAUDIT_REPORTS_URL']}", flush=True)
        if not PREFECT_API_URL.value():
            api = servers.enter_context(local_server(port))
            os.environ["PREFECT_API_URL"] = api
            servers.enter_context(temporary_settings({PREFECT_API_URL: api}))
            print(f"Prefect 服务器：{api.removesuffix('/api')}（界面），按 Ctrl+C 停止", flush=True)
        _serve(deployment(cron, timezone, dask_address, **parameters))


# One run skipped because another holds the lease: nothing audited, nothing wrong (EX_TEMPFAIL: try later).
EXIT_BUSY = 75


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.nightly_audit", description="绩效自评表每晚审核")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("run", "立即运行一次（不需要服务器）"),
        ("serve", "启动本地 Prefect 服务器并按计划每晚运行"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--inbox", default="data/inbox", help="收件箱文件夹")
        command.add_argument("--reports", default="reports", help="报告文件夹")
        command.add_argument("--registry", default="data/units.csv", help="单位名录")
        command.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="每个任务处理的文件数")
        command.add_argument(
            "--dask",
            dest="dask_address",
            help=f"Dask 调度器地址，如 tcp://10.0.0.5:8786：读取文件的任务交给该集群（默认 ${DASK_ENV}，未设置则在本机运行）",
        )
    serve_command = commands.choices["serve"]
    serve_command.add_argument("--port", type=int, default=4200, help="本地 Prefect 服务器端口")
    serve_command.add_argument("--reports-port", type=int, default=REPORTS_PORT, help="审核报告的 HTTP 端口（仅本机）")
    serve_command.add_argument("--cron", help=f"运行时间（cron，默认 {DEFAULT_CRON}）")
    serve_command.add_argument("--timezone", help=f"时区（默认 {DEFAULT_TIMEZONE}）")
    commands.add_parser("overdue", help="检查昨夜的审核是否已按时完成，未完成则通知运维人员（供早间定时器调用）")
    args = parser.parse_args(argv)
    try:
        apply_env_file()
        if args.command == "overdue":
            return overdue()
        parameters = {
            "inbox": args.inbox,
            "reports": args.reports,
            "registry": args.registry,
            "batch_size": args.batch_size,
        }
        if args.command == "serve":
            serve_nightly(args.port, args.cron, args.timezone, args.dask_address, args.reports_port, **parameters)
            return 0
        with ExitStack() as api:
            if not PREFECT_API_URL.value():  # no server configured: a temporary one, gone when the run ends
                url = api.enter_context(local_server(temporary=True))
                api.enter_context(temporary_settings({PREFECT_API_URL: url}))
                print(f"已启动 Prefect 临时服务器 {url.removesuffix('/api')}（本次运行结束即关闭）", file=sys.stderr)
            # (Flow.__call__'s overloads miss return_state=True on a flow that may return a State itself)
            state = cast("State[Any]", nightly_flow(args.dask_address)(**parameters, return_state=True))
    except (ServerNotStarted, SettingsError, StoreError) as error:
        print(error, file=sys.stderr)
        return 1
    if state.is_cancelled():
        print(state.message, file=sys.stderr)
        return EXIT_BUSY
    if not state.is_completed():
        failure = _raised(state)
        print(failure if isinstance(failure, NightlyFailure) else state.message, file=sys.stderr)
        return 1
    print("\n".join(state.result()["summary"]))
    return 0


def overdue() -> int:
    """The morning check (a systemd timer after EVALAUDIT_DUE_BY): nights that did not complete are told to the
    operator once, whether or not any run started; exit 1 when one is overdue, so the timer's log shows it."""
    settings = load_settings()
    store = open_store(settings.store_url)
    gap = gap_before(store, settings)
    notice = gap.notice(settings)
    if notice is None:
        print("审核按时完成，无逾期")
        return 0
    print(missed_line(gap.nights), file=sys.stderr)
    print(notify(store, "", notice, settings.operator_email, settings.smtp), file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
