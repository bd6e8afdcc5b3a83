"""`make audit` on a fresh clone: Prefect's state in the project, a temporary server that is given time to start
on a busy machine, and one plain line (not a traceback) when it still does not start."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import INBOX, ROOT

SETTING = "server.ephemeral.startup_timeout_seconds"


def clean_env(**settings: str) -> dict[str, str]:
    """The environment of a fresh shell: none of the caller's Prefect or evalaudit settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "EVALAUDIT_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**env, **settings}


def prefect_setting(name: str, cwd, **settings: str) -> str:
    """What a fresh process that imports the flow module sees for a Prefect setting."""
    code = f"import flows.nightly_audit\nimport prefect.settings\nprint(prefect.settings.{name}.value())"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=clean_env(**settings), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def run_command(tmp_path, **settings: str) -> subprocess.CompletedProcess:
    """Exactly what `make audit` runs, on this test's own store and reports."""
    return subprocess.run(
        [
            sys.executable, "-m", "flows.nightly_audit", "run", "--inbox", str(INBOX),
            "--reports", str(tmp_path / "reports"),
        ],
        cwd=ROOT, env=clean_env(EVALAUDIT_STORE_URL=f"sqlite:///{tmp_path / 'evalaudit.db'}", **settings),
        capture_output=True, text=True,
    )  # fmt: skip


def listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_prefect_state_is_kept_in_the_repository_by_the_project_settings_file(tmp_path):
    assert Path(prefect_setting("PREFECT_HOME", cwd=ROOT)).resolve() == ROOT / ".prefect"
    # someone who chose a home keeps it
    chosen = tmp_path / "mine"
    assert Path(prefect_setting("PREFECT_HOME", cwd=ROOT, PREFECT_HOME=str(chosen))) == chosen
    # from prefect.toml, not from the environment the flow module would set when imported
    code = "import os, flows.nightly_audit; print(sorted(k for k in os.environ if k.startswith('PREFECT_')))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean_env(), capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr


def test_the_project_settings_give_the_temporary_server_more_time_than_prefects_default():
    from prefect.settings.models.server.ephemeral import ServerEphemeralSettings

    configured = tomllib.loads((ROOT / "prefect.toml").read_text(encoding="utf-8"))["server"]["ephemeral"]
    seen = int(prefect_setting("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", cwd=ROOT))
    assert seen == configured["startup_timeout_seconds"]
    assert seen > ServerEphemeralSettings.model_fields["startup_timeout_seconds"].default


def test_a_first_run_on_a_fresh_prefect_home_audits_the_inbox_and_stops_its_server(tmp_path):
    home = tmp_path / "prefect"
    done = run_command(tmp_path, PREFECT_HOME=str(home))
    assert done.returncode == 0, done.stderr
    assert "审核报告：" in done.stdout and "Traceback" not in done.stderr, done.stderr
    assert "Error logging to API" not in done.stderr  # the run's logs reached the server before it stopped
    assert (home / "prefect.db").exists()  # the runs, logs and artifacts are in the chosen home
    [port] = re.findall(r"Prefect 临时服务器 http://127\.0\.0\.1:(\d+)", done.stderr)
    assert not listening(int(port)), "the temporary server outlived the run"


def test_a_server_that_does_not_start_in_time_is_one_line_naming_the_setting(tmp_path):
    # a 0-second allowance: the server can never be ready in time, whatever the machine
    done = run_command(
        tmp_path, PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="0"
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    [line] = [line for line in done.stderr.splitlines() if SETTING in line]
    assert "prefect.toml" in line and "PREFECT_API_URL" in line
    assert done.stdout == ""
    assert not (tmp_path / "evalaudit.db").exists()  # the flow never started
