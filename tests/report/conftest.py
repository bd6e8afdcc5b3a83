"""The seed audit's report, published once for the report tests."""

from __future__ import annotations

import pytest

from evalaudit.pipeline import audit
from evalaudit.report import publish


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory, seeds_dir):
    out = tmp_path_factory.mktemp("report")
    run = audit(sorted(seeds_dir.glob("*.txt")))
    publish(run.snapshot(), out)
    return run, out
