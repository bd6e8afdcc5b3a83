"""Real flow runs: Prefect's test harness (a temporary API server), a real SQLite file per test, the
bundled sample inbox and registry."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.conftest import INBOX, ROOT

# as flows/nightly_audit.py does, before anything imports prefect: the temporary API server must not race its own
# telemetry writes on SQLite, and Prefect's state stays in the project
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))
# the flow module reads its task runner when imported: these tests choose theirs (test_scale_out.py)
os.environ.pop("EVALAUDIT_DASK_ADDRESS", None)


@pytest.fixture(scope="session")
def prefect_api():
    from prefect.testing.utilities import prefect_test_harness

    # None: as long as the project's prefect.toml allows (the tests run from the repository root)
    with prefect_test_harness(server_startup_timeout=None):
        yield


@pytest.fixture
def nightly(prefect_api, tmp_path, monkeypatch):
    """Run the nightly flow on this test's own inbox, store and reports; SMTP settings from the environment."""
    from flows.nightly_audit import nightly_audit

    for name in [name for name in os.environ if name.startswith("EVALAUDIT_") and name != "EVALAUDIT_CACHE_DIR"]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("EVALAUDIT_ENV_FILE", os.devnull)  # never the checkout's own .env
    monkeypatch.setenv("EVALAUDIT_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("EVALAUDIT_DECISIONS_DIR", str(tmp_path / "decisions"))  # never the checkout's own
    inbox = tmp_path / "inbox"
    shutil.copytree(INBOX, inbox)
    url = f"sqlite:///{tmp_path / 'evalaudit.db'}"

    def run(store_url: str | None = None, **options):
        """The store is a setting (the environment), never a flow parameter."""
        monkeypatch.setenv("EVALAUDIT_STORE_URL", store_url or url)
        settings = {
            "inbox": str(inbox),
            "reports": str(tmp_path / "reports"),
            "registry": str(ROOT / "data" / "units.csv"),
        }
        return nightly_audit(**{**settings, **options})

    run.inbox, run.url, run.reports, run.decisions = inbox, url, tmp_path / "reports", tmp_path / "decisions"
    run.registry = str(ROOT / "data" / "units.csv")
    return run
