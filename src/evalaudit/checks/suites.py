"""Run the expectation suites: one GX validation per suite over every evaluation of a run (of a slice of
5,000 forms, on a larger night: `pipeline.check_isolated`).

Suites live in `expectations/<frame>.json` (GX Core 1.x ExpectationSuite JSON). Each expectation's `meta`
says what a failing row means: check_id, category, severity, and the Chinese templates for the finding.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evalaudit.checks.causes import SCOPES, rules
from evalaudit.model import AUDIENCES

SUITES_DIR = Path(os.environ.get("EVALAUDIT_EXPECTATIONS", Path(__file__).resolve().parents[3] / "expectations"))
ROW_KEY = "frame_row"  # positional key added to every frame, returned for each failing row
REQUIRED_META = ("check_id", "name", "category", "severity", "audience", "location", "message")
# `meta.precision`: which of the form's numbers an expected value is written like (the evaluations frame's column
# with their most decimals); points (weights, scores, totals) unless the meta says amounts
PRECISION_COLUMNS = {"points": "shown_decimals", "amounts": "amount_decimals"}
# GX's own `severity` of an expectation, in step with the project's (`meta.severity`, what a finding says)
GX_SEVERITY = {"error": "critical", "warning": "warning", "info": "info"}
RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "unexpected_index_column_names": [ROW_KEY],
    "return_unexpected_index_query": False,
}


class SuiteError(RuntimeError):
    """A suite that cannot be run as written: a rule that errors must never pass silently."""


@dataclass
class Failure:
    """The rows of one frame that failed one expectation."""

    frame: str
    meta: dict
    rows: list[int]  # positions in the frame


def load_suites(directory: Path = SUITES_DIR) -> dict[str, dict]:
    """Suite JSON by frame name (the file stem). Every expectation must say what its failure means."""
    suites = {}
    for path in sorted(directory.glob("*.json")):
        suite = json.loads(path.read_text(encoding="utf-8"))
        for expectation in suite.get("expectations", []):
            missing = [key for key in REQUIRED_META if key not in expectation.get("meta", {})]
            if missing:
                raise SuiteError(f"{path.name}: {expectation.get('type')} lacks meta {', '.join(missing)}")
            _check_rules(path.name, expectation["meta"])
            ours = expectation["meta"]["severity"]
            if ours not in GX_SEVERITY:
                raise SuiteError(f"{path.name}: {expectation['meta']['check_id']} has severity {ours!r}")
            if expectation.setdefault("severity", GX_SEVERITY[ours]) != GX_SEVERITY[ours]:
                raise SuiteError(
                    f"{path.name}: {expectation['meta']['check_id']} says severity {expectation['severity']!r} to GX "
                    f"but {ours!r} in its meta"
                )
        suites[path.stem] = suite
    if not suites:
        raise SuiteError(f"no expectation suites in {directory}")
    return suites


def _check_rules(name: str, meta: dict) -> None:
    """Audience and cause rules (`checks.causes`) must say something the code understands."""
    if meta["audience"] not in AUDIENCES:
        raise SuiteError(f"{name}: {meta['check_id']} has audience {meta['audience']!r}")
    causes = meta.get("consequence_of", [])
    if not isinstance(causes, list) or not all(
        isinstance(cause, str)
        or (isinstance(cause, dict) and isinstance(cause.get("check"), str) and set(cause) <= {"check", "scope", "if"})
        for cause in causes
    ):
        raise SuiteError(
            f"{name}: {meta['check_id']} consequence_of must list check ids or {{check, scope, if}} objects"
        )
    if meta.get("precision", "points") not in PRECISION_COLUMNS:
        raise SuiteError(f"{name}: {meta['check_id']} has precision {meta['precision']!r}")
    for _, scope, _ in rules(meta):
        if scope not in SCOPES:
            raise SuiteError(f"{name}: {meta['check_id']} has consequence_scope {scope!r}")


class SuiteRunner:
    """An ephemeral GX context with one pandas asset per suite; `run` validates each frame once."""

    def __init__(self, suites: dict[str, dict]):
        # Great Expectations is imported when a validation first runs (3 s of CPU): a night with nothing new to
        # check, and the parsing pool's workers, never pay for it.
        import great_expectations as gx
        from great_expectations.core.expectation_suite import ExpectationSuite
        from great_expectations.data_context.types.base import ProgressBarsConfig

        import evalaudit.checks.expectations  # noqa: F401  (registers the custom expectations)

        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        source = self.context.data_sources.add_pandas("evalaudit")
        self.suites = {}
        self.batches = {}
        for name, suite_json in suites.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                self.suites[name] = ExpectationSuite(**suite_json)
            self.batches[name] = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)

    def run(self, frames: dict[str, pd.DataFrame]) -> list[Failure]:
        failures: list[Failure] = []
        for name, suite in self.suites.items():
            if name not in frames:
                raise SuiteError(f"suite {name}.json has no frame named {name}")
            frame = frames[name]
            if frame.empty:
                continue
            frame = frame.assign(**{ROW_KEY: range(len(frame))}).reset_index(drop=True)
            batch = self.batches[name].get_batch(batch_parameters={"dataframe": frame})
            result = batch.validate(suite, result_format=RESULT_FORMAT)
            failures.extend(_failures(name, result))
        return failures


def validate(frames: dict[str, pd.DataFrame], suites: dict[str, dict]) -> list[Failure]:
    """Validate each frame against its suite in one batch; return every failing row of every expectation."""
    return SuiteRunner(suites).run(frames)


def _failures(name: str, result) -> list[Failure]:
    found = []
    for outcome in result.results:
        meta = outcome.expectation_config.meta or {}
        error = _exception_message(outcome.exception_info)
        if error:
            raise SuiteError(f"{name}.json {meta.get('check_id')}: {error}")
        if outcome.success:
            continue
        rows = [int(entry[ROW_KEY]) for entry in outcome.result.get("unexpected_index_list") or []]
        logging.getLogger(__name__).debug("%s %s: %d rows", name, meta.get("check_id"), len(rows))
        found.append(Failure(frame=name, meta=meta, rows=rows))
    return found


def _exception_message(info: dict | None) -> str | None:
    """GX reports an exception either directly or keyed by the metric that raised it."""
    if not info:
        return None
    entries = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    for entry in entries:
        if entry.get("raised_exception"):
            return entry.get("exception_message") or "unknown error"
    return None
