"""kit.netguard: the SSRF table, allow-list entries, redirects re-checked per hop, DNS rebinding, uniform errors."""

import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from kit import netguard
from kit.errors import ValidationFailed
from kit.netguard import FetchFailed, FetchPolicy, ResponseTooLarge, UrlRefused, check_url, fetch, parse_allow_entry

# Every spelling of an internal target the probe used, and the kind the guard names at validation time.
INTERNAL = [
    ("http://127.0.0.1/", "loopback"),
    ("http://localhost/", "loopback"),
    ("http://[::1]/", "loopback"),
    ("http://2130706433/", "loopback"),  # decimal
    ("http://0x7f000001/", "loopback"),  # hex
    ("http://127.1/", "loopback"),  # short form
    ("http://0x7f.0.0.1/", "loopback"),
    ("http://[::ffff:127.0.0.1]/", "loopback"),  # IPv4-mapped
    ("http://[::ffff:7f00:1]/", "loopback"),
    ("http://[::127.0.0.1]/", "loopback"),  # IPv4-compatible
    ("http://[2002:7f00:1::]/", "loopback"),  # 6to4
    ("http://[64:ff9b::7f00:1]/", "loopback"),  # NAT64
    ("http://169.254.169.254/latest/meta-data/", "link-local"),  # cloud metadata
    ("http://2852039166/", "link-local"),  # 169.254.169.254 in decimal
    ("http://[::ffff:169.254.169.254]/", "link-local"),
    ("http://[fe80::1]/", "link-local"),
    ("http://10.0.0.1/", "private"),
    ("http://172.16.5.4/", "private"),
    ("http://192.168.1.1/", "private"),
    ("http://[::ffff:10.0.0.1]/", "private"),
    ("http://[64:ff9b::a00:1]/", "private"),
    ("http://100.64.0.1/", "carrier-grade NAT"),
    ("http://[fc00::1]/", "private"),
    ("http://[fd12:3456::1]/", "private"),
    ("http://224.0.0.1/", "multicast"),
    ("http://[ff02::1]/", "multicast"),
    ("http://0.0.0.0/", "unspecified"),
    ("http://0/", "unspecified"),
    ("http://[::]/", "unspecified"),
    ("http://255.255.255.255/", "broadcast"),
    ("http://240.0.0.1/", "non-public"),  # reserved
    ("http://[2001:db8::1]/", "non-public"),  # documentation
    ("https://127.0.0.1:8443/x?y=1", "loopback"),
]

MALFORMED = [
    ("http://user@93.184.216.34/", "user name or password"),
    ("http://user:pass@93.184.216.34/", "user name or password"),
    ("http://93.184.216.34@127.0.0.1/", "user name or password"),
    ("ftp://93.184.216.34/feed.ics", "http:// or https://"),
    ("file:///etc/passwd", "http:// or https://"),
    ("gopher://127.0.0.1:6379/_INFO", "http:// or https://"),
    ("dict://127.0.0.1:11211/stat", "http:// or https://"),
    ("javascript:alert(1)", "http:// or https://"),
    ("http:///no-host", "no host"),
    ("http://0177.0.0.1/", "not valid"),  # octal: httpx refuses it (getaddrinfo would read 127.0.0.1)
    ("http://exa mple.com/", "spaces"),
    ("http://example.com\\@127.0.0.1/", "backslashes"),
    ("http://93.184.216.34:0/", "port"),
    ("http://[fe80::1%25eth0]/", "not a valid host"),
    ("http://127.0.0.1%2f/", "not a valid host"),
]

PUBLIC = [
    "http://93.184.216.34/feed.ics",
    "https://[2606:2800:220:1::]/x",
    "http://[::ffff:93.184.216.34]/",
    "http://8.8.8.8:8080/",
]


@pytest.mark.parametrize(("url", "kind"), INTERNAL)
def test_internal_addresses_in_any_spelling_are_refused(url: str, kind: str) -> None:
    with pytest.raises(UrlRefused, match=kind):
        check_url(url, policy=FetchPolicy())
    with pytest.raises(FetchFailed) as caught:
        fetch("GET", url, policy=FetchPolicy(timeout=2))
    assert str(caught.value) == FetchFailed.MESSAGE


@pytest.mark.parametrize(("url", "reason"), MALFORMED)
def test_malformed_urls_userinfo_and_other_schemes_are_refused(url: str, reason: str) -> None:
    with pytest.raises(UrlRefused, match=reason):
        check_url(url, policy=FetchPolicy(allow_loopback=True))
    with pytest.raises(FetchFailed):
        fetch("GET", url, policy=FetchPolicy(allow_loopback=True, timeout=2))


@pytest.mark.parametrize("url", PUBLIC)
def test_public_addresses_pass(url: str) -> None:
    assert check_url(url, policy=FetchPolicy()).scheme in ("http", "https")


def test_allow_loopback_admits_loopback_forms_only() -> None:
    policy = FetchPolicy(allow_loopback=True)
    for url in (
        "http://127.0.0.1:9/",
        "http://[::1]/",
        "http://2130706433/",
        "http://[::ffff:127.0.0.1]/",
        "http://localhost/",
    ):
        check_url(url, policy=policy)
    for url in ("http://0.0.0.0/", "http://169.254.169.254/", "http://10.0.0.1/", "http://[fd00::1]/"):
        with pytest.raises(UrlRefused):
            check_url(url, policy=policy)


def test_allow_list_entries_networks_exact_addresses_and_host_names(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dns(monkeypatch, {"feeds.intranet": ["10.20.0.5"], "other.intranet": ["10.20.0.6"]})
    policy = FetchPolicy(
        allow=netguard.parse_allow_list(["10.1.0.0/16", "127.0.0.1:8080", "[fd00::7]", "Feeds.Intranet.:8443"])
    )
    for url in (
        "http://10.1.2.3/",
        "http://[::ffff:10.1.2.3]/",
        "http://127.0.0.1:8080/x",
        "http://2130706433:8080/",
        "http://[fd00::7]:99/",
        "https://feeds.intranet:8443/y.ics",
    ):
        check_url(url, policy=policy)
    for url in (
        "http://10.2.0.1/",
        "http://127.0.0.1:8081/",
        "http://127.0.0.1/",
        "http://[fd00::8]/",
        "https://feeds.intranet/",
        "https://other.intranet:8443/",
    ):
        with pytest.raises(UrlRefused):
            check_url(url, policy=policy)
    for bad in ("", "not a host!", "10.0.0.1:0", "10.0.0.1:99999", "[::1", "10.0.0.0/33"):
        with pytest.raises(ValueError):
            parse_allow_entry(bad)


def test_every_resolved_address_must_be_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dns(monkeypatch, {"mixed.example": ["93.184.216.34", "10.0.0.1"], "nowhere.example": []})
    with pytest.raises(UrlRefused, match="private"):
        check_url("http://mixed.example/", policy=FetchPolicy())
    with pytest.raises(UrlRefused, match="does not resolve"):
        check_url("http://nowhere.example/", policy=FetchPolicy())


def test_ensure_allowed_url_is_a_422_naming_the_field() -> None:
    with pytest.raises(ValidationFailed) as caught:
        netguard.ensure_allowed_url("http://169.254.169.254/", policy=FetchPolicy(), field="body.url")
    assert caught.value.status == 422
    assert caught.value.code == "url_not_allowed"
    assert caught.value.details[0].field == "body.url"


# --- real fetches against local servers -------------------------------------------------------------


class Server:
    """A local HTTP server answering from `routes` (path -> status, headers, body) and logging what it got."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.requests: list[dict[str, Any]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                owner.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": self.rfile.read(length),
                    }
                )
                status, headers, body = owner.routes.get(self.path, (404, {}, b"no such path"))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = _answer
            do_POST = _answer

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://{host}:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def allowed() -> Iterator[Server]:
    server = Server()
    yield server
    server.close()


@pytest.fixture
def internal() -> Iterator[Server]:
    server = Server()
    server.routes["/secret"] = (200, {}, b'{"keys": ["internal-jwks"]}')
    yield server
    server.close()


def exact(server: Server, **overrides: Any) -> FetchPolicy:
    """Only this server's address and port (an exact allow-list entry), not loopback in general."""
    return FetchPolicy(allow=(parse_allow_entry(f"127.0.0.1:{server.port}"),), **({"timeout": 5.0} | overrides))


def fake_dns(
    monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]] | Callable[[str], list[str] | None]
) -> list[str]:
    """Replace the OS resolver for some names (others, IP literals included, go to the real one); returns lookups."""
    real = socket.getaddrinfo
    lookups: list[str] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        found = answers(str(host)) if callable(answers) else answers.get(str(host))
        if found is None:
            return real(host, port, *args, **kwargs)
        lookups.append(str(host))
        if not found:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, int(port))) for a in found
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return lookups


def test_an_allowed_target_is_fetched_with_its_host_header(allowed: Server) -> None:
    allowed.routes["/feed.ics"] = (200, {"ETag": '"v1"'}, b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    got = fetch("GET", allowed.url + "/feed.ics", policy=exact(allowed), headers={"Accept": "text/calendar"})
    assert (got.status_code, got.body, got.headers["etag"]) == (200, b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", '"v1"')
    assert allowed.requests[0]["headers"]["Host"] == f"127.0.0.1:{allowed.port}"


def test_a_redirect_chain_from_an_allowed_server_to_a_refused_target_never_reaches_it(
    allowed: Server, internal: Server
) -> None:
    allowed.routes["/a"] = (302, {"Location": "/b"}, b"")
    allowed.routes["/b"] = (301, {"Location": f"http://127.0.0.1:{internal.port}/secret"}, b"")
    with pytest.raises(FetchFailed):
        fetch("GET", allowed.url + "/a", policy=exact(allowed), follow_redirects=True)
    assert [r["path"] for r in allowed.requests] == ["/a", "/b"]
    assert internal.requests == []
    for target in (
        "http://169.254.169.254/latest/meta-data/",
        f"http://[::ffff:127.0.0.1]:{internal.port}/secret",
        f"http://2130706433:{internal.port}/secret",
        f"http://user@127.0.0.1:{allowed.port}/ok",
        "file:///etc/passwd",
    ):
        allowed.routes["/c"] = (307, {"Location": target}, b"")
        with pytest.raises(FetchFailed):
            fetch("GET", allowed.url + "/c", policy=exact(allowed), follow_redirects=True)
    assert internal.requests == []


def test_redirects_within_the_allowed_target_are_followed_and_bounded(allowed: Server) -> None:
    allowed.routes["/old"] = (301, {"Location": "/new"}, b"")
    allowed.routes["/new"] = (200, {}, b"BEGIN:VCALENDAR")
    assert fetch("GET", allowed.url + "/old", policy=exact(allowed), follow_redirects=True).url.endswith("/new")
    allowed.routes["/loop"] = (302, {"Location": "/loop"}, b"")
    with pytest.raises(FetchFailed):
        fetch("GET", allowed.url + "/loop", policy=exact(allowed, max_redirects=3), follow_redirects=True)
    assert sum(r["path"] == "/loop" for r in allowed.requests) == 4
    # Not following (webhooks): the 3xx is the answer.
    assert fetch("POST", allowed.url + "/old", policy=exact(allowed), content=b"{}").status_code == 301


def test_dns_rebinding_the_connection_goes_to_the_vetted_address() -> None:
    """The name first resolves to an allowed address, then to a refused one: the second answer is never used."""
    vetted = Server("127.0.0.2")
    try:
        internal = Server("127.0.0.1", vetted.port)
    except OSError:
        vetted.close()
        pytest.skip("the port is taken on 127.0.0.1")
    vetted.routes["/feed.ics"] = (200, {}, b"vetted")
    internal.routes["/feed.ics"] = (200, {}, b"internal")
    with pytest.MonkeyPatch.context() as monkeypatch:
        answers = iter([["127.0.0.2"]])
        lookups = fake_dns(monkeypatch, lambda host: next(answers, ["127.0.0.1"]) if host == "rebind.test" else None)
        policy = FetchPolicy(allow=(parse_allow_entry(f"127.0.0.2:{vetted.port}"),), timeout=5)
        try:
            got = fetch("GET", f"http://rebind.test:{vetted.port}/feed.ics", policy=policy)
            assert got.body == b"vetted"
            assert vetted.requests[0]["headers"]["Host"] == f"rebind.test:{vetted.port}"
            assert lookups == ["rebind.test"]  # one lookup, the one that was checked
            # Now the name answers the internal address from the first lookup on: refused before connecting.
            with pytest.raises(FetchFailed):
                fetch("GET", f"http://rebind.test:{vetted.port}/feed.ics", policy=policy)
            assert internal.requests == []
        finally:
            vetted.close()
            internal.close()


def test_a_connection_that_lands_on_another_peer_is_refused(internal: Server) -> None:
    """The connected peer address is checked too: a connection that ends elsewhere than the vetted address fails."""

    class Elsewhere(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            request.url = request.url.copy_with(host="127.0.0.1", port=internal.port)
            return super().handle_request(request)

    policy = FetchPolicy(allow=(parse_allow_entry("127.0.0.2"),), timeout=5)
    with pytest.raises(FetchFailed):
        fetch("GET", f"http://127.0.0.2:{internal.port}/secret", policy=policy, transport=Elsewhere())
    assert (
        fetch(
            "GET",
            f"http://127.0.0.1:{internal.port}/secret",
            policy=FetchPolicy(allow_loopback=True),
            transport=Elsewhere(),
        ).status_code
        == 200
    )


def test_refused_closed_port_and_timeout_give_one_message(allowed: Server) -> None:
    """Nothing tells a refused address from a closed port or a silent one (no port scanning)."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        closed_port = closed.getsockname()[1]
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts connections into the backlog, never answers
    try:
        policy = FetchPolicy(allow_loopback=True, timeout=0.5)
        messages = set()
        for url in (
            f"http://127.0.0.1:{closed_port}/",
            f"http://127.0.0.1:{silent.getsockname()[1]}/",
            "http://10.0.0.1/",
            "http://nowhere.invalid/",
        ):
            with pytest.raises(FetchFailed) as caught:
                fetch("GET", url, policy=policy)
            messages.add(str(caught.value))
        assert messages == {FetchFailed.MESSAGE}
    finally:
        silent.close()


def test_bodies_are_bounded_and_never_read_from_failed_answers(allowed: Server) -> None:
    allowed.routes["/big"] = (200, {}, b"x" * 5000)
    allowed.routes["/error"] = (500, {}, b'{"keys": ["internal-jwks"]}')
    with pytest.raises(ResponseTooLarge):
        fetch("GET", allowed.url + "/big", policy=exact(allowed, max_bytes=1000))
    failed = fetch("GET", allowed.url + "/error", policy=exact(allowed))
    assert (failed.status_code, failed.body) == (500, b"")


def test_https_keeps_the_host_name_for_sni_and_certificate_checks(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """Connecting to the vetted address must not break TLS: SNI and the certificate check use the URL's name."""
    import datetime
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "feeds.test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("feeds.test")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    server = Server()
    server.routes["/feed.ics"] = (200, {}, b"BEGIN:VCALENDAR")
    served = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    served.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    names: list[str | None] = []
    served.sni_callback = lambda sock, sni, ctx: names.append(sni)  # type: ignore[assignment,misc]
    server.server.socket = served.wrap_socket(server.server.socket, server_side=True)
    trusted = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
    fake_dns(monkeypatch, {"feeds.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]})
    policy = FetchPolicy(allow_loopback=True, timeout=5)
    try:
        got = fetch(
            "GET",
            f"https://feeds.test:{server.port}/feed.ics",
            policy=policy,
            transport=httpx.HTTPTransport(verify=trusted),
        )
        assert (got.status_code, got.body) == (200, b"BEGIN:VCALENDAR")
        assert names == ["feeds.test"]
        assert server.requests[0]["headers"]["Host"] == f"feeds.test:{server.port}"
        with pytest.raises(FetchFailed):  # the certificate is checked against the URL's name, not the address
            fetch(
                "GET",
                f"https://other.test:{server.port}/feed.ics",
                policy=policy,
                transport=httpx.HTTPTransport(verify=trusted),
            )
    finally:
        server.close()
