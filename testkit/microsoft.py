"""Microsoft's side of a Teams bot on a loopback port, over TLS, recording every call the bot makes.

One server answers for three Microsoft services, as the Teams SDK meets them:
- Bot Framework's OpenID metadata and the JWKS whose key signs the tokens `mint` makes
  (the bot validates inbound requests with them);
- Entra ID's client-credentials token endpoint, as an `adfs` authority (the bot gets its
  outbound token there through MSAL);
- the Bot Connector REST API subset the bot uses (create a 1:1 conversation, send and update
  activities, list members);
- the upload session a file consent hands out (in Teams, a OneDrive URL): the bytes PUT to
  `upload_url(name)` are kept in `uploads`.

It serves TLS only, since MSAL refuses an `http` authority: its certificate is signed by a CA
made here, in `ca_bundle` (a PEM file), which the client must be told to trust.
"""

from __future__ import annotations

import datetime
import itertools
import json
import re
import shutil
import ssl
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from testkit.recorded import LoopbackServer, RecordedCalls

APP_ID = "00000000-0000-4000-8000-00000000b07a"
TENANT_ID = "adfs"  # MSAL asks no Microsoft host for instance discovery for an `adfs` authority
BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
OPENID_METADATA_PATH = "/v1/.well-known/openidconfiguration"
KEYS_PATH = "/v1/.well-known/keys"  # where the SDK looks: the metadata URL with /openidconfiguration → /keys
TOKEN_LIFETIME_SECONDS = 3600
BEYOND_LEEWAY_SECONDS = 600  # the SDK tolerates 300 s of clock skew
UPLOAD_PATH = "/upload/"
FIRST_MESSAGE_ID = 1_700_000_000_000  # Teams' message ids are numbers (the ms since the epoch it took them)
STOP_POLL_SECONDS = 0.01  # how often the server looks for a stop request (http.server's default: 0.5)


@dataclass
class Call:
    method: str
    args: dict
    token: str = ""  # the bearer token the call carried
    at: float = field(default_factory=time.monotonic)
    answer: Any = None  # what the fake answered


@dataclass
class Failure:
    status: int
    body: Any
    headers: dict[str, str]


ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("GET", re.compile(re.escape(OPENID_METADATA_PATH)), "openid.metadata"),
    ("GET", re.compile(re.escape(KEYS_PATH)), "openid.keys"),
    ("GET", re.compile(r"/(?P<tenant>[^/]+)(/v2\.0)?/\.well-known/openid-configuration"), "entra.discovery"),
    ("POST", re.compile(r"/(?P<tenant>[^/]+)/oauth2/v2\.0/token"), "entra.token"),
    ("POST", re.compile(r"/v3/conversations"), "conversations.create"),
    ("POST", re.compile(r"/v3/conversations/(?P<conversation_id>[^/]+)/activities"), "activities.create"),
    (
        "PUT",
        re.compile(r"/v3/conversations/(?P<conversation_id>[^/]+)/activities/(?P<activity_id>[^/]+)"),
        "activities.update",
    ),
    ("GET", re.compile(r"/v3/conversations/(?P<conversation_id>[^/]+)/members"), "members.get"),
    ("PUT", re.compile(UPLOAD_PATH + r"(?P<name>[^/]+)"), "files.upload"),
]


class FakeMicrosoft(RecordedCalls):
    def __init__(self, app_id: str = APP_ID):
        super().__init__()
        self.app_id = app_id
        self.failures: dict[str, list[Failure]] = {}
        self.members: dict[str, list[dict]] = {}
        self.uploads: dict[str, bytes] = {}
        self.refusing_credentials = False
        self._ids = itertools.count(1)
        self._signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.key_id = "fake-bot-framework-key"
        self._folder = Path(tempfile.mkdtemp(prefix="fake-microsoft-"))
        self.ca_bundle = str(self._folder / "ca.pem")
        self._server = _TlsServer(("127.0.0.1", 0), self._handler(), _server_tls(self._folder))
        self._server.daemon_threads = True  # stopping never waits for a request still being answered
        self._thread = threading.Thread(target=self._server.serve_forever, args=(STOP_POLL_SECONDS,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"https://{host}:{port}"

    @property
    def ca_environment(self) -> dict[str, str]:
        """What makes a client trust this server: urllib (PyJWT's JWKS client) and httpx read
        SSL_CERT_FILE; requests (MSAL) reads only REQUESTS_CA_BUNDLE."""
        return {"SSL_CERT_FILE": self.ca_bundle, "REQUESTS_CA_BUNDLE": self.ca_bundle}

    @property
    def openid_metadata_url(self) -> str:
        return self.url + OPENID_METADATA_PATH

    @property
    def service_url(self) -> str:
        """The Bot Connector's base URL, as an activity's `serviceUrl` names it."""
        return self.url

    def upload_url(self, name: str) -> str:
        """Where a consented file's bytes are PUT, as the `uploadUrl` of a file consent's upload info."""
        return self.url + UPLOAD_PATH + name

    def start(self) -> FakeMicrosoft:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()  # within STOP_POLL_SECONDS
        self._server.server_close()
        self._thread.join()
        shutil.rmtree(self._folder, ignore_errors=True)

    def reset(self) -> None:
        """Forget every call, failure, member and upload, and accept credentials again: as new, for
        the next test of a bot that keeps running."""
        with self._lock:
            self.calls.clear()
        self.failures.clear()
        self.members.clear()
        self.uploads.clear()
        self.refusing_credentials = False

    def refuse_credentials(self) -> None:
        """From now on the token endpoint refuses the client secret, as Entra ID does a wrong or expired one."""
        self.refusing_credentials = True

    def fail_next(self, method: str, status: int = 500, body: Any = None, headers: dict | None = None) -> None:
        """The next call to `method` (a name from ROUTES) is answered with `status`, `body` and `headers`."""
        answer = body if body is not None else {"error": {"code": "ServiceError", "message": "fake failure"}}
        self.failures.setdefault(method, []).append(Failure(status, answer, headers or {}))

    # ----- tokens as the Bot Framework signs them -----

    def mint(
        self,
        *,
        audience: str | None = None,
        issuer: str = BOT_FRAMEWORK_ISSUER,
        service_url: str | None = None,
        issued_ago: int = 0,
        key: rsa.RSAPrivateKey | None = None,
        **claims: Any,
    ) -> str:
        """An RS256 token as the Bot Framework sends with an activity; each argument overrides a claim."""
        issued = int(time.time()) - issued_ago
        payload = {
            "iss": issuer,
            "aud": audience or self.app_id,
            "serviceurl": service_url or self.service_url,
            "iat": issued,
            "nbf": issued,
            "exp": issued + TOKEN_LIFETIME_SECONDS,
            **claims,
        }
        return jwt.encode(payload, key or self._signing_key, algorithm="RS256", headers={"kid": self.key_id})

    def mint_with_wrong_key(self) -> str:
        """Signed by a key the JWKS does not hold, under the JWKS key's id: a forgery."""
        return self.mint(key=rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def mint_expired(self) -> str:
        """Expired longer ago than the SDK's tolerance for clock skew."""
        return self.mint(issued_ago=TOKEN_LIFETIME_SECONDS + BEYOND_LEEWAY_SECONDS)

    def mint_for_wrong_audience(self) -> str:
        return self.mint(audience=str(uuid.uuid4()))

    def mint_from_wrong_issuer(self) -> str:
        return self.mint(issuer="https://api.botframework.example")

    def mint_for_wrong_service_url(self) -> str:
        return self.mint(service_url="https://smba.trafficmanager.example/amer/")

    def _jwks(self) -> dict:
        key = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._signing_key.public_key()))
        return {"keys": [{**key, "kid": self.key_id, "use": "sig", "alg": "RS256"}]}

    # ----- answers -----

    def _record(self, method: str, args: dict, token: str) -> Call:
        call = Call(method, args, token)
        self._keep(call)
        return call

    def _answer(self, method: str, args: dict) -> tuple[int, Any, dict]:
        queued = self.failures.get(method)
        if queued:
            failure = queued.pop(0)
            return failure.status, failure.body, failure.headers
        if method == "entra.token" and self.refusing_credentials:
            return 401, {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret."}, {}
        if method == "files.upload":
            return 201, self._stored(args["name"], args["content"]), {}
        return 200, self._result(method, args), {}

    def _stored(self, name: str, content: bytes) -> dict:
        self.uploads[name] = content
        return {"id": f"fake-drive-item-{next(self._ids)}", "name": name, "size": len(content)}

    def _result(self, method: str, args: dict) -> Any:
        if method == "openid.metadata":
            return {
                "issuer": BOT_FRAMEWORK_ISSUER,
                "jwks_uri": self.url + KEYS_PATH,
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        if method == "openid.keys":
            return self._jwks()
        if method == "entra.discovery":
            authority = f"{self.url}/{args['tenant']}"
            return {
                "issuer": authority,
                "authorization_endpoint": f"{authority}/oauth2/v2.0/authorize",
                "token_endpoint": f"{authority}/oauth2/v2.0/token",
            }
        if method == "entra.token":
            access_token = self.mint(
                audience=args.get("scope", "").removesuffix("/.default"), appid=args.get("client_id")
            )
            return {"access_token": access_token, "expires_in": TOKEN_LIFETIME_SECONDS, "token_type": "Bearer"}
        if method == "conversations.create":
            # As Teams does, the bot's 1:1 chat with a person is one chat, however often it is opened.
            return {"id": f"a:1on1-{args['members'][0]['id']}"}
        if method == "activities.create":
            return {"id": str(FIRST_MESSAGE_ID + next(self._ids))}
        if method == "activities.update":
            return {"id": args["activity_id"]}
        if method == "members.get":
            return self.members.get(args["conversation_id"], [])
        raise AssertionError(f"no answer for {method}")

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                self._serve()

            def do_POST(self):  # noqa: N802
                self._serve()

            def do_PUT(self):  # noqa: N802
                self._serve()

            def _serve(self):
                url = urlparse(self.path)
                route = next(
                    (
                        (name, m)
                        for verb, pattern, name in ROUTES
                        if verb == self.command and (m := pattern.fullmatch(url.path))
                    ),
                    None,
                )
                if route is None:
                    self._send(404, {"error": {"code": "NotFound", "message": f"{self.command} {url.path}"}}, {})
                    return
                method, match = route
                body = self._upload() if method == "files.upload" else self._body()
                args = {**match.groupdict(), **body}
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                call = fake._record(method, {k: v for k, v in args.items() if k != "content"}, token)
                status, answer, headers = fake._answer(method, args)
                call.answer = answer
                self._send(status, answer, headers)

            def _raw(self) -> bytes:
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _upload(self) -> dict:
                return {"content": self._raw(), "content_range": self.headers.get("Content-Range")}

            def _body(self) -> dict:
                raw = self._raw().decode()
                if not raw:
                    return {}
                if "json" in (self.headers.get("Content-Type") or ""):
                    return json.loads(raw)
                return {k: v[0] for k, v in parse_qs(raw).items()}

            def _send(self, status: int, body: Any, headers: dict):
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


class _TlsServer(LoopbackServer):
    """Each connection's TLS handshake happens in its own thread, so a slow client stalls no other."""

    def __init__(self, address, handler, context: ssl.SSLContext):
        self._context = context
        super().__init__(address, handler)

    def finish_request(self, request, client_address):
        with self._context.wrap_socket(request, server_side=True) as tls:
            super().finish_request(tls, client_address)

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ssl.SSLError):  # a client that distrusts the CA is a test's business
            super().handle_error(request, client_address)


def _server_tls(folder: Path) -> ssl.SSLContext:
    """A throwaway CA (written to folder/ca.pem) and a certificate it signs for 127.0.0.1."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Fake Microsoft test CA")])
    ca = (
        _certificate(ca_name, ca_key.public_key(), ca_name)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(**_usage(key_cert_sign=True, crl_sign=True)), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = (
        _certificate(
            x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]), server_key.public_key(), ca_name
        )
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(IPv4Address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(**_usage(digital_signature=True)), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    chain = folder / "server.pem"
    chain.write_bytes(
        server.public_bytes(serialization.Encoding.PEM)
        + server_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(chain)
    return context


def _certificate(subject: x509.Name, public_key, issuer: x509.Name) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
    )


def _usage(**granted: bool) -> dict[str, bool]:
    names = (
        "digital_signature content_commitment key_encipherment data_encipherment key_agreement"
        " key_cert_sign crl_sign encipher_only decipher_only"
    ).split()
    return {name: granted.get(name, False) for name in names}
