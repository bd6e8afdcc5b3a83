"""The review app: the latest report, served with buttons that write reviewers' decisions to the store.

A small Starlette (ASGI) app, run by uvicorn (`evalaudit review`, `make review`). It serves `reports/latest`
as it is, with one script added to each page (`review.js`: 确认 / 不是问题 / 待定 on every finding, 通过 / 退回
on every form); the static report keeps working offline without it. Reviewers log in with an account from the
accounts file; bound to loopback with no accounts file, the app is one reviewer's (the machine's user) and
needs no login; bound to anything else it refuses to start without accounts. Every write carries the page's
CSRF token and comes from the app's own origin; every login and decision is a line of the audit log (and the
decisions themselves are kept for good in the store).
"""

from __future__ import annotations

import getpass
import ipaddress
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from urllib.parse import parse_qs, quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from evalaudit.decisions import Decision, DecisionError, form_decision_key
from evalaudit.review.accounts import verify_password
from evalaudit.review.sessions import Session, local_csrf, new_session, read_session
from evalaudit.store import Store

COOKIE = "evalaudit_review"
_HERE = Path(__file__).parent


class ReviewSetupError(ValueError):
    """The app cannot start as configured (Chinese: the operator reads it)."""


@dataclass
class ReviewConfig:
    reports: Path  # the reports folder: its `latest` is served
    store: Store
    accounts: dict[str, str]  # name → password hash (`review.accounts`)
    secret: bytes
    host: str
    audit_log: Path

    @property
    def local(self) -> bool:
        """One reviewer on this machine: no accounts, loopback only."""
        return not self.accounts


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def create_app(config: ReviewConfig) -> Starlette:
    if config.local and not is_loopback(config.host):
        raise ReviewSetupError(
            f"审核页面绑定在 {config.host}（非本机地址）时必须设置审核人员账户（EVALAUDIT_REVIEWERS_FILE），"
            "请先用 evalaudit reviewer add 姓名 建立账户"
        )
    local_reviewer = f"本机（{getpass.getuser()}）"

    def session_of(request: Request) -> Session | None:
        if config.local:
            return Session(local_reviewer, local_csrf(config.secret), float("inf"))
        return read_session(config.secret, request.cookies.get(COOKIE))

    def audit(request: Request, action: str, **fields: object) -> None:
        config.audit_log.parent.mkdir(parents=True, exist_ok=True)
        line = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "action": action,
                "client": request.client.host if request.client else "", **fields}  # fmt: skip
        with config.audit_log.open("a", encoding="utf-8") as log:
            log.write(json.dumps(line, ensure_ascii=False) + "\n")

    def refused(request: Request, session: Session | None) -> Response | None:
        """Why a write is refused (no session, no or a wrong CSRF token, another site's page), or None."""
        if session is None:
            return JSONResponse({"error": "请先登录"}, status_code=401)
        origin = request.headers.get("origin")
        own = f"{request.url.scheme}://{request.headers.get('host', '')}"
        if (origin and origin != own) or request.headers.get("sec-fetch-site") == "cross-site":
            audit(request, "refused", reviewer=session.reviewer, reason="cross-site", origin=origin or "")
            return JSONResponse({"error": "拒绝来自其他网站的请求"}, status_code=403)
        if request.headers.get("x-csrf-token") != session.csrf:
            audit(request, "refused", reviewer=session.reviewer, reason="csrf")
            return JSONResponse({"error": "页面已过期，请刷新后重试"}, status_code=403)
        return None

    def login_page(request: Request) -> Response:
        return HTMLResponse(_login_html(request.query_params.get("next", "/"), ""))

    async def login(request: Request) -> Response:
        form = parse_qs((await request.body()).decode("utf-8"))
        name = (form.get("name") or [""])[0].strip()
        password = (form.get("password") or [""])[0]
        target = (form.get("next") or ["/"])[0]
        target = target if target.startswith("/") and not target.startswith("//") else "/"
        stored = config.accounts.get(name)
        if stored is None or not verify_password(password, stored):
            audit(request, "login_failed", reviewer=name)
            return HTMLResponse(_login_html(target, "姓名或口令不正确"), status_code=401)
        cookie, _ = new_session(config.secret, name)
        audit(request, "login", reviewer=name)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(COOKIE, cookie, httponly=True, samesite="strict", path="/")
        return response

    def logout(request: Request) -> Response:
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    def home(request: Request) -> Response:
        return RedirectResponse("/report/index.html", status_code=303)

    def report(request: Request) -> Response:
        session = session_of(request)
        if session is None:
            return RedirectResponse("/login?next=" + quote(request.url.path), status_code=303)
        root = (config.reports / "latest").resolve()
        wanted = (root / request.path_params["path"]).resolve()
        if not wanted.is_relative_to(root) or not wanted.is_file():
            return HTMLResponse("<p>没有这个页面</p>", status_code=404)
        if wanted.suffix != ".html":
            return FileResponse(wanted)
        html = wanted.read_text(encoding="utf-8")
        added = (
            f'<meta name="evalaudit-csrf" content="{escape(session.csrf)}">'
            f'<meta name="evalaudit-reviewer" content="{escape(session.reviewer)}">'
            '<script src="/review.js" defer></script>'
        )
        return HTMLResponse(html.replace("</head>", added + "</head>", 1))

    def script(request: Request) -> Response:
        return FileResponse(_HERE / "review.js", media_type="text/javascript")

    async def decide(request: Request) -> Response:
        session = session_of(request)
        problem = refused(request, session)
        if problem is not None:
            return problem
        assert session is not None  # not refused
        try:
            body = json.loads(await request.body())
            subject = str(body.get("subject", "finding"))
            # a form's decision is about that submission: its key is the evaluation id's, whatever was sent
            key = form_decision_key(str(body["evaluation_id"])) if subject == "form" else str(body["key"])
            decision = Decision(subject, key, str(body["verdict"]), session.reviewer, str(body.get("reason", "")),
                                source="web", evaluation_id=str(body.get("evaluation_id", "")),
                                unit=str(body.get("unit", "")), check_id=str(body.get("check_id", "")),
                                location=str(body.get("location", "")), stated=str(body.get("stated", "")))  # fmt: skip
            [recorded] = config.store.decide([decision])
        except (ValueError, KeyError, TypeError) as error:  # DecisionError is a ValueError
            message = str(error) if isinstance(error, DecisionError) else "请求无法识别"
            audit(request, "decision_refused", reviewer=session.reviewer, reason=message)
            return JSONResponse({"error": message}, status_code=400)
        audit(request, "decision", reviewer=session.reviewer, key=recorded.key, verdict=recorded.verdict,
              why=recorded.reason, evaluation_id=recorded.evaluation_id)  # fmt: skip
        return JSONResponse({"verdict": recorded.verdict, "note": recorded.note})

    async def lookup(request: Request) -> Response:
        session = session_of(request)
        problem = refused(request, session)
        if problem is not None:
            return problem
        keys = [str(k) for k in (json.loads(await request.body()).get("keys") or [])][:5000]
        found = config.store.in_force(keys)
        return JSONResponse({key: {"verdict": d.verdict, "note": d.note} for key, d in found.items()})

    return Starlette(
        routes=[
            Route("/", home),
            Route("/login", login_page, methods=["GET"]),
            Route("/login", login, methods=["POST"]),
            Route("/logout", logout, methods=["POST", "GET"]),
            Route("/report/{path:path}", report),
            Route("/review.js", script),
            Route("/api/decisions", decide, methods=["POST"]),
            Route("/api/lookup", lookup, methods=["POST"]),
        ]
    )


def _login_html(target: str, problem: str) -> str:
    note = f'<p class="error">{escape(problem)}</p>' if problem else ""
    return (
        '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>审核人员登录</title>'
        '<body style="font-family:sans-serif;max-width:360px;margin:80px auto">'
        f"<h1>绩效自评表审核：登录</h1>{note}"
        '<form method="post" action="/login">'
        f'<input type="hidden" name="next" value="{escape(target)}">'
        '<p><label>姓名 <input name="name" autocomplete="username" required></label></p>'
        '<p><label>口令 <input name="password" type="password" autocomplete="current-password" required></label></p>'
        '<p><button type="submit">登录</button></p></form></body></html>'
    )
