"""The operator's settings in one place: the environment, and a `.env` file for whatever it does not set.

Secrets (the store URL with its password, the SMTP password) come from here and nowhere else: never from a
flow parameter, which Prefect keeps in the deployment and in every run record, shown in its UI and API; and
never in a repr, a log line or a report. Readers' limits (`EVALAUDIT_MAX_*`, see `ingest/settings.py`) live
in the same file and are read where they are used.

    EVALAUDIT_ENV_FILE        the settings file (default `.env` in the working directory; see `.env.example`)
    EVALAUDIT_STORE_URL       the store (default sqlite:///data/evalaudit.db); may hold a password
    EVALAUDIT_OPERATOR_EMAIL  who is told when a night fails, never ran, or recovered
    EVALAUDIT_DUE_BY          by when (HH:MM, EVALAUDIT_TIMEZONE) a night's run should have completed
    EVALAUDIT_REPORTS_URL     where reviewers open the reports folder (http://…/), for links in the Prefect UI
    EVALAUDIT_REPORTS_SHARE   the reports folder as the bureau opens it from a network share (\\\\server\\审核报告)
    EVALAUDIT_LEASE_WAIT      seconds a run waits for another run to finish before it gives up (default 0)
    EVALAUDIT_RESUBMIT_DAYS   days after the run by which a unit resubmits (its email names the date)
    EVALAUDIT_RESUBMIT_BY     or that date itself (YYYY-MM-DD); it wins over EVALAUDIT_RESUBMIT_DAYS
    EVALAUDIT_BUREAU_CONTACT  whom a unit asks about its email (name and phone)
    EVALAUDIT_RESUBMIT_CHANNEL  where a unit resubmits (an upload address, a mailbox, an office)
    EVALAUDIT_DECISIONS_DIR   where reviewers drop filled-in findings.xlsx workbooks (default data/decisions)
    EVALAUDIT_REVIEWERS_FILE, EVALAUDIT_REVIEW_SECRET_FILE  the review app's accounts and signing secret
    EVALAUDIT_CRON, EVALAUDIT_TIMEZONE, EVALAUDIT_DASK_ADDRESS, EVALAUDIT_SMTP_*  (see the README)
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from evalaudit.alert.deliver import SmtpSettings

ENV_FILE = "EVALAUDIT_ENV_FILE"
DEFAULT_ENV_FILE = ".env"
DEFAULT_CRON = "0 2 * * *"
DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_DUE_BY = "07:00"
SECRET_KEYS = ("EVALAUDIT_STORE_URL", "EVALAUDIT_SMTP_PASSWORD")  # never shown; the URL's password masked

_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


class SettingsError(ValueError):
    """A setting the operator must correct; the message is one Chinese line naming it."""


def read_env_file(path: Path) -> dict[str, str]:
    """`KEY=value` lines; `#` comments, blank lines, `export ` and matching quotes around a value allowed."""
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise SettingsError(f"设置文件 {path} 第 {number} 行应为“名称=值”")
        key, value = match.groups()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key] = value
    return values


def apply_env_file(environ: MutableMapping[str, str] | None = None) -> Path | None:
    """Put the settings file's values into the environment under what it already sets (the environment wins,
    so a one-off `EVALAUDIT_X=… make audit` still works); returns the file read, if any. Called where a run
    starts, so the readers, the workers it starts and a served run's process all see the same settings."""
    environ = os.environ if environ is None else environ
    named = environ.get(ENV_FILE, "").strip()
    path = Path(named or DEFAULT_ENV_FILE)
    if not path.exists():  # (os.devnull names an empty file: no settings)
        if named:
            raise SettingsError(f"找不到设置文件 {path}（{ENV_FILE}）")
        return None
    for key, value in read_env_file(path).items():
        if value and not environ.get(key):  # an empty line (`EVALAUDIT_SMTP_HOST=`) leaves the setting unset
            environ[key] = value
    return path


@dataclass(frozen=True)
class UnitTerms:
    """What every unit's email says besides its findings: by when to resubmit, where, and whom to ask."""

    resubmit_days: int | None = None  # EVALAUDIT_RESUBMIT_DAYS: days after the run
    resubmit_by: date | None = None  # EVALAUDIT_RESUBMIT_BY: a fixed date (wins over the days)
    contact: str = ""  # EVALAUDIT_BUREAU_CONTACT: name and phone
    channel: str = ""  # EVALAUDIT_RESUBMIT_CHANNEL: where to resubmit

    def deadline(self, today: date) -> date | None:
        """The date a unit emailed `today` must resubmit by; None when no deadline is set."""
        if self.resubmit_by is not None:
            return self.resubmit_by
        if self.resubmit_days is not None:
            return today + timedelta(days=self.resubmit_days)
        return None


@dataclass(frozen=True)
class Settings:
    store_url: str | None = field(default=None, repr=False)
    operator_email: str = ""
    due_by: time = time(7, 0)
    timezone: str = DEFAULT_TIMEZONE
    cron: str = DEFAULT_CRON
    dask_address: str = ""
    reports_url: str = ""
    reports_share: str = ""
    decisions_dir: Path = Path("data/decisions")
    lease_wait: float = 0.0
    smtp: SmtpSettings | None = None
    terms: UnitTerms = field(default_factory=UnitTerms)

    @property
    def store_label(self) -> str:
        """The store as a log line may name it: the URL with its password masked."""
        return masked_url(self.store_url)


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings from the environment (after `apply_env_file`); a malformed value raises `SettingsError`."""
    env = os.environ if environ is None else environ

    def value(name: str, default: str = "") -> str:
        return env.get(name, "").strip() or default

    try:
        smtp = SmtpSettings.from_env(env)
    except ValueError as error:
        raise SettingsError(str(error)) from None
    return Settings(
        store_url=value("EVALAUDIT_STORE_URL") or None,
        operator_email=value("EVALAUDIT_OPERATOR_EMAIL"),
        due_by=_clock(value("EVALAUDIT_DUE_BY", DEFAULT_DUE_BY)),
        timezone=value("EVALAUDIT_TIMEZONE", DEFAULT_TIMEZONE),
        cron=value("EVALAUDIT_CRON", DEFAULT_CRON),
        dask_address=value("EVALAUDIT_DASK_ADDRESS"),
        reports_url=value("EVALAUDIT_REPORTS_URL"),
        reports_share=value("EVALAUDIT_REPORTS_SHARE"),
        decisions_dir=Path(value("EVALAUDIT_DECISIONS_DIR", "data/decisions")),
        lease_wait=_seconds(value("EVALAUDIT_LEASE_WAIT", "0")),
        smtp=smtp,
        terms=UnitTerms(
            resubmit_days=_days(value("EVALAUDIT_RESUBMIT_DAYS")),
            resubmit_by=_date(value("EVALAUDIT_RESUBMIT_BY")),
            contact=value("EVALAUDIT_BUREAU_CONTACT"),
            channel=value("EVALAUDIT_RESUBMIT_CHANNEL"),
        ),
    )


def masked_url(url: str | None) -> str:
    if not url:
        return "sqlite:///data/evalaudit.db"
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a URL SQLAlchemy cannot parse is shown as nothing rather than leaked
        return "（无法解析的数据库 URL）"


def secret_values(environ: Mapping[str, str] | None = None) -> list[str]:
    """The secrets this environment holds: what must appear in no log, parameter, artifact or report."""
    env = os.environ if environ is None else environ
    found = [env.get(key, "") for key in SECRET_KEYS]
    url = env.get("EVALAUDIT_STORE_URL", "")
    if url:
        try:
            found.append(make_url(url).password or "")
        except Exception:  # noqa: BLE001
            pass
    return [secret for secret in found if secret]


def _clock(text: str) -> time:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise SettingsError(f"EVALAUDIT_DUE_BY 应为“时:分”（如 07:00），而不是“{text}”")
    return time(int(match[1]), int(match[2]))


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1
    if seconds < 0:
        raise SettingsError(f"EVALAUDIT_LEASE_WAIT 应为秒数（0 表示不等待），而不是“{text}”")
    return seconds


def _days(text: str) -> int | None:
    if not text:
        return None
    if not re.fullmatch(r"\d{1,3}", text) or int(text) < 1:
        raise SettingsError(f"EVALAUDIT_RESUBMIT_DAYS 应为天数（如 10：审核后 10 天内重新提交），而不是“{text}”")
    return int(text)


def _date(text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        raise SettingsError(f"EVALAUDIT_RESUBMIT_BY 应为日期（如 2026-12-31），而不是“{text}”") from None
