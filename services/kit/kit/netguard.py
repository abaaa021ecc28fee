"""Guarded outgoing HTTP to user-supplied URLs (feeds, webhooks): only allowed addresses, on every hop (no SSRF).

A URL is parsed strictly (http/https, no user@host, a plain host name or IP literal, port 1-65535). Its host is
resolved once per hop (every address must be allowed) and the connection is made to that vetted address (Host
header and TLS SNI keep the name), so a second DNS answer cannot redirect it (rebinding); the peer address of
the connection is checked again. Internal addresses (loopback, private, CGNAT, link-local, multicast,
unspecified, broadcast, reserved, and IPv6 forms embedding one of them) are refused unless the administrator's
allow-list names them. At fetch time every failure gives the same `FetchFailed` message, so a caller cannot tell
a refused address from a closed port or a timeout (no port scanner), and no response body is ever part of an error.
"""

import concurrent.futures
import ipaddress
import logging
import re
import socket
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import httpx

from kit.errors import ValidationFailed

logger = logging.getLogger("kit.netguard")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

SCHEMES = ("http", "https")
REDIRECTS = frozenset({301, 302, 303, 307, 308})
_HOST_NAME = re.compile(r"^[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*$")
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT; neither private nor global for `ipaddress`
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated IPv4-compatible IPv6 (::a.b.c.d)
_BROADCAST = ipaddress.ip_address("255.255.255.255")


class UrlRefused(ValueError):
    """The URL is malformed or names a target the policy does not allow; the reason is safe to show to its author."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class FetchFailed(Exception):
    """The one answer for any fetch that did not get a response: refused target, DNS, connect, TLS, timeout."""

    MESSAGE = "could not reach the URL: the host is unreachable, did not answer in time, or is not an allowed target"

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


class ResponseTooLarge(Exception):
    """An allowed target answered with more than the policy's byte limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the response is larger than {limit} bytes")
        self.limit = limit


@dataclass(frozen=True)
class AllowEntry:
    """One allow-list entry: a network (`10.0.0.0/8`, `10.1.2.3`, `10.1.2.3:8443`, `[fd00::1]:443`) or an exact
    host name (`feeds.intranet`, `feeds.intranet:8443`, which then may resolve to anything)."""

    text: str
    network: IPNetwork | None = None
    host: str | None = None
    port: int | None = None

    def admits(self, *, host: str, port: int, address: IPAddress) -> bool:
        """Whether this entry allows connecting to `address` for a URL naming `host`:`port`."""
        if self.port is not None and port != self.port:
            return False
        if self.host is not None:
            return host == self.host
        assert self.network is not None
        embedded = _embedded_ipv4(address) if isinstance(address, ipaddress.IPv6Address) else None
        return address in self.network or (embedded is not None and embedded[0] in self.network)


def parse_allow_entry(text: str) -> AllowEntry:
    """Parse one allow-list entry (see AllowEntry); ValueError names what is wrong."""
    raw = text.strip()
    if not raw:
        raise ValueError("empty allow-list entry")
    if "/" in raw:
        return AllowEntry(text=raw, network=ipaddress.ip_network(raw, strict=False))
    host, port = raw, None
    bracketed = re.fullmatch(r"\[([^\]]+)\](?::(.*))?", raw)
    if bracketed:
        host, port = bracketed.group(1), None if bracketed.group(2) is None else _port_number(bracketed.group(2))
    elif raw.count(":") == 1:
        host, port_text = raw.split(":")
        port = _port_number(port_text)
    try:
        return AllowEntry(text=raw, network=ipaddress.ip_network(ipaddress.ip_address(host)), port=port)
    except ValueError:
        pass
    name = _normalise_host(host)
    if not _HOST_NAME.match(name):
        raise ValueError(f"allow-list entry {raw!r} is neither an address, a network nor a host name")
    return AllowEntry(text=raw, host=name, port=port)


def parse_allow_list(entries: Iterable[str]) -> tuple[AllowEntry, ...]:
    """Every entry parsed (ValueError on the first bad one)."""
    return tuple(parse_allow_entry(entry) for entry in entries)


@dataclass(frozen=True)
class FetchPolicy:
    """Where guarded fetches may go, and how long and how much they may take."""

    allow: tuple[AllowEntry, ...] = ()
    allow_loopback: bool = False  # development only (services refuse it in production)
    timeout: float = 10.0  # the whole fetch: DNS, every hop, the body
    max_bytes: int = 10_000_000
    max_redirects: int = 5


def address_kind(address: IPAddress) -> str | None:
    """Why an address is internal ('loopback', 'private', ...), or None for a public one."""
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            inner, routable = embedded
            kind = address_kind(inner)
            return kind if kind is not None or routable else "reserved"
        if address.is_site_local:
            return "private"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if address == _BROADCAST:
        return "broadcast"
    if address in _SHARED:
        return "shared (carrier-grade NAT)"
    if address.is_private:
        return "private"
    if address.is_reserved or not address.is_global:
        return "reserved"
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, bool] | None:
    """The IPv4 address an IPv6 form carries (mapped, 6to4, NAT64, compatible) and whether that form is routable."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped, True
    if address.sixtofour is not None:
        return address.sixtofour, True
    low = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _NAT64:
        return low, True
    if address in _COMPATIBLE:
        return low, False
    return None


def parse_url(url: str) -> httpx.URL:
    """Strict parse: http(s), no userinfo, a plain host name or IP literal, port 1-65535 (UrlRefused otherwise)."""
    if any(ch <= " " or ch == "\x7f" or ch == "\\" for ch in url):
        raise UrlRefused("the URL contains spaces, control characters or backslashes")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        raise UrlRefused("the URL is not valid") from exc
    if parsed.scheme not in SCHEMES:
        raise UrlRefused("must be an http:// or https:// URL")
    if parsed.userinfo:
        raise UrlRefused("the URL must not carry a user name or password (user@host)")
    host = _host(parsed)
    if not host:
        raise UrlRefused("the URL has no host")
    if "%" in host or (not _is_ip_literal(host) and not _HOST_NAME.match(host)):
        raise UrlRefused("the URL's host is not a valid host name or IP address")
    if parsed.port is not None and not 1 <= parsed.port <= 65535:
        raise UrlRefused("the URL's port must be between 1 and 65535")
    return parsed


def check_url(url: str, *, policy: FetchPolicy) -> httpx.URL:
    """Validation-time check (registration): parse, resolve and vet; UrlRefused says why."""
    parsed = parse_url(url)
    _vet(parsed, policy=policy, timeout=policy.timeout)
    return parsed


def ensure_allowed_url(url: str, *, policy: FetchPolicy, field: str = "body.url") -> None:
    """check_url as a 422 `url_not_allowed` naming the field (registration of feeds, webhooks)."""
    try:
        check_url(url, policy=policy)
    except UrlRefused as exc:
        raise ValidationFailed(f"The URL is refused: {exc.reason}", code="url_not_allowed", field=field) from exc


@dataclass
class Fetched:
    """A response from an allowed target; the body (up to the policy's limit) is read for 2xx answers only."""

    status_code: int
    headers: httpx.Headers
    body: bytes
    url: str


def fetch(
    method: str,
    url: str,
    *,
    policy: FetchPolicy,
    headers: Mapping[str, str] | None = None,
    content: bytes | None = None,
    follow_redirects: bool = False,
    read_body: bool = True,
    transport: httpx.BaseTransport | None = None,
) -> Fetched:
    """One request to an allowed target, connecting to the vetted address; redirects (if followed) re-checked per hop.

    Raises FetchFailed for anything that got no response (the reason is only logged) and ResponseTooLarge.
    """
    deadline = time.monotonic() + policy.timeout
    current = _parsed_or_fail(url)
    with httpx.Client(transport=transport, follow_redirects=False, trust_env=False) as client:
        for _ in range(policy.max_redirects + 1 if follow_redirects else 1):
            response = _send_one(
                client, method, current, policy=policy, headers=headers, content=content, deadline=deadline
            )
            try:
                location = response.headers.get("location")
                if follow_redirects and response.status_code in REDIRECTS and location:
                    current = _parsed_or_fail(str(current.join(location)))
                    if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
                        method, content = "GET", None
                    continue
                wanted = read_body and 200 <= response.status_code < 300
                body = _read(response, policy=policy, deadline=deadline) if wanted else b""
                return Fetched(status_code=response.status_code, headers=response.headers, body=body, url=str(current))
            finally:
                response.close()
    logger.info("fetch refused: more than %d redirects (%s)", policy.max_redirects, _host(current))
    raise FetchFailed()


def _send_one(
    client: httpx.Client,
    method: str,
    url: httpx.URL,
    *,
    policy: FetchPolicy,
    headers: Mapping[str, str] | None,
    content: bytes | None,
    deadline: float,
) -> httpx.Response:
    try:
        addresses = _vet(url, policy=policy, timeout=_remaining(deadline))
    except UrlRefused as exc:
        logger.info("fetch refused: %s (%s)", exc.reason, _host(url))
        raise FetchFailed() from exc
    host = _host(url)
    extensions: dict[str, object] = {}
    if url.scheme == "https" and not _is_ip_literal(host):
        extensions["sni_hostname"] = host
    last_error: Exception | None = None
    for address in addresses[:3]:
        pinned = url.copy_with(host=str(address))
        request = client.build_request(
            method,
            pinned,
            headers={**(headers or {}), "Host": url.netloc.decode("ascii")},
            content=content,
            timeout=httpx.Timeout(min(policy.timeout, _remaining(deadline))),
            extensions=extensions,
        )
        try:
            response = client.send(request, stream=True)
        except httpx.ConnectError as exc:
            last_error = exc
            continue
        except httpx.HTTPError as exc:
            logger.info("fetch failed: %s talking to %s", type(exc).__name__, host)
            raise FetchFailed() from exc
        peer = _peer_address(response)
        if peer is not None and _unmapped(peer) != _unmapped(address):
            response.close()
            logger.warning("fetch refused: connected to %s, not the vetted %s (%s)", peer, address, host)
            raise FetchFailed()
        return response
    logger.info("fetch failed: %s connecting to %s", type(last_error).__name__, host)
    raise FetchFailed() from last_error


def _read(response: httpx.Response, *, policy: FetchPolicy, deadline: float) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise ResponseTooLarge(policy.max_bytes)
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_bytes(65536):
            size += len(chunk)
            if size > policy.max_bytes:
                raise ResponseTooLarge(policy.max_bytes)
            if time.monotonic() > deadline:
                logger.info("fetch failed: the body took longer than %.1f s", policy.timeout)
                raise FetchFailed()
            chunks.append(chunk)
    except httpx.HTTPError as exc:
        logger.info("fetch failed: %s reading the body", type(exc).__name__)
        raise FetchFailed() from exc
    return b"".join(chunks)


def _vet(url: httpx.URL, *, policy: FetchPolicy, timeout: float) -> list[IPAddress]:
    host, port = _host(url), _port(url)
    addresses = _resolve(host, port, timeout=timeout)
    for address in addresses:
        kind = address_kind(address)
        if kind is None or (kind == "loopback" and policy.allow_loopback):
            continue
        if any(entry.admits(host=host, port=port, address=address) for entry in policy.allow):
            continue
        raise UrlRefused(
            f"the URL's host resolves to a non-public address ({kind}) that is not an allowed fetch target"
        )
    return addresses


_resolver: concurrent.futures.ThreadPoolExecutor | None = None


def _resolve(host: str, port: int, *, timeout: float) -> list[IPAddress]:
    """Every address of the host (getaddrinfo also reads 2130706433, 0x7f000001, 127.1 as IPv4), within `timeout`."""
    global _resolver
    if _resolver is None:
        _resolver = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="netguard-dns")
    future = _resolver.submit(socket.getaddrinfo, host, port, 0, socket.SOCK_STREAM)
    try:
        infos = future.result(timeout=max(timeout, 0.001))
    except (OSError, UnicodeError, TimeoutError) as exc:
        raise UrlRefused("the URL's host name does not resolve") from exc
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise UrlRefused("the URL's host name does not resolve")
    return addresses


def _peer_address(response: httpx.Response) -> IPAddress | None:
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if not peer:
        return None  # a test transport: nothing was connected
    return ipaddress.ip_address(str(peer[0]).split("%", 1)[0])


def _unmapped(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _parsed_or_fail(url: str) -> httpx.URL:
    try:
        return parse_url(url)
    except UrlRefused as exc:
        logger.info("fetch refused: %s", exc.reason)
        raise FetchFailed() from exc


def _remaining(deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchFailed()
    return remaining


def _host(url: httpx.URL) -> str:
    return _normalise_host(url.raw_host.decode("ascii", "replace"))


def _normalise_host(host: str) -> str:
    return host.lower().rstrip(".")


def _port(url: httpx.URL) -> int:
    return url.port or (443 if url.scheme == "https" else 80)


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _port_number(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise ValueError(f"port {text!r} is not between 1 and 65535")
    return int(text)
