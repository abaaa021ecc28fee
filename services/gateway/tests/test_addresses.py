import ipaddress

import pytest

from gateway.addresses import client_address, client_scheme

TRUSTED = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("::1/128")]


def _scope(peer: str, *forwarded: str) -> dict[str, object]:
    return {"client": (peer, 1234), "headers": [(b"x-forwarded-for", value.encode()) for value in forwarded]}


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("203.0.113.7", ["1.1.1.1"], "203.0.113.7"),  # an untrusted peer's header is ignored
        ("127.0.0.1", ["1.1.1.1"], "127.0.0.1"),  # loopback is not trusted unless configured
        ("10.0.0.5", [], "10.0.0.5"),
        ("10.0.0.5", ["1.1.1.1"], "1.1.1.1"),
        ("10.0.0.5", ["6.6.6.6, 1.1.1.1, 10.0.0.9"], "1.1.1.1"),  # right-most untrusted; the left part is the client's
        ("10.0.0.5", ["6.6.6.6", "1.1.1.1"], "1.1.1.1"),  # several header lines read as one list
        ("10.0.0.5", ["10.0.0.8, 10.0.0.9"], "10.0.0.8"),  # only proxies: the farthest one
        ("::1", ["2001:db8::1"], "2001:db8::1"),
        ("::ffff:10.0.0.5", ["1.1.1.1"], "1.1.1.1"),  # IPv4-mapped peer
        ("testclient", ["1.1.1.1"], "testclient"),
    ],
)
def test_forwarded_for_counts_only_from_trusted_proxies(peer: str, forwarded: list[str], client: str) -> None:
    assert client_address(_scope(peer, *forwarded), TRUSTED) == client


def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    assert client_address(_scope("10.0.0.5", "1.1.1.1"), []) == "10.0.0.5"


def test_the_scheme_comes_from_a_trusted_proxy_only() -> None:
    trusted = {"client": ("10.0.0.5", 1), "scheme": "http", "headers": [(b"x-forwarded-proto", b"https")]}
    untrusted = {**trusted, "client": ("203.0.113.7", 1)}
    assert client_scheme(trusted, TRUSTED) == "https"
    assert client_scheme(untrusted, TRUSTED) == "http"
    assert client_scheme({**trusted, "headers": [(b"x-forwarded-proto", b"gopher")]}, TRUSTED) == "http"
