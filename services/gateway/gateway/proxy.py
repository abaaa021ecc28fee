"""The thin hop: /api/<service>/... forwarded unchanged, by a plain ASGI app the gateway calls before FastAPI.

A bearer token is checked first (`AccountGate.admit`: signature and the account or client behind it, both cached a
few seconds), so a deactivated account or a revoked token never reaches a service through the gateway; calls without
a token go through and the service decides. The path, query, method, body and the caller's headers go through, plus
X-Request-ID and X-Forwarded-* (the client as `gateway.addresses` resolves it). Hop-by-hop headers are dropped both ways.
"""

import logging
from collections.abc import Iterable, Sequence

import aiohttp
from starlette.types import Receive, Scope, Send
from yarl import URL

from gateway.accounts import AccountGate
from gateway.addresses import Network, client_address, client_scheme
from kit.errors import error_response
from kit.logging import current_request_id

logger = logging.getLogger("gateway.proxy")

HOP_BY_HOP = frozenset(
    {b"connection", b"keep-alive", b"proxy-authenticate", b"proxy-authorization", b"te", b"trailer", b"trailers",
     b"transfer-encoding", b"upgrade", b"host", b"content-length", b"x-request-id", b"x-forwarded-for",
     b"x-forwarded-proto", b"x-forwarded-host"}
)
RESPONSE_DROP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "upgrade", "trailer", "x-request-id", "content-length", "date", "server"}
)
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
BUFFER_LIMIT = 1 << 20  # answers up to 1 MiB are read whole (one send); bigger or unsized ones are streamed
MAX_REQUEST_BODY = 20 << 20


class UpstreamPool:
    """One long-lived aiohttp session (keep-alive pool) per event loop."""

    def __init__(self, *, limit: int, connect_timeout: float, read_timeout: float, keepalive: float = 4.0) -> None:
        self.limit = limit
        self.keepalive = keepalive
        self.timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect_timeout, sock_read=read_timeout)
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self.limit, limit_per_host=self.limit, keepalive_timeout=self.keepalive, ttl_dns_cache=300, enable_cleanup_closed=True
            )
            self._session = aiohttp.ClientSession(
                connector=connector, timeout=self.timeout, auto_decompress=False, skip_auto_headers=("User-Agent", "Accept-Encoding"),
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None


class Proxy:
    """ASGI app forwarding /api/<service>/... to that service (`target` says whether a path is one of those)."""

    def __init__(
        self, *, upstreams: dict[str, str], pool: UpstreamPool, gate: AccountGate | None = None, trusted_proxies: Sequence[Network] = ()
    ) -> None:
        self.pool = pool
        self.gate = gate
        self.trusted_proxies = list(trusted_proxies)
        self.routes = {f"/api/{name}/": URL(base.rstrip("/")) for name, base in upstreams.items()}

    def target(self, path: str) -> tuple[str, URL] | None:
        if not path.startswith("/api/"):
            return None
        second = path.find("/", 5)
        if second < 0:
            return None
        prefix = path[: second + 1]
        base = self.routes.get(prefix)
        return (prefix[5:-1], base) if base is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        target = self.target(scope["path"])
        if target is None:
            await error_response(404, "not_found", "Not found")(scope, receive, send)
            return
        if self.gate is not None:
            refusal = await self.gate.admit(scope["headers"])
            if refusal is not None:
                await error_response(refusal.status, refusal.code, refusal.message)(scope, receive, send)
                return
        await self.forward(scope, receive, send, *target)

    async def _open(self, method: str, url: URL, headers: list[tuple[str, str]], body: bytes) -> aiohttp.ClientResponse:
        session = self.pool.session()
        try:
            return await session.request(method, url, headers=headers, data=body or None, allow_redirects=False)
        except aiohttp.ServerDisconnectedError:
            if method not in IDEMPOTENT:
                raise
            # Most likely a pooled keep-alive connection the upstream closed at that very moment: one more try.
            return await session.request(method, url, headers=headers, data=body or None, allow_redirects=False)

    async def forward(self, scope: Scope, receive: Receive, send: Send, service: str, base: URL) -> None:
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        query: bytes = scope.get("query_string", b"")
        url = str(base) + raw_path.decode("latin-1") + ("?" + query.decode("latin-1") if query else "")
        headers = _request_headers(
            scope["headers"], scope, client_address(scope, self.trusted_proxies), client_scheme(scope, self.trusted_proxies)
        )
        body = await _read_body(receive)
        if body is None:
            await error_response(413, "payload_too_large", "Request body too large")(scope, receive, send)
            return
        started = False
        try:
            upstream = await self._open(scope["method"], URL(url, encoded=True), headers, body)
            try:
                out_headers = [(name.lower(), value) for name, value in upstream.raw_headers if name.decode("latin-1").lower() not in RESPONSE_DROP]
                length = upstream.content_length
                if scope["method"] == "HEAD" or upstream.status in (204, 304):
                    started = True
                    await send({"type": "http.response.start", "status": upstream.status, "headers": out_headers})
                    await send({"type": "http.response.body", "body": b""})
                elif length is not None and length <= BUFFER_LIMIT:
                    payload = await upstream.read()
                    out_headers.append((b"content-length", str(len(payload)).encode()))
                    started = True
                    await send({"type": "http.response.start", "status": upstream.status, "headers": out_headers})
                    await send({"type": "http.response.body", "body": payload})
                else:
                    started = True
                    await send({"type": "http.response.start", "status": upstream.status, "headers": out_headers})
                    async for chunk in upstream.content.iter_chunked(64 * 1024):
                        await send({"type": "http.response.body", "body": chunk, "more_body": True})
                    await send({"type": "http.response.body", "body": b""})
            finally:
                upstream.release()
            return
        except aiohttp.ConnectionTimeoutError:
            failure = (502, "upstream_unavailable", f"The {service} service is unavailable")
        except (TimeoutError, aiohttp.ServerTimeoutError):
            failure = (504, "upstream_timeout", f"The {service} service did not answer in time")
        except aiohttp.ClientError as exc:
            logger.debug("upstream %s failed: %s", service, type(exc).__name__)
            failure = (502, "upstream_unavailable", f"The {service} service is unavailable")
        except Exception:  # FastAPI's error middleware does not wrap this path
            if started:
                raise
            logger.exception("proxy error")
            failure = (500, "internal_error", "An unexpected error occurred; it has been logged.")
        if started:
            return  # the answer is already under way: the connection is simply cut short
        logger.warning("upstream %s: %s", service, failure[1])
        await error_response(*failure)(scope, receive, send)


def _request_headers(raw: Iterable[tuple[bytes, bytes]], scope: Scope, client: str, scheme: str) -> list[tuple[str, str]]:
    headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in raw if name not in HOP_BY_HOP]
    request_id = current_request_id()
    if request_id:
        headers.append(("X-Request-ID", request_id))
    if scope.get("client"):
        headers.append(("X-Forwarded-For", client))
    headers.append(("X-Forwarded-Proto", scheme))
    return headers


async def _read_body(receive: Receive) -> bytes | None:
    """The whole request body (API bodies are small JSON or CSV), or None past the limit."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        if chunk:
            size += len(chunk)
            if size > MAX_REQUEST_BODY:
                return None
            chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)
