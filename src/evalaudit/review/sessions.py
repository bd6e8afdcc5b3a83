"""Signed session cookies and CSRF tokens (HMAC-SHA256 with a secret kept beside the store, stdlib only).

A session is `payload.signature`, the payload the reviewer's name, its expiry and the session's CSRF token. A
page served by the review app carries that token; every write must send it back in `X-CSRF-Token` (a cross-site
page cannot read it) and come from the app's own origin."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

SESSION_SECONDS = 12 * 3600


@dataclass(frozen=True)
class Session:
    reviewer: str
    csrf: str
    expires: float


def load_secret(path: Path) -> bytes:
    """The signing secret, created (owner-only) on first use: sessions survive a restart of the app."""
    if path.is_file():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(secret)
    return secret


def new_session(secret: bytes, reviewer: str, now: float | None = None) -> tuple[str, Session]:
    session = Session(reviewer, secrets.token_urlsafe(24), (now or time.time()) + SESSION_SECONDS)
    payload = base64.urlsafe_b64encode(
        json.dumps({"r": session.reviewer, "c": session.csrf, "e": session.expires}, ensure_ascii=False).encode()
    ).decode("ascii")
    return f"{payload}.{_sign(secret, payload)}", session


def read_session(secret: bytes, cookie: str | None, now: float | None = None) -> Session | None:
    """The session a cookie carries, or None when it is missing, forged or expired."""
    if not cookie or "." not in cookie:
        return None
    payload, _, signature = cookie.rpartition(".")
    if not hmac.compare_digest(signature, _sign(secret, payload)):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
        session = Session(str(data["r"]), str(data["c"]), float(data["e"]))
    except (ValueError, KeyError, TypeError):
        return None
    return session if session.expires > (now or time.time()) else None


def local_csrf(secret: bytes) -> str:
    """The CSRF token of the loopback app without accounts (no session: one token per secret)."""
    return _sign(secret, "local")


def _sign(secret: bytes, payload: str) -> str:
    return hmac.new(secret, payload.encode("utf-8"), hashlib.sha256).hexdigest()
