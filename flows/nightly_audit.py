"""The `nightly-audit` Prefect flow: discover → parse → check → store → report → alert.

Thin wiring over `evalaudit.nightly`: the tasks take batches of files, the I/O tasks retry, every step logs
what it did, and each run leaves three artifacts (summary, units with errors, link to the report).

    python -m flows.nightly_audit run     # once, on data/inbox, without a server (`make audit`)
    python -m flows.nightly_audit serve   # local Prefect server + cron deployment (`make serve`)

With `--dask tcp://host:8786` (or $EVALAUDIT_DASK_ADDRESS) the parse batches run on that Dask cluster's workers
(`DaskTaskRunner`); every other task runs in the flow's own process, where the store is.
"""

from __future__ import annotations

import os

# The temporary API server of a one-off run must not race its own telemetry writes on SQLite.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# Prefect's state (database of runs, logs, artifacts) belongs to this project, not to ~/.prefect; set before
# `prefect` is imported, which reads it once. Relative to the repository, so any working directory gets the same.
os.environ.setdefault(
    "PREFECT_HOME", os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".prefect")
)

import argparse  # noqa: E402
import ctypes  # noqa: E402
import functools  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from collections.abc import Iterator, Sequence  # noqa: E402
from contextlib import ExitStack, contextmanager  # noqa: E402
from pathlib import Path  # noqa: E402

import cloudpickle  # noqa: E402
from prefect import Flow, flow, get_run_logger, serve, task, unmapped  # noqa: E402
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.context import FlowRunContext  # noqa: E402
from prefect.deployments.runner import RunnerDeployment  # noqa: E402
from prefect.events.worker import EventsWorker  # noqa: E402
from prefect.logging.handlers import APILogWorker  # noqa: E402
from prefect.schedules import Cron  # noqa: E402
from prefect.settings import (  # noqa: E402
    PREFECT_API_URL,
    PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
    temporary_settings,
)
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner  # noqa: E402
from prefect.utilities.annotations import quote  # noqa: E402

from evalaudit.alert.deliver import SmtpSettings  # noqa: E402
from evalaudit.inbox import AUDITED, CHECK_FAILED, SubmittedFile  # noqa: E402
from evalaudit.nightly import (  # noqa: E402
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
    summary_lines,
    units_with_errors,
)
from evalaudit.pipeline import FileOutcome, new_run_id, parse_many, read_ahead, submitted_files  # noqa: E402
from evalaudit.store import Store, open_store  # noqa: E402
from evalaudit.timing import Stopwatch  # noqa: E402
from evalaudit.workers import (  # noqa: E402
    apply_settings,
    reading_settings,
    release,
)

# Tasks sent to a Dask cluster travel by value, whatever this module is called here: a served run loads this file
# by path as a module named `nightly_audit` that no scheduler or worker could import (they need only evalaudit).
cloudpickle.register_pickle_by_value(sys.modules[__name__])

FLOW_NAME = "nightly-audit"
DEPLOYMENT_NAME = "nightly"
DEFAULT_CRON = "0 2 * * *"
DEFAULT_TIMEZONE = "Asia/Shanghai"
BATCH_SIZE = 200
DASK_ENV = "EVALAUDIT_DASK_ADDRESS"
IO = {"retries": 2, "retry_delay_seconds": 5, "cache_policy": NO_CACHE}


@task(name="start-run", **IO)
def start_run(store: Store, run_id: str, inbox: str) -> None:
    stale = store.begin_run(run_id, inbox)
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


@task(name="report", **IO)
def report(store: Store, run_id: str, reports: str, keep: int) -> Published:
    published = publish_run(store, run_id, Path(reports), keep)
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
def alert_units(store: Store, run_id: str, published: Published, registry: str) -> AlertResult:
    result = alert(store, run_id, published, Path(registry), SmtpSettings.from_env())
    logger = get_run_logger()
    logger.info("提醒邮件：本次生成 %d 封，已发送 %d 封", result.queued, result.delivery.sent)
    if result.delivery.queued:
        logger.warning("排队待发 %d 封：%s", result.delivery.queued, result.delivery.error)
    if result.delivery.failed:
        logger.error("无法发送 %d 封（已标记为失败，原因见发件箱）：%s", result.delivery.failed, result.delivery.error)
    if result.registry_problem:
        logger.warning("单位名录有问题：%s", result.registry_problem)
    return result


def task_runner(dask_address: str | None = None) -> TaskRunner:
    """`DaskTaskRunner` on the cluster at `dask_address`, else $EVALAUDIT_DASK_ADDRESS; with neither, Prefect's
    default threads (each batch then parsed on every core of this machine)."""
    address = dask_address or os.environ.get(DASK_ENV, "").strip()
    if not address:
        return ThreadPoolTaskRunner()
    from prefect_dask import DaskTaskRunner  # imports dask.distributed: only when a cluster is asked for

    return DaskTaskRunner(address=address)


# The runner is read from the environment when this module loads: a served run's process loads the flow afresh
# from this file (its deployment's entrypoint), with the environment `serve_nightly` leaves it.
@flow(
    name=FLOW_NAME,
    description="每晚审核收件箱中新提交的绩效自评表，保存结果，发布审核报告并提醒有错误的单位",
    task_runner=task_runner(),
)
def nightly_audit(
    inbox: str = "data/inbox",
    store_url: str | None = None,
    reports: str = "reports",
    registry: str = "data/units.csv",
    batch_size: int = BATCH_SIZE,
    keep_reports: int = KEEP_REPORTS,
) -> dict:
    """One nightly run. `store_url` defaults to $EVALAUDIT_STORE_URL, then the SQLite file data/evalaudit.db."""
    store = open_store(store_url or os.environ.get("EVALAUDIT_STORE_URL"))
    run_id = new_run_id()
    start_run(store, run_id, inbox)
    watch = Stopwatch()
    try:
        watch.start("discover")
        todo = discover(store, run_id, inbox)
        watch.start("parse")
        elsewhere = _tasks_elsewhere()
        if not elsewhere:
            read_slow_files(quote(todo))
        settings = unmapped(reading_settings() if elsewhere else None)
        outcomes = [outcome for part in parse.map(batches(todo, batch_size), settings).result() for outcome in part]
        release()
        watch.start("check")
        # quote(): big inputs are passed as they are; Prefect would otherwise walk every finding looking for futures
        checked = check(store, run_id, quote(outcomes))
        watch.start("store")
        for batch in batches(checked.outcomes, batch_size):
            store_batch(store, run_id, quote(checked), quote(batch))
        watch.start("report")
        published = report(store, run_id, reports, keep_reports)
        watch.start("alert")
        alerts = alert_units(store, run_id, quote(published), registry)
    except BaseException as error:
        line = failure_line(watch.current, error)
        get_run_logger().error(line)
        try:
            store.finish_run(run_id, "failed", error=f"{line}（{type(error).__name__}: {error}）")
        except Exception:  # noqa: BLE001 - the store may be what failed; the error above is the one to raise
            pass
        if isinstance(error, Exception):
            raise NightlyFailure(line) from error
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
    lines = summary_lines(store.run(run_id), published, alerts)
    _artifacts(run_id, lines, published)
    watch.write_if_asked()
    return {"run_id": run_id, "report": str(published.report), "summary": lines}


def _tasks_elsewhere() -> bool:
    """Whether the run's submitted tasks (the parse batches) go to other processes (the Dask runner), not to
    Prefect's default threads here."""
    context = FlowRunContext.get()
    return context is not None and not isinstance(context.task_runner, ThreadPoolTaskRunner)


def nightly_flow(dask_address: str | None = None) -> Flow:
    """The nightly flow with its parse batches on the Dask cluster at `dask_address`; without one, as loaded
    (on $EVALAUDIT_DASK_ADDRESS's cluster when it was set, else here)."""
    return nightly_audit.with_options(task_runner=task_runner(dask_address)) if dask_address else nightly_audit


def _artifacts(run_id: str, lines: list[str], published: Published) -> None:
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
        published.report.resolve().as_uri(),
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
    schedule = Cron(
        cron or os.environ.get("EVALAUDIT_CRON") or DEFAULT_CRON,
        timezone=timezone or os.environ.get("EVALAUDIT_TIMEZONE") or DEFAULT_TIMEZONE,
    )
    return nightly_flow(dask_address).to_deployment(
        name=DEPLOYMENT_NAME,
        schedule=schedule,
        parameters={key: value for key, value in parameters.items() if value is not None},
        description="每晚审核新提交的绩效自评表",
        tags=["evalaudit"],
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


def serve_nightly(
    port: int, cron: str | None, timezone: str | None, dask_address: str | None = None, **parameters
) -> None:
    """`make serve`: use the configured API (PREFECT_API_URL) when set, else start a local server; serve until
    stopped."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop cleanly, taking the server down too
    if dask_address:  # each run's process loads the flow from its file, and its task runner from here
        os.environ[DASK_ENV] = dask_address
    if PREFECT_API_URL.value():
        serve(deployment(cron, timezone, dask_address, **parameters))
        return
    with local_server(port) as url:
        os.environ["PREFECT_API_URL"] = url
        print(f"Prefect 服务器：{url.removesuffix('/api')}（界面），按 Ctrl+C 停止", flush=True)
        with temporary_settings({PREFECT_API_URL: url}):
            serve(deployment(cron, timezone, dask_address, **parameters))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.nightly_audit", description="绩效自评表每晚审核")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("run", "立即运行一次（不需要服务器）"),
        ("serve", "启动本地 Prefect 服务器并按计划每晚运行"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--inbox", default="data/inbox", help="收件箱文件夹")
        command.add_argument("--store", dest="store_url", help="数据库 URL（默认 sqlite:///data/evalaudit.db）")
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
    serve_command.add_argument("--cron", help=f"运行时间（cron，默认 {DEFAULT_CRON}）")
    serve_command.add_argument("--timezone", help=f"时区（默认 {DEFAULT_TIMEZONE}）")
    args = parser.parse_args(argv)
    parameters = {
        "inbox": args.inbox,
        "store_url": args.store_url,
        "reports": args.reports,
        "registry": args.registry,
        "batch_size": args.batch_size,
    }
    try:
        if args.command == "serve":
            serve_nightly(args.port, args.cron, args.timezone, args.dask_address, **parameters)
            return 0
        with ExitStack() as api:
            if not PREFECT_API_URL.value():  # no server configured: a temporary one, gone when the run ends
                url = api.enter_context(local_server(temporary=True))
                api.enter_context(temporary_settings({PREFECT_API_URL: url}))
                print(f"已启动 Prefect 临时服务器 {url.removesuffix('/api')}（本次运行结束即关闭）", file=sys.stderr)
            result = nightly_flow(args.dask_address)(**parameters)
    except (ServerNotStarted, NightlyFailure) as error:
        print(error, file=sys.stderr)
        return 1
    print("\n".join(result["summary"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
