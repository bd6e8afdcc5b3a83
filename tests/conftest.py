from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Conversions and OCR are cached by content (ingest/cache.py): the tests start from an empty cache of their own,
# never the user's, and every process they start (flow runs, the CLI) shares it.
os.environ["EVALAUDIT_CACHE_DIR"] = tempfile.mkdtemp(prefix="evalaudit-test-cache-")

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
INBOX = ROOT / "data" / "inbox"
# the samples written as text, one per text layout (the others are those forms' formats: tests/samples/formats.py)
TEXT_SAMPLES = sorted(path for path in INBOX.iterdir() if path.suffix in {".txt", ".md", ".html"})
# what the nightly job sees in data/inbox: every file, the zip's one form instead of the zip; one form each
SUBMISSIONS = sorted(
    [path.name for path in INBOX.iterdir() if path.suffix != ".zip"]
    + ["13_sports_bundle.zip/体育中心/全民健身设施建设项目自评表.xls"]
)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.fail(f"real seed submissions are expected at {SEEDS}")
    return SEEDS


@pytest.fixture
def mailbox():
    """A real SMTP server on a free localhost port; stopped at the end of the test."""
    from tests.smtp import Mailbox

    box = Mailbox().start()
    yield box
    box.stop()


@pytest.fixture
def mailbox_down():
    """An SMTP address where nothing listens yet; `.start()` brings the server up on it."""
    from tests.smtp import Mailbox

    box = Mailbox()
    yield box
    box.stop()


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL for the session (`tests/postgres.py`), started on first use."""
    from tests.postgres import start_postgres

    server = start_postgres()
    if server is None:
        pytest.skip("PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin): make postgres-deps")
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A fresh, empty database of the session's server, as a SQLAlchemy URL."""
    return postgres_server.database()
