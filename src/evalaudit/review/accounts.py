"""Reviewers' accounts: one line per reviewer in a file the operator keeps (`EVALAUDIT_REVIEWERS_FILE`),
`name:pbkdf2_sha256$iterations$salt$hash`. Passwords are never stored, only their PBKDF2 hashes (stdlib, no
extra dependency); `evalaudit reviewer add NAME` writes a line."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from pathlib import Path

ITERATIONS = 240_000
_SCHEME = "pbkdf2_sha256"


class AccountError(ValueError):
    """The accounts file cannot be used as it is (Chinese: the operator reads it)."""


def hash_password(password: str, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{_SCHEME}${iterations}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, digest = stored.split("$")
        if scheme != _SCHEME:
            return False
        again = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), _unb64(salt), int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(again, _unb64(digest))


def load_accounts(path: Path | None) -> dict[str, str]:
    """Name → password hash; {} when there is no file. A malformed line is an AccountError naming it."""
    if path is None or not path.is_file():
        return {}
    accounts = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, stored = line.rpartition(":")
        if not name.strip() or not stored.startswith(_SCHEME + "$"):
            raise AccountError(
                f"审核人员账户文件 {path} 第{number}行无法识别（应为“姓名:口令散列”，请用 evalaudit reviewer add 生成）"
            )
        accounts[name.strip()] = stored
    return accounts


def add_account(path: Path, name: str, password: str) -> None:
    """Add or replace `name`'s line; the file is readable by its owner only."""
    if not name.strip() or ":" in name:
        raise AccountError("姓名不能为空，也不能含冒号")
    if len(password) < 8:
        raise AccountError("口令至少 8 个字符")
    accounts = load_accounts(path)
    accounts[name.strip()] = hash_password(password)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(f"{who}:{stored}\n" for who, stored in accounts.items())
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
