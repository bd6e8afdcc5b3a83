"""`evalaudit review`: the review app on this machine; `evalaudit reviewer add NAME`: a reviewer's account."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from evalaudit.review.accounts import add_account, load_accounts
from evalaudit.review.app import ReviewConfig, create_app
from evalaudit.review.sessions import load_secret
from evalaudit.settings import apply_env_file, load_settings
from evalaudit.store import open_store

DEFAULT_PORT = 4300


def reviewers_file() -> Path:
    return Path(os.environ.get("EVALAUDIT_REVIEWERS_FILE", "").strip() or "data/reviewers.txt")


def review_config(reports: Path, host: str) -> ReviewConfig:
    apply_env_file()
    settings = load_settings()
    secret = load_secret(Path(os.environ.get("EVALAUDIT_REVIEW_SECRET_FILE", "").strip() or "data/review-secret"))
    logs = Path(os.environ.get("EVALAUDIT_LOG_DIR", "").strip() or "logs")
    return ReviewConfig(reports, open_store(settings.store_url), load_accounts(reviewers_file()), secret, host,
                        logs / "review-audit.log")  # fmt: skip


def serve(reports: Path, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> int:
    import uvicorn

    app = create_app(review_config(reports, host))  # refuses a non-loopback host without accounts
    print(f"审核页面：http://{host}:{port}/（Ctrl+C 停止）")
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0


def add_reviewer(name: str, password: str | None = None) -> int:
    password = password if password is not None else getpass.getpass(f"{name} 的口令（至少 8 个字符）：")
    add_account(reviewers_file(), name, password)
    print(f"已保存审核人员账户：{name}（{reviewers_file()}）")
    return 0
