"""Who is the client: the direct peer, or, when that peer is a trusted reverse proxy, what X-Forwarded-For says."""

import ipaddress
from collections.abc import Sequence

from starlette.types import Scope

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _trusted(address: str, trusted: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in trusted)


def client_address(scope: Scope, trusted: Sequence[Network]) -> str:
    """The client's address. X-Forwarded-For counts only when the peer is in `trusted`; then the right-most address
    that is not itself a trusted proxy is the client (the ones left of it were written by the client, so may be forged)."""
    client = scope.get("client")
    peer = str(client[0]) if client else "unknown"
    if not trusted or not _trusted(peer, trusted):
        return peer
    hops: list[str] = []
    for name, value in scope["headers"]:
        if name == b"x-forwarded-for":
            hops.extend(part.strip() for part in value.decode("latin-1").split(","))
    hops = [hop for hop in hops if hop]
    for hop in reversed(hops):
        if not _trusted(hop, trusted):
            return hop[:64]
    return hops[0][:64] if hops else peer


def client_scheme(scope: Scope, trusted: Sequence[Network]) -> str:
    """`http` or `https` as the client used it: a trusted proxy's X-Forwarded-Proto, else this connection's scheme."""
    client = scope.get("client")
    if trusted and client and _trusted(str(client[0]), trusted):
        for name, value in scope["headers"]:
            if name == b"x-forwarded-proto":
                proto = value.decode("latin-1").split(",")[-1].strip().lower()
                if proto in ("http", "https"):
                    return str(proto)
    return str(scope.get("scheme", "http"))
