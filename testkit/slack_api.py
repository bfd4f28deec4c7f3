"""A fake Slack Web API on a loopback port, recording every call the bot makes.

It answers the methods the bot uses as Slack documents them, and also serves the
`response_url`s that slash commands and buttons carry.
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlparse

from testkit.recorded import LoopbackServer, RecordedCalls

TEAM_ID = "T0FAKE"
BOT_USER_ID = "UBOT"
APP_ID = "AFAKE"
ROTATING_TOKEN_EXPIRES_IN = 12 * 60 * 60  # seconds, as Slack's
STOP_POLL_SECONDS = 0.01  # how often the server looks for a stop request (http.server's default: 0.5)


@dataclass
class Call:
    method: str
    args: dict
    at: float = field(default_factory=time.monotonic)
    answer: dict | None = None  # what the fake answered


@dataclass
class Failure:
    status: int
    body: dict
    headers: dict[str, str]


class FakeSlack(RecordedCalls):
    def __init__(self):
        super().__init__()
        self.timezones: dict[str, str] = {}
        self.failures: dict[str, list[Failure]] = {}
        self.refused_channels: dict[str, str] = {}
        self.admins: set[str] = set()
        self.uploads: dict[str, bytes] = {}
        self.completed: set[str] = set()  # files whose upload was completed
        self.processing = 0  # how many more views.publish calls find their files not processed yet
        self._ts = itertools.count(1)
        self.posts_open = threading.Event()
        self.posts_open.set()
        self.posts_waiting = 0
        self._drop_held = False
        self.resets: dict[str, int] = {}
        # Installing through OAuth: the codes Slack would hand an installer, the workspace each
        # token and refresh token is for, and the tokens Slack refuses (revoked or expired).
        self.codes: dict[str, tuple[str, int | None]] = {}
        self.teams_of_tokens: dict[str, str] = {}
        self.refresh_tokens: dict[str, str] = {}
        self.refused_tokens: dict[str, str] = {}
        self._tokens = itertools.count(1)
        self._server = LoopbackServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True  # stopping never waits for a request still being answered
        self._thread = threading.Thread(target=self._server.serve_forever, args=(STOP_POLL_SECONDS,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()  # within STOP_POLL_SECONDS
        self._server.server_close()
        self._thread.join()

    def reset(self) -> None:
        """Forget every call, user, failure and hold: as new, for the next test of a bot that keeps running."""
        with self._lock:
            self.calls.clear()
            self.posts_waiting = 0
        for recorded in (self.timezones, self.failures, self.refused_channels, self.uploads, self.resets, self.codes):
            recorded.clear()
        for recorded in (self.teams_of_tokens, self.refresh_tokens, self.refused_tokens):
            recorded.clear()
        self.admins.clear()
        self.completed.clear()
        self.processing = 0
        self._drop_held = False
        self.posts_open.set()

    def add_user(self, user_id: str, tz: str) -> str:
        self.timezones[user_id] = tz
        return user_id

    def fail_next(self, method: str, status: int = 200, error: str | None = None, headers: dict | None = None) -> None:
        body = {"ok": False, "error": error or "internal_error"}
        self.failures.setdefault(method, []).append(Failure(status, body, headers or {}))

    def refuse_posts_to(self, channel: str, error: str) -> None:
        """Every chat.postMessage to `channel` is refused with `error`, as for a deactivated user."""
        self.refused_channels[channel] = error

    def hold_posts(self) -> None:
        """chat.postMessage requests wait, unrecorded, until release_posts(): a send in flight."""
        self.posts_open.clear()

    def release_posts(self, answer: bool = True) -> None:
        """Let held posts through; with answer=False they are dropped unrecorded, as when the
        client that sent them was killed before Slack saw them."""
        self._drop_held = not answer
        self.posts_open.set()

    def reset_after_accepting(self, method: str, times: int = 1) -> None:
        """Record the next call(s) to `method` as accepted, then drop the connection unanswered."""
        self.resets[method] = self.resets.get(method, 0) + times

    def grant(self, code: str, team_id: str, expires_in: int | None = None) -> None:
        """An installer of workspace `team_id` approved the app: Slack redirects them back with
        `code`, which oauth.v2.access exchanges for the workspace's bot token (a rotating one,
        expiring in `expires_in` seconds, if given)."""
        self.codes[code] = (team_id, expires_in)

    def refuse_token(self, token: str, error: str = "token_revoked") -> None:
        """Every call with `token` is refused with `error` (token_revoked, token_expired, invalid_auth)."""
        self.refused_tokens[token] = error

    def tokens_of(self, team_id: str) -> list[str]:
        """The bot tokens issued for the workspace, oldest first."""
        return [token for token, team in self.teams_of_tokens.items() if team == team_id]

    def still_processing(self, times: int = 1) -> None:
        """The next `times` views.publish calls with an image block of an uploaded file are refused,
        as Slack refuses a file it has not finished processing."""
        self.processing = times

    def response_url(self, name: str) -> str:
        return f"{self.url}/response/{name}"

    def _record(self, method: str, args: dict) -> Call:
        call = Call(method, args)
        self._keep(call)
        return call

    def _answer(self, method: str, args: dict) -> tuple[int, dict, dict]:
        if method != "oauth.v2.access" and args.get("token") in self.refused_tokens:
            return 200, {"ok": False, "error": self.refused_tokens[args["token"]]}, {}
        if method == "chat.postMessage" and args.get("channel") in self.refused_channels:
            return 200, {"ok": False, "error": self.refused_channels[args["channel"]]}, {}
        queued = self.failures.get(method)
        if queued:
            failure = queued.pop(0)
            return failure.status, failure.body, failure.headers
        if method in ("views.publish", "chat.postMessage") and (problems := self._file_problems(args)):
            return 200, {"ok": False, "error": "invalid_blocks", "errors": problems}, {}
        return 200, self._result(method, args), {}

    def _file_problems(self, args: dict) -> list[str]:
        """What Slack says of image blocks whose slack_file is not a file uploaded, or not processed yet."""
        blocks = (args.get("view") or {}).get("blocks") or args.get("blocks") or []
        files = [
            (n, b["slack_file"].get("id"))
            for n, b in enumerate(blocks)
            if b.get("type") == "image" and "slack_file" in b
        ]
        if not files:
            return []
        with self._lock:
            processing = self.processing > 0
            self.processing -= processing
        return [
            f"invalid slack file [json-pointer:/blocks/{n}/slack_file]"
            for n, file_id in files
            if processing or file_id not in self.completed
        ]

    def _result(self, method: str, args: dict) -> dict:
        team_id = self.teams_of_tokens.get(args.get("token", ""), TEAM_ID)
        if method == "oauth.v2.access":
            return self._oauth_access(args)
        if method == "auth.test":
            return {
                "ok": True,
                "team_id": team_id,
                "user_id": BOT_USER_ID,
                "bot_id": "BFAKE",
                "url": "https://fake.slack/",
            }
        if method == "users.info":
            user = args.get("user")
            if user not in self.timezones:
                return {"ok": False, "error": "user_not_found"}
            profile = {"id": user, "tz": self.timezones[user], "team_id": team_id, "is_admin": user in self.admins}
            return {"ok": True, "user": profile}
        if method == "chat.postMessage":
            channel = args.get("channel", "")
            if channel.startswith("U"):
                channel = "D" + channel[1:]
            ts = f"{1_700_000_000 + next(self._ts)}.000100"
            return {"ok": True, "channel": channel, "ts": ts, "message": {"ts": ts, "text": args.get("text")}}
        if method == "chat.update":
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{1_700_000_000 + next(self._ts)}.000200"}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + args.get("users", "")[1:]}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts):09d}"
            return {"ok": True, "file_id": file_id, "upload_url": f"{self.url}/upload/{file_id}"}
        if method == "files.completeUploadExternal":
            self.completed.update(item["id"] for item in args.get("files", []) if item["id"] in self.uploads)
            return {
                "ok": True,
                "files": [{"id": item["id"], "title": item.get("title")} for item in args.get("files", [])],
            }
        if method in ("views.open", "views.publish", "views.update"):
            return {"ok": True, "view": {"id": f"V{next(self._ts)}", "hash": f"{next(self._ts)}.hash"}}
        return {"ok": False, "error": "unknown_method"}

    def _oauth_access(self, args: dict) -> dict:
        """A code exchanged for a workspace's bot token, or a rotating token refreshed."""
        if args.get("grant_type") == "refresh_token":
            team_id = self.refresh_tokens.pop(args.get("refresh_token", ""), None)
            if team_id is None:
                return {"ok": False, "error": "invalid_refresh_token"}
            return {"ok": True, "token_type": "bot", **self._issue(team_id, ROTATING_TOKEN_EXPIRES_IN)}
        if args.get("code") not in self.codes:
            return {"ok": False, "error": "invalid_code"}
        team_id, expires_in = self.codes.pop(args["code"])
        return {
            "ok": True,
            "token_type": "bot",
            "scope": "commands,chat:write,users:read,im:write,files:write",
            "bot_user_id": BOT_USER_ID,
            "app_id": APP_ID,
            "team": {"id": team_id, "name": f"Workspace {team_id}"},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": "UINSTALLER"},
            **self._issue(team_id, expires_in),
        }

    def _issue(self, team_id: str, expires_in: int | None) -> dict:
        token = f"xoxb-{team_id}-{next(self._tokens)}"
        self.teams_of_tokens[token] = team_id
        if expires_in is None:
            return {"access_token": token}
        refresh_token = f"xoxe-1-{team_id}-{next(self._tokens)}"
        self.refresh_tokens[refresh_token] = team_id
        return {"access_token": token, "refresh_token": refresh_token, "expires_in": expires_in}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                self._serve()

            def do_GET(self):  # noqa: N802
                self._serve()

            def _serve(self):
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                if url.path.startswith("/upload/"):  # a file's bytes, for files.completeUploadExternal
                    fake.uploads[url.path.removeprefix("/upload/")] = self.rfile.read(length)
                    self._send(200, {"ok": True}, {})
                    return
                raw = self.rfile.read(length).decode() if length else ""
                args = {k: v[0] for k, v in parse_qs(url.query).items()}
                if raw:
                    if "json" in (self.headers.get("Content-Type") or ""):
                        args.update(json.loads(raw))
                    else:
                        args.update({k: v[0] for k, v in parse_qs(raw).items()})
                for key in ("blocks", "view", "files"):
                    if isinstance(args.get(key), str):
                        args[key] = json.loads(args[key])
                if url.path.startswith("/response/"):
                    fake._record("response_url", {"name": url.path.removeprefix("/response/"), **args})
                    queued = fake.failures.get("response_url")  # fail_next("response_url", 404, "expired_url")
                    failure = queued.pop(0) if queued else Failure(200, {"ok": True}, {})
                    self._send(failure.status, failure.body, failure.headers)
                    return
                method = url.path.removeprefix("/api/")
                args["token"] = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                if method == "chat.postMessage" and not fake.posts_open.is_set():
                    with fake._lock:
                        fake.posts_waiting += 1
                    fake.posts_open.wait()
                    if fake._drop_held:
                        self.close_connection = True
                        return
                call = fake._record(method, args)
                if fake.resets.get(method):
                    fake.resets[method] -= 1
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                status, call.answer, headers = fake._answer(method, args)
                self._send(status, call.answer, headers)

            def _send(self, status: int, body: dict, headers: dict):
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        return Handler
