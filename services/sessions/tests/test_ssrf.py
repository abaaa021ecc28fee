"""Feeds and webhooks only reach allowed targets (kit.netguard): at registration, at every fetch, on every hop."""

import socket
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select, update

from sessions.feeds import DOWNLOAD_FAILED
from sessions.models import TimetableFeed, WebhookDelivery, WebhookEndpoint
from sessions.webhooks import UNREACHABLE, WebhookRelay
from tests.factories import People, create_session, ics, new_id, weekly_lecture

SECRET = b'{"keys": [{"kid": "internal-signing-key"}]}'

REFUSED_URLS = [
    "http://127.0.0.1/feed.ics",
    "http://localhost/feed.ics",
    "http://[::1]/feed.ics",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://127.1/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::127.0.0.1]/",
    "http://[2002:7f00:1::]/",
    "http://[64:ff9b::7f00:1]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://2852039166/",
    "http://[::ffff:169.254.169.254]/",
    "http://[fe80::1]/",
    "http://10.0.0.1/",
    "http://172.16.0.1/",
    "http://192.168.0.1/",
    "http://100.64.0.1/",
    "http://[fc00::1]/",
    "http://[fd00::1]/",
    "http://224.0.0.1/",
    "http://[ff02::1]/",
    "http://0.0.0.0/",
    "http://0/",
    "http://[::]/",
    "http://255.255.255.255/",
    "http://240.0.0.1/",
    "http://0177.0.0.1/",
    "http://user@93.184.216.34/feed.ics",
    "http://93.184.216.34@127.0.0.1/",
    "ftp://93.184.216.34/feed.ics",
    "file:///etc/passwd",
    "gopher://127.0.0.1:6379/_INFO",
]

FEED = "/api/sessions/feeds"
HOOKS = "/api/sessions/webhooks/endpoints"


def feed_body(url: str) -> dict[str, Any]:
    return {"name": "Y1", "url": url, "owner": {"type": "cohort", "id": "Y1"}}


class Server:
    """A local HTTP server answering from `routes` (path -> status, headers, body); logs every request."""

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
                    {"path": self.path, "headers": dict(self.headers), "body": self.rfile.read(length)}
                )
                status, headers, body = owner.routes.get(self.path, (200, {}, SECRET))
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
    """Stands for the JWKS, /readyz or a metadata service: nothing may reach it."""
    server = Server()
    yield server
    server.close()


@pytest.fixture
def guarded(app: FastAPI, allowed: Server) -> Iterator[Any]:
    """The production rules: no loopback, only `allowed` by an exact allow-list entry (its address and port)."""
    settings = app.state.settings
    previous = (
        settings.fetch_allow_loopback,
        settings.fetch_allow,
        settings.feed_fetch_timeout_seconds,
        settings.webhook_timeout_seconds,
    )
    settings.fetch_allow_loopback, settings.fetch_allow = False, [f"127.0.0.1:{allowed.port}"]
    settings.feed_fetch_timeout_seconds = settings.webhook_timeout_seconds = 2.0
    yield settings
    (
        settings.fetch_allow_loopback,
        settings.fetch_allow,
        settings.feed_fetch_timeout_seconds,
        settings.webhook_timeout_seconds,
    ) = previous


def fake_dns(monkeypatch: pytest.MonkeyPatch, answer: Callable[[str], list[str] | None]) -> None:
    """The OS resolver answers `answer(host)` for the names it knows (None: the real resolver)."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        found = answer(str(host))
        if found is None:
            return real(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, int(port))) for a in found]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def refresh(client: TestClient, people: People, feed_id: int) -> dict[str, Any]:
    response = client.post(f"/api/sessions/feeds/{feed_id}/refresh", headers=people.admin())
    assert response.status_code == 200, response.text
    assert b"internal-signing-key" not in response.content
    result: dict[str, Any] = response.json()
    return result


def pending_deliveries_now(engine: Any) -> None:
    with Session(engine) as db:
        db.exec(update(WebhookDelivery).values(next_attempt_at=datetime.now(UTC)))  # type: ignore[call-overload]
        db.commit()


@pytest.mark.parametrize("path", [FEED, HOOKS])
def test_registration_refuses_internal_targets_in_any_spelling(
    client: TestClient, people: People, guarded: Any, path: str
) -> None:
    """The table (one app per endpoint, to keep it quick; kit/tests/test_netguard.py has it parametrised per URL)."""
    for url in REFUSED_URLS:
        response = client.post(path, json=feed_body(url) if path == FEED else {"url": url}, headers=people.admin())
        assert response.status_code == 422, (url, response.text)
        assert response.json()["details"][0]["field"] == "body.url", url
    assert client.get(path, headers=people.admin()).json() == []


def test_registration_accepts_public_and_allow_listed_targets(
    client: TestClient, people: People, guarded: Any, allowed: Server
) -> None:
    for url in ("https://93.184.216.34/feed.ics", allowed.url + "/feed.ics"):
        assert client.post(FEED, json=feed_body(url), headers=people.admin()).status_code == 201
        assert client.post(HOOKS, json={"url": url}, headers=people.admin()).status_code == 201
    # Same address, another port: not named by the exact entry.
    refused = client.post(HOOKS, json={"url": f"http://127.0.0.1:{allowed.port + 1}/"}, headers=people.admin())
    assert (refused.status_code, refused.json()["code"]) == (422, "url_not_allowed")


def test_feed_redirect_chain_to_an_internal_target_is_refused_and_not_echoed(
    client: TestClient, people: People, guarded: Any, allowed: Server, internal: Server
) -> None:
    allowed.routes["/y1.ics"] = (302, {"Location": "/moved.ics"}, b"")
    allowed.routes["/moved.ics"] = (301, {"Location": f"http://127.0.0.1:{internal.port}/.well-known/jwks.json"}, b"")
    feed = client.post(FEED, json=feed_body(allowed.url + "/y1.ics"), headers=people.admin()).json()
    broken = refresh(client, people, feed["id"])
    assert broken["status"] == "error"
    assert broken["last_error"]["reason"] == DOWNLOAD_FAILED
    assert [r["path"] for r in allowed.requests] == ["/y1.ics", "/moved.ics"]
    assert internal.requests == []
    for target in (
        "http://169.254.169.254/latest/meta-data/",
        f"http://[::ffff:127.0.0.1]:{internal.port}/",
        f"http://2130706433:{internal.port}/",
    ):
        allowed.routes["/moved.ics"] = (307, {"Location": target}, b"")
        assert refresh(client, people, feed["id"])["last_error"]["reason"] == DOWNLOAD_FAILED
    assert internal.requests == []
    # A redirect that stays on the allowed target is followed.
    start = datetime(2027, 3, 1, 9, 0)
    allowed.routes["/moved.ics"] = (200, {}, ics(weekly_lecture(start)))
    assert refresh(client, people, feed["id"])["status"] == "ok"


def test_feed_errors_never_quote_the_response_and_do_not_tell_refused_from_unreachable(
    client: TestClient, people: People, guarded: Any, allowed: Server, engine: Any
) -> None:
    feed = client.post(FEED, json=feed_body(allowed.url + "/y1.ics"), headers=people.admin()).json()
    allowed.routes["/y1.ics"] = (500, {}, SECRET)
    assert refresh(client, people, feed["id"])["last_error"]["reason"] == "the server answered HTTP 500"
    allowed.routes["/y1.ics"] = (200, {}, SECRET)  # answered, but not a calendar: the parser would quote line 1
    reason = refresh(client, people, feed["id"])["last_error"]["reason"]
    assert "internal" not in reason
    assert "not an iCalendar feed" in reason
    # Refused address, closed port, silent port: one message.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        closed_port = closed.getsockname()[1]
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    guarded.fetch_allow = [f"127.0.0.1:{closed_port}", f"127.0.0.1:{silent.getsockname()[1]}"]
    guarded.feed_fetch_timeout_seconds = 0.5
    reasons = set()
    try:
        for url in (
            f"http://127.0.0.1:{closed_port}/",
            f"http://127.0.0.1:{silent.getsockname()[1]}/",
            f"http://127.0.0.1:{allowed.port}/",
            "http://nowhere.invalid/",
        ):
            with Session(engine) as db:
                row = db.get(TimetableFeed, feed["id"])
                assert row is not None
                row.url = url  # as if registered while it was allowed (or resolved elsewhere)
                db.add(row)
                db.commit()
            reasons.add(refresh(client, people, feed["id"])["last_error"]["reason"])
    finally:
        silent.close()
    assert reasons == {DOWNLOAD_FAILED}


def test_feed_dns_rebinding_fetches_from_the_checked_address_only(
    client: TestClient, people: People, guarded: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    vetted = Server("127.0.0.2")
    try:
        internal = Server("127.0.0.1", vetted.port)
    except OSError:
        vetted.close()
        pytest.skip("the port is taken on 127.0.0.1")
    try:
        vetted.routes["/y1.ics"] = (200, {}, ics(weekly_lecture(datetime(2027, 3, 1, 9, 0))))
        guarded.fetch_allow = [f"127.0.0.2:{vetted.port}"]
        lookups: list[str] = []

        def answer(host: str) -> list[str] | None:
            if host != "calendar.rebind.test":
                return None
            lookups.append(host)
            return ["127.0.0.2"] if len(lookups) <= 2 else ["127.0.0.1"]  # registration, fetch, then the internal one

        fake_dns(monkeypatch, answer)
        feed = client.post(
            FEED, json=feed_body(f"http://calendar.rebind.test:{vetted.port}/y1.ics"), headers=people.admin()
        )
        assert feed.status_code == 201, feed.text
        assert refresh(client, people, feed.json()["id"])["status"] == "ok"
        assert vetted.requests[0]["headers"]["Host"] == f"calendar.rebind.test:{vetted.port}"
        assert internal.requests == []
        # From now on the name answers the internal address: refused at fetch time, nothing connects to it.
        assert refresh(client, people, feed.json()["id"])["last_error"]["reason"] == DOWNLOAD_FAILED
        assert internal.requests == []
    finally:
        vetted.close()
        internal.close()


def test_webhooks_are_checked_again_at_delivery_and_never_follow_redirects(
    client: TestClient, people: People, guarded: Any, allowed: Server, internal: Server, engine: Any, app: FastAPI
) -> None:
    endpoint = client.post(HOOKS, json={"url": allowed.url + "/hook"}, headers=people.admin())
    assert endpoint.status_code == 201
    create_session(client, people)
    relay = WebhookRelay(engine, settings=app.state.settings)
    # The receiver redirects to an internal address: the redirect is the answer, nothing follows it.
    allowed.routes["/hook"] = (307, {"Location": f"http://127.0.0.1:{internal.port}/admin"}, SECRET)
    assert relay.drain() == 0
    delivery = client.get("/api/sessions/webhooks/deliveries", headers=people.admin()).json()[0]
    assert (delivery["last_status_code"], delivery["last_error"]) == (307, "receiver answered 307")
    assert internal.requests == []
    # The allow-list changed since registration (as a DNS answer may): the delivery is refused, uniformly.
    guarded.fetch_allow = []
    pending_deliveries_now(engine)
    assert WebhookRelay(engine, settings=app.state.settings).drain() == 0
    delivery = client.get("/api/sessions/webhooks/deliveries", headers=people.admin()).json()[0]
    assert (delivery["last_status_code"], delivery["last_error"]) == (None, UNREACHABLE)
    assert delivery["status"] == "pending"
    assert len(allowed.requests) == 1
    # A closed port gives the same error as the refused address.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        closed_port = closed.getsockname()[1]
    guarded.fetch_allow = [f"127.0.0.1:{closed_port}"]
    with Session(engine) as db:
        row = db.exec(select(WebhookEndpoint)).one()
        row.url = f"http://127.0.0.1:{closed_port}/hook"
        db.add(row)
        db.commit()
    pending_deliveries_now(engine)
    assert WebhookRelay(engine, settings=app.state.settings).drain() == 0
    assert (
        client.get("/api/sessions/webhooks/deliveries", headers=people.admin()).json()[0]["last_error"] == UNREACHABLE
    )


def test_webhook_dns_rebinding_posts_to_the_checked_address_only(
    client: TestClient, people: People, guarded: Any, engine: Any, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    vetted = Server("127.0.0.2")
    try:
        internal = Server("127.0.0.1", vetted.port)
    except OSError:
        vetted.close()
        pytest.skip("the port is taken on 127.0.0.1")
    try:
        vetted.routes["/hook"] = (204, {}, b"")
        guarded.fetch_allow = [f"127.0.0.2:{vetted.port}"]
        answers = iter([["127.0.0.2"], ["127.0.0.2"]])  # registration, delivery; then the internal address
        fake_dns(monkeypatch, lambda host: next(answers, ["127.0.0.1"]) if host == "hooks.rebind.test" else None)
        assert (
            client.post(
                HOOKS, json={"url": f"http://hooks.rebind.test:{vetted.port}/hook"}, headers=people.admin()
            ).status_code
            == 201
        )
        created = create_session(client, people)
        assert WebhookRelay(engine, settings=app.state.settings).drain() == 1
        assert vetted.requests[0]["headers"]["Host"] == f"hooks.rebind.test:{vetted.port}"
        client.post(f"/api/sessions/sessions/{created['id']}/cancel", headers=people.tutor())
        assert WebhookRelay(engine, settings=app.state.settings).drain() == 0
        assert internal.requests == []
        assert (
            client.get("/api/sessions/webhooks/deliveries", headers=people.admin()).json()[0]["last_error"]
            == UNREACHABLE
        )
    finally:
        vetted.close()
        internal.close()


def test_feed_fetched_from_loopback_only_when_development_allows_it(
    client: TestClient, people: People, allowed: Server, app: FastAPI
) -> None:
    """The test app sets FETCH_ALLOW_LOOPBACK (development); without it the same feed is refused."""
    learner = new_id()
    client.put("/api/sessions/timetable/memberships", json={"cohorts": {"Y1": [learner]}}, headers=people.timetable())
    allowed.routes["/y1.ics"] = (200, {}, ics(weekly_lecture(datetime(2027, 3, 1, 9, 0))))
    feed = client.post(FEED, json=feed_body(allowed.url + "/y1.ics"), headers=people.admin()).json()
    assert refresh(client, people, feed["id"])["status"] == "ok"
    app.state.settings.fetch_allow_loopback = False
    try:
        assert refresh(client, people, feed["id"])["last_error"]["reason"] == DOWNLOAD_FAILED
        assert client.post(FEED, json=feed_body(allowed.url + "/y1.ics"), headers=people.admin()).status_code == 422
    finally:
        app.state.settings.fetch_allow_loopback = True


def test_allow_list_settings_from_the_environment_and_loopback_refused_in_production(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sessions.core.config import Settings

    monkeypatch.setenv("FETCH_ALLOW", "10.20.0.0/16, feeds.intranet:8443 ,[fd00::7]:443")
    policy = Settings().fetch_policy(timeout=1, max_bytes=10, follow_redirects=True)
    assert [e.text for e in policy.allow] == ["10.20.0.0/16", "feeds.intranet:8443", "[fd00::7]:443"]
    monkeypatch.setenv("FETCH_ALLOW", '["127.0.0.1:8080"]')
    assert Settings().fetch_allow == ["127.0.0.1:8080"]
    monkeypatch.setenv("FETCH_ALLOW", "not a host!")
    with pytest.raises(ValueError, match="not a host"):
        Settings()
    monkeypatch.delenv("FETCH_ALLOW")
    with pytest.raises(ValueError, match="FETCH_ALLOW_LOOPBACK"):
        Settings(
            environment="production",
            fetch_allow_loopback=True,
            database_url="postgresql+psycopg://x/y",
            client_id="svc",
        )
